"""The team package cut into per-scope packages: only xltrack's sheets, only the scope's rows.

A split copy keeps what xltrack knows the owner of and nothing else (docs/team.md, "What a copy
holds"):

* **Projects, Activities, Payments**: the header rows and the scope's data rows, renumbered
  (:mod:`.rows`), with the sheet's table, drop-downs, validations, conditional formats, notes on
  the header, column widths and print setup. The table range shrinks to the rows.
* **History**: the rows of the scope's projects (and the records that name no project).
* **The summary sheets**: emptied here; the refresh that follows writes them from the copy's rows.
* **Config, Guide** (and ``xlwings.conf`` in an ``.xlsm``), styles, theme, the VBA project: as is.
* **Shared strings**: rebuilt from the cells that remain.
* Everything else is left out, because xltrack cannot tell whose rows it holds: the team's own
  sheets, pivot tables and their caches (a cache's records and shared items are source data),
  slicers, timelines, the data model, connections, external links, custom XML, the thumbnail,
  the calculation chain; defined names that point at what is left out; chart caches of charts
  on the kept sheets (the chart reads its range when it is opened). ``docProps`` are written
  anew (title, the sheet list), never copied.

What is left out is found by walking the relationships from the package root through the kinds
kept (:data:`_KEEP_WORKBOOK`, :data:`_KEEP_SHEET`): a part no kept relationship reaches is not in
the copy.
"""
from __future__ import annotations

import datetime as dt
import posixpath
import re
from dataclasses import dataclass, field
from typing import Hashable, Iterator

from ..backends.file.package import Package
from ..backends.file.workbook_parts import (CT_PART, WORKBOOK, Rel, WorkbookInfo, free_rid, parse_rels,
                                            rels_name, rels_xml, resolve)
from ..backends.file.xmlutil import RT, esc
from .record import SplitRecord, record_parts
from .rows import (SheetCopy, filter_comments, filter_vml, rebuild_shared_strings, shared_string_items,
                   shrink_range, split_rows)

CUSTOM_XML_PROPS = RT + "customXmlProps"

# relationship kinds (the last segment of the type URI) a copy keeps
_KEEP_ROOT = {"officeDocument", "core-properties", "extended-properties", "custom-properties"}
_KEEP_WORKBOOK = {"worksheet", "styles", "theme", "sharedStrings", "vbaProject", "metadata"}
_KEEP_SHEET = {"table", "comments", "vmlDrawing", "drawing", "printerSettings", "ctrlProp",
               "hyperlink", "image", "chart", "chartUserShapes", "themeOverride", "chartStyle",
               "chartColorStyle"}
_CACHE = re.compile(rb"<(\w+:)?(strCache|numCache|multiLvlStrCache)\b.*?</\1?\2>", re.S)
_SHEET_DATA = re.compile(rb"(<(?:\w+:)?sheetData\b[^>]*?)(?:/>|>.*?</(?:\w+:)?sheetData>)", re.S)
_OWNED_ROW_ELEMENTS = re.compile(rb"<((?:\w+:)?)(hyperlinks|mergeCells)\b.*?</\1\2>", re.S)
_TABLE_REFS = re.compile(rb'(<(?:\w+:)?(?:table|autoFilter)\b[^>]*?\sref=")([^"]+)(")')
_EXT = re.compile(rb"<((?:\w+:)?)ext\b[^>]*>.*?</\1ext>", re.S)
_EXTLST = re.compile(rb"<((?:\w+:)?)extLst\b[^>]*>.*?</\1extLst>", re.S)


@dataclass
class SheetPlan:
    """How one worksheet goes into the copies."""

    name: str
    part: str
    mode: str                       # "rows" (split by row keys), "empty" (owned summary), "keep"
    header_row: int = 1
    key_of_row: dict[int, Hashable] = field(default_factory=dict)


@dataclass
class CopyParts:
    """One copy's package, ready for :func:`~xltrack.backends.file.package.write_package`."""

    replace: dict[str, bytes]
    delete: set[str]
    add: dict[str, bytes]
    rows: dict[str, dict[int, int]]   # sheet name -> old row -> new row
    formulas_to_values: int = 0


