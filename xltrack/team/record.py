"""The split record: what a split copy was given, so merge can tell which side changed what.

Stored in the copy as an xltrack-owned custom XML part (``customXml/itemN.xml``, with its
properties part and a ``customXml`` relationship from the workbook): Excel keeps custom XML parts
when it saves a workbook, so the record survives the salesperson's edits. The element is
``<xltrackSplit xmlns="urn:xltrack:split">`` holding one JSON object:

* ``workbook``: the team workbook's identity — ``id`` (a hash of its creation time in
  ``docProps/core.xml`` and the Config team name; stable across saves and renames), ``name``
  (its file name when split);
* ``taken`` (UTC time of the split), ``as_of``, ``by`` and ``scope`` (whose rows), ``lang``;
* ``fields``: per sheet, the field names fingerprinted (canonical keys, then extra columns);
* ``projects``: ``{ID: [fingerprint of each field]}``; ``activities`` and ``payments``: lists of
  ``[project ID, team row, [fingerprints]]`` in sheet order.

A fingerprint is the first 10 hex digits of a BLAKE2b hash of the field's normalized value
(:func:`fingerprint`): enough to tell "changed since the split" without carrying the values.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import re
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ..backends.file.xmlutil import esc
from ..tables import Tables

NS = "urn:xltrack:split"
VERSION = 1
_ITEM = re.compile(rb"<(?:\w+:)?xltrackSplit\b[^>]*>(.*?)</(?:\w+:)?xltrackSplit>", re.S)
SHEETS = ("projects", "activities", "payments")


def canonical(value: Any) -> str:
    """A normalized value as stable text: dates as ISO dates, numbers without float noise."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
        return ""
    if isinstance(value, pd.Timestamp):
        return "" if pd.isna(value) else value.date().isoformat() if value == value.normalize() else value.isoformat()
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, (int, float)):
        f = float(value)
        return str(int(f)) if f.is_integer() and abs(f) < 1e15 else repr(round(f, 9))
    return str(value).strip()


def fingerprint(value: Any) -> str:
    return hashlib.blake2b(canonical(value).encode("utf-8"), digest_size=5).hexdigest()


def fields_of(tables: Tables, sheet: str) -> list[str]:
    frame = getattr(tables, sheet)
    return [c for c in frame.columns if c != "_row"]


def _column_prints(values: list[Any]) -> list[str]:
    """Fingerprints of a column, each distinct value hashed once (stages, owners, dates repeat)."""
    memo: dict[tuple[type, Any], str] = {}
    out = []
    for v in values:
        try:
            key = (type(v), v)
            fp = memo.get(key)
            if fp is None:
                fp = memo[key] = fingerprint(v)
        except TypeError:          # an unhashable value
            fp = fingerprint(v)
        out.append(fp)
    return out


def row_prints(frame: pd.DataFrame, fields: list[str]) -> list[list[str]]:
    cols = [_column_prints(frame[f].tolist()) if f in frame.columns else [fingerprint(None)] * len(frame)
            for f in fields]
    return [list(vals) for vals in zip(*cols)] if cols else [[] for _ in range(len(frame))]


def workbook_id(created: str | None, team: str, name: str) -> str:
    basis = f"{created}|{team}" if created else f"{name}|{team}"
    return hashlib.blake2b(basis.encode("utf-8"), digest_size=8).hexdigest()


def core_created(core_xml: bytes | None) -> str | None:
    if not core_xml:
        return None
    m = re.search(rb"<dcterms:created\b[^>]*>([^<]+)</dcterms:created>", core_xml)
    return m.group(1).decode().strip() if m else None


@dataclass
class SplitRecord:
    workbook: dict[str, str]
    taken: str
    as_of: str
    by: str
    scope: str
    lang: str
    fields: dict[str, list[str]]
    projects: dict[str, list[str]] = field(default_factory=dict)
    activities: list[list[Any]] = field(default_factory=list)
    payments: list[list[Any]] = field(default_factory=list)
    version: int = VERSION

    def to_json(self) -> str:
        return json.dumps(self.__dict__, ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> "SplitRecord":
        d = json.loads(text)
        return cls(**{k: d[k] for k in cls.__dataclass_fields__ if k in d})


def make_record(scoped: Tables, *, workbook: dict[str, str], by: str, scope: str, as_of: dt.date,
                taken: dt.datetime) -> SplitRecord:
    """The record of a copy holding ``scoped`` (the team tables filtered to the scope)."""
    fields = {s: fields_of(scoped, s) for s in SHEETS}
    rec = SplitRecord(workbook=workbook, taken=taken.strftime("%Y-%m-%dT%H:%M:%SZ"), as_of=as_of.isoformat(),
                      by=by, scope=scope, lang=scoped.lang, fields=fields)
    p = scoped.projects
    for pid, prints in zip(p["id"].tolist(), row_prints(p, fields["projects"])):
        if isinstance(pid, str) and pid not in rec.projects:
            rec.projects[pid] = prints
    for sheet in ("activities", "payments"):
        f = getattr(scoped, sheet)
        rows = getattr(rec, sheet)
        for pid, r, prints in zip(f["project_id"].tolist(), f["_row"].tolist(), row_prints(f, fields[sheet])):
            rows.append([pid if isinstance(pid, str) else None, int(r), prints])
    return rec


def record_parts(rec: SplitRecord, n: int = 1) -> tuple[str, bytes, str, bytes]:
    """The custom XML item and its properties part: (item name, bytes, props name, bytes)."""
    item = f"customXml/item{n}.xml"
    props = f"customXml/itemProps{n}.xml"
    item_xml = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                f'<xltrackSplit xmlns="{NS}" version="{VERSION}">{esc(rec.to_json())}</xltrackSplit>').encode("utf-8")
    guid = "{" + str(_uuid(rec)).upper() + "}"
    props_xml = ('<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n'
                 f'<ds:datastoreItem ds:itemID="{guid}" '
                 'xmlns:ds="http://schemas.openxmlformats.org/officeDocument/2006/customXml">'
                 f'<ds:schemaRefs><ds:schemaRef ds:uri="{NS}"/></ds:schemaRefs></ds:datastoreItem>').encode("utf-8")
    return item, item_xml, props, props_xml


def _uuid(rec: SplitRecord):
    import uuid

    return uuid.uuid5(uuid.NAMESPACE_URL, f"{NS}/{rec.workbook.get('id')}/{rec.scope}/{rec.taken}")


def find_record(parts: dict[str, bytes]) -> SplitRecord | None:
    """The record among a package's ``customXml/item*.xml`` parts, or None."""
    import html

    for name, data in parts.items():
        m = _ITEM.search(data)
        if m and NS.encode() in data[:m.start() + 200]:
            try:
                return SplitRecord.from_json(html.unescape(m.group(1).decode("utf-8")))
            except (ValueError, TypeError, KeyError):
                return None
    return None
