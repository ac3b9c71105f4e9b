"""Source cells → the typed values a person would have typed, by the workbook's own parsers.

Dates, amounts, probabilities and numbers go through :mod:`xltrack.normalize.values` (the same
parsers as typed cells): a value they understand lands typed (a date as a date, an amount as a
number); one they do not is kept as the text it was, so the row is not lost and the Issues sheet
reports it like a typed mistake. Stages, owners and activity types are mapped onto the
workbook's names (Config names and aliases, the mapping file, common CRM export values) and
written in the workbook's language; a value that matches nothing is kept as typed and reported
with the nearest name as a suggestion.
"""
from __future__ import annotations

import datetime as dt
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from ..normalize.lookup import activity_type_resolver, owner_resolver, stage_resolver
from ..normalize.text import match_key
from ..normalize.values import (is_blank, parse_amount, parse_date, parse_number, parse_probability,
                                parse_text)
from ..pipeline.defaults import templates_dir
from ..pipeline.models import Column, Pipeline


@lru_cache(maxsize=1)
def export_stage_values() -> dict[str, str]:
    """match_key(export value) → default stage key (``workbook_templates/crm_exports.toml``)."""
    with open(templates_dir() / "crm_exports.toml", "rb") as f:
        data = tomllib.load(f)
    return {match_key(v): key for key, values in data["stages"].items() for v in values}


def typed(v: Any, col: Column, *, as_of: dt.date, order: str, unit: float = 1.0) -> Any:
    """The value to write for a source cell of a column of type ``col.type`` (None when blank)."""
    if v is None or is_blank(v):
        return None
    t = col.type
    if t == "date":
        val, _, _ = parse_date(v, as_of=as_of, order=order)
    elif t == "money":
        val, _, _ = parse_amount(v, unit)
    elif t == "percent":
        val, _, _ = parse_probability(v)
    elif t == "int":
        val, _, _ = parse_number(v)
    else:
        val, _, _ = parse_text(v)
        return val
    if val is None:                  # not understood: keep what the source says, as text
        return parse_text(v)[0]
    if isinstance(val, dt.datetime):
        val = val.date()
    if isinstance(val, float) and val.is_integer() and abs(val) < 2 ** 53:
        val = int(val)
    return val


@dataclass
class Unknown:
    count: int = 0
    suggestion: str | None = None


@dataclass
class NameMap:
    """Source values → workbook names for one kind (stage, owner, activity type)."""

    kind: str
    resolve_fn: Any
    explicit: dict[str, str]
    display: dict[str, str]
    fallback: dict[str, str] = field(default_factory=dict)
    keep_unknown_key: bool = False
    unknown: dict[str, Unknown] = field(default_factory=dict)
    used: Counter = field(default_factory=Counter)       # source value → written name

    def map(self, text: str) -> str:
        raw = text.strip()
        target = self.explicit.get(raw, self.explicit.get(match_key(raw)))
        key, suggestion = self.resolve_fn(target if target is not None else raw)
        if key is None and target is None:
            key = self.fallback.get(match_key(raw))
        if key is None and target is not None and self.keep_unknown_key:
            self.used[(raw, target)] += 1
            return target
        if key is None:
            u = self.unknown.setdefault(raw, Unknown(suggestion=suggestion))
            u.count += 1
            return raw
        name = self.display[key]
        self.used[(raw, name)] += 1
        return name


def stage_map(pipe: Pipeline, lang: str, explicit: dict[str, str]) -> NameMap:
    r = stage_resolver(pipe, lang)
    keys = {s.key for s in pipe.stages}
    fallback = {k: v for k, v in export_stage_values().items() if v in keys}
    return NameMap("stage", r.resolve, {**explicit, **{match_key(k): v for k, v in explicit.items()}},
                   {s.key: s.name(lang) for s in pipe.stages}, fallback)


def owner_map(pipe: Pipeline, lang: str, explicit: dict[str, str]) -> NameMap:
    r = owner_resolver(pipe, lang)
    return NameMap("owner", r.resolve, {**explicit, **{match_key(k): v for k, v in explicit.items()}},
                   {o.name: o.name for o in pipe.owners}, keep_unknown_key=True)


def type_map(pipe: Pipeline, lang: str) -> NameMap:
    r = activity_type_resolver(pipe, lang)
    return NameMap("activity_type", r.resolve, {}, {a.key: a.name(lang) for a in pipe.activity_types})