class Splitter:
    """Reads the team package once; :meth:`copies` hands each key its package parts."""

    def __init__(self, pkg: Package, sheets: list[SheetPlan]):
        self.pkg = pkg
        self.wb = WorkbookInfo(pkg)
        self.plans = {p.name: p for p in sheets}
        self.kept_sheets = [s for s in self.wb.sheets if s.name in self.plans]
        self.reachable, self.rel_parts = self._walk()

    # -- what is kept ---------------------------------------------------------------------
    def _walk(self) -> tuple[set[str], dict[str, list[Rel]]]:
        """Parts reached through kept relationships, and each kept rels part's kept entries."""
        kept_sheet_parts = {s.part for s in self.kept_sheets}
        seen: set[str] = set()
        rel_parts: dict[str, list[Rel]] = {}

        def visit(source: str, rels: list[Rel], keep: set[str]) -> list[Rel]:
            out = []
            for r in rels:
                if r.external:
                    if r.kind == "hyperlink":
                        out.append(r)
                    continue
                target = resolve(source, r.target) if source else r.target.lstrip("/")
                if r.kind not in keep or not self.pkg.has(target):
                    continue
                if r.kind == "worksheet" and target not in kept_sheet_parts:
                    continue
                out.append(r)
                if target not in seen:
                    seen.add(target)
                    child = rels_name(target)
                    if self.pkg.has(child):
                        rel_parts[child] = visit(target, parse_rels(self.pkg.read(child)), _KEEP_SHEET)
            return out

        rel_parts["_rels/.rels"] = visit("", parse_rels(self.pkg.read("_rels/.rels")), _KEEP_ROOT)
        # the workbook's own relationships, with the workbook-level kinds
        wb_rels = visit(WORKBOOK, list(self.wb.rels), _KEEP_WORKBOOK)
        rel_parts[rels_name(WORKBOOK)] = wb_rels
        return seen | {WORKBOOK}, rel_parts

    # -- the copies -----------------------------------------------------------------------
    def copies(self, keys: list[Hashable], *, title: str, labels: dict[Hashable, str],
               records: dict[Hashable, SplitRecord] | None = None) -> Iterator[tuple[Hashable, CopyParts]]:
        """Each key's package parts, one key at a time (the big sheets are read and cut once,
        for all keys; each copy's parts are built when it is its turn, and then let go)."""
        per_key_sheets: dict[Hashable, dict[str, bytes]] = {k: {} for k in keys}
        per_key_rows: dict[Hashable, dict[str, dict[int, int]]] = {k: {} for k in keys}
        dropped_rids: dict[Hashable, dict[str, set[str]]] = {k: {} for k in keys}
        formulas = {k: 0 for k in keys}
        per_key_tables: dict[Hashable, dict[str, bytes]] = {k: {} for k in keys}
        for ref in self.kept_sheets:
            plan = self.plans[ref.name]
            xml = self.pkg.read(ref.part)
            if plan.mode == "rows":
                got: dict[Hashable, SheetCopy] = split_rows(xml, plan.header_row, plan.key_of_row, keys)
                tables = self._tables_of(ref.part)
                notes = self._notes_of(ref.part)
                for k, c in got.items():
                    for kind, part in notes:
                        f = filter_comments if kind == "comments" else filter_vml
                        per_key_tables[k][part] = f(self.pkg.read(part), plan.header_row, c.rows)
                    per_key_sheets[k][ref.part] = c.xml
                    last = plan.header_row + len(c.rows)
                    for t in tables:
                        per_key_tables[k][t] = _TABLE_REFS.sub(
                            lambda m: m.group(1) + shrink_range(m.group(2), plan.header_row, last) + m.group(3),
                            self.pkg.read(t))
                    per_key_rows[k][ref.name] = c.rows
                    dropped_rids[k][ref.part] = c.dropped_rids
                    formulas[k] += c.formulas_to_values
            else:
                if plan.mode == "empty":
                    xml = _empty_sheet(xml)
                for k in keys:
                    per_key_sheets[k][ref.part] = xml
        shared = self._shared_parts(title)
        sst_part = self._sst_part()
        sst = self.pkg.read(sst_part) if sst_part else None
        sst_items = shared_string_items(sst) if sst is not None else None
        for k in keys:
            replace = dict(shared)
            replace.update(per_key_tables[k])
            sheets = per_key_sheets[k]
            if sst is not None:
                replace[sst_part], sheets = rebuild_shared_strings(sst, sheets, sst_items)
            for part, xml in sheets.items():
                replace[part] = _drop_ext_of(xml, self._dropped_sheet_rids(part) | dropped_rids[k].get(part, set()))
            for rp, rels in self.rel_parts.items():
                src = rp.replace("_rels/", "").removesuffix(".rels")
                gone = dropped_rids[k].get(src, set())
                replace[rp] = rels_xml([r for r in rels if r.id not in gone])
            replace["docProps/core.xml"] = _core_xml(f"{title} · {labels.get(k, k)}")
            add: dict[str, bytes] = {}
            if records is not None:
                item, item_xml, props, props_xml = record_parts(records[k])
                add[item], add[props] = item_xml, props_xml
                add[rels_name(item)] = rels_xml([Rel("rId1", CUSTOM_XML_PROPS, posixpath.basename(props))])
                wb_rels = self.rel_parts[rels_name(WORKBOOK)]
                replace[rels_name(WORKBOOK)] = rels_xml([*wb_rels, Rel(free_rid(wb_rels), RT + "customXml",
                                                                        "../" + item)])
            delete = {n for n in self.pkg.names if n not in self.reachable and n not in self.rel_parts
                      and n != CT_PART}
            for name in list(replace):
                if not self.pkg.has(name):
                    add[name] = replace.pop(name)
            replace[CT_PART] = _content_types(self.pkg.read(CT_PART), self.pkg, delete, add)
            yield k, CopyParts(replace=replace, delete=delete, add=add, rows=per_key_rows.pop(k),
                               formulas_to_values=formulas[k])
            per_key_sheets.pop(k, None)
            per_key_tables.pop(k, None)

    def _notes_of(self, part: str) -> list[tuple[str, str]]:
        return [(r.kind, resolve(part, r.target)) for r in self.rel_parts.get(rels_name(part), [])
                if r.kind in ("comments", "vmlDrawing")]

    def _tables_of(self, part: str) -> list[str]:
        return [resolve(part, r.target) for r in self.rel_parts.get(rels_name(part), []) if r.kind == "table"]

    def _sst_part(self) -> str | None:
        for r in self.wb.rels:
            if r.kind == "sharedStrings":
                part = resolve(WORKBOOK, r.target)
                return part if self.pkg.has(part) else None
        return None

    def _dropped_sheet_rids(self, part: str) -> set[str]:
        name = rels_name(part)
        if not self.pkg.has(name):
            return set()
        kept = {r.id for r in self.rel_parts.get(name, [])}
        return {r.id for r in parse_rels(self.pkg.read(name)) if r.id not in kept}

    def _shared_parts(self, title: str) -> dict[str, bytes]:
        """Parts every copy gets the same: the workbook part, app properties, stripped charts."""
        out = {WORKBOOK: self._workbook_xml()}
        out["docProps/app.xml"] = _app_xml([s.name for s in self.kept_sheets])
        if "docProps/custom.xml" in self.reachable:   # only xltrack's own properties
            out["docProps/custom.xml"] = re.sub(rb'<property\b[^>]*\sname="(?!xltrack)[^"]*".*?</property>', b"",
                                                self.pkg.read("docProps/custom.xml"), flags=re.S)
        for part in self.reachable:
            if part.startswith("xl/charts/chart") and part.endswith(".xml"):
                xml = self.pkg.read(part)
                stripped = _CACHE.sub(b"", xml)
                if stripped != xml:
                    out[part] = stripped
        return out

    def _workbook_xml(self) -> bytes:
        xml = self.pkg.read(WORKBOOK)
        kept = {s.name for s in self.kept_sheets}
        old_index = {s.name: i for i, s in enumerate(self.wb.sheets)}
        new_index = {s.name: i for i, s in enumerate(self.kept_sheets)}
        by_old = {old_index[n]: new_index[n] for n in kept}
        dropped_names = [s.name for s in self.wb.sheets if s.name not in kept]

        def sheet(m: re.Match) -> bytes:
            name = re.search(rb'\sname="([^"]*)"', m.group(0))
            n = _unesc(name.group(1).decode("utf-8")) if name else ""
            return m.group(0) if n in kept else b""

        xml = re.sub(rb"<(?:\w+:)?sheet\b[^>]*?/>", sheet, xml)
        xml = re.sub(rb"<((?:\w+:)?)pivotCaches\b.*?</\1pivotCaches>", b"", xml, flags=re.S)
        xml = re.sub(rb"<(?:\w+:)?externalReferences\b.*?</(?:\w+:)?externalReferences>", b"", xml, flags=re.S)
        xml = _EXTLST.sub(b"", xml)

        def defined(m: re.Match) -> bytes:
            tag, body = m.group(1), m.group(2)
            local = re.search(rb'\slocalSheetId="(\d+)"', tag)
            if local:
                old = int(local.group(1))
                if old not in by_old:
                    return b""
                tag = tag.replace(local.group(0), b' localSheetId="%d"' % by_old[old])
            text = _unesc(body.decode("utf-8"))
            if re.search(r"\[\d+\]", text) or any(_names_sheet(text, n) for n in dropped_names):
                return b""
            name = re.search(rb'\sname="([^"]*)"', tag)
            if name and re.match(rb"(Slicer_|Timeline_|_xlcn\.|_xlpm\.)", name.group(1)):
                return b""
            return tag + body + m.group(3)

        xml = re.sub(rb"(<(?:\w+:)?definedName\b[^>]*>)(.*?)(</(?:\w+:)?definedName>)", defined, xml, flags=re.S)
        xml = re.sub(rb"<((?:\w+:)?)definedNames\b[^>]*>\s*</\1definedNames>", b"", xml)
        xml = re.sub(rb'\s(?:activeTab|firstSheet)="\d+"', b"", xml)
        return xml


def _names_sheet(formula: str, sheet: str) -> bool:
    quoted = "'" + sheet.replace("'", "''") + "'!"
    return quoted in formula or re.search(r"(?<![\w.'])" + re.escape(sheet) + r"!", formula) is not None


def _unesc(s: str) -> str:
    return (s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&apos;", "'")
            .replace("&amp;", "&"))


def _empty_sheet(xml: bytes) -> bytes:
    """An owned summary sheet without its cells (the refresh writes them from the copy's rows)."""
    xml = _SHEET_DATA.sub(lambda m: m.group(1) + b"/>", xml, count=1)
    return _OWNED_ROW_ELEMENTS.sub(b"", xml)


def _drop_ext_of(xml: bytes, rids: set[str]) -> bytes:
    """Remove the elements of a kept sheet that point at relationships the copy does not keep
    (slicer lists, timelines, pivot references in ``extLst``; a ``<drawing>`` of a dropped one)."""
    if not rids:
        return xml
    pat = re.compile(rb'r:id="(' + b"|".join(re.escape(r.encode()) for r in rids) + rb')"')

    def ext(m: re.Match) -> bytes:
        return b"" if pat.search(m.group(0)) else m.group(0)

    xml = _EXT.sub(ext, xml)
    xml = re.sub(rb"<((?:\w+:)?)extLst\b[^>]*>\s*</\1extLst>", b"", xml)
    xml = re.sub(rb"<(?:\w+:)?(?:drawing|legacyDrawing|legacyDrawingHF|picture|oleObject)\b[^>]*?"
                 + pat.pattern + rb"[^>]*?/>", b"", xml)
    return xml


def _content_types(ct: bytes, pkg: Package, delete: set[str], add: dict[str, bytes]) -> bytes:
    for part in delete:
        ct = re.sub(rb'<Override\s+PartName="/' + re.escape(part.encode()) + rb'"[^>]*/>', b"", ct)
    for part in add:
        if part.startswith("customXml/itemProps"):
            ct = ct.replace(b"</Types>", b'<Override PartName="/' + part.encode() + b'" ContentType='
                            b'"application/vnd.openxmlformats-officedocument.customXmlProperties+xml"/></Types>')
        elif part == "docProps/core.xml" and b'PartName="/docProps/core.xml"' not in ct:
            ct = ct.replace(b"</Types>", b'<Override PartName="/docProps/core.xml" ContentType='
                            b'"application/vnd.openxmlformats-package.core-properties+xml"/></Types>')
        elif part == "docProps/app.xml" and b'PartName="/docProps/app.xml"' not in ct:
            ct = ct.replace(b"</Types>", b'<Override PartName="/docProps/app.xml" ContentType='
                            b'"application/vnd.openxmlformats-officedocument.extended-properties+xml"/></Types>')
    if b'Extension="xml"' not in ct:
        ct = ct.replace(b"</Types>", b'<Default Extension="xml" ContentType="application/xml"/></Types>')
    return ct


def _core_xml(title: str) -> bytes:
    now = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            f"<dc:title>{esc(title)}</dc:title><dc:creator>xltrack split</dc:creator>"
            "<cp:lastModifiedBy>xltrack split</cp:lastModifiedBy>"
            f'<dcterms:created xsi:type="dcterms:W3CDTF">{now}</dcterms:created>'
            f'<dcterms:modified xsi:type="dcterms:W3CDTF">{now}</dcterms:modified>'
            "</cp:coreProperties>").encode("utf-8")


def _app_xml(sheets: list[str]) -> bytes:
    titles = "".join(f"<vt:lpstr>{esc(s)}</vt:lpstr>" for s in sheets)
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
            'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
            "<Application>Microsoft Excel</Application><DocSecurity>0</DocSecurity><ScaleCrop>false</ScaleCrop>"
            '<HeadingPairs><vt:vector size="2" baseType="variant"><vt:variant><vt:lpstr>Worksheets</vt:lpstr>'
            f"</vt:variant><vt:variant><vt:i4>{len(sheets)}</vt:i4></vt:variant></vt:vector></HeadingPairs>"
            f'<TitlesOfParts><vt:vector size="{len(sheets)}" baseType="lpstr">{titles}</vt:vector></TitlesOfParts>'
            "<LinksUpToDate>false</LinksUpToDate><SharedDoc>false</SharedDoc>"
            "<HyperlinksChanged>false</HyperlinksChanged><AppVersion>16.0300</AppVersion></Properties>").encode("utf-8")
