"""The workbook part, relationships, content types and app properties.

Reading and writing go through lxml (:mod:`.xmledit`; these parts are small): a new ``<sheet>``,
``<Override>`` or ``<Default>`` is added as an element, whatever prefixes and namespace
declarations the producer chose, so the part stays well-formed and means what it meant. They are
only rewritten when sheets (or owned drawings/charts) are added or removed.
"""
from __future__ import annotations

import posixpath
from dataclasses import dataclass

from lxml import etree

from .package import Package
from .xmledit import add_child, ensure_child, parse, qname, serialize
from .xmlutil import CT_NS, CT_WORKSHEET, MAIN_NS, REL_NS, RT, esc

WORKBOOK = "xl/workbook.xml"
CT_PART = "[Content_Types].xml"


@dataclass
class Rel:
    id: str
    type: str
    target: str
    external: bool = False

    @property
    def kind(self) -> str:
        return self.type.rsplit("/", 1)[-1]


@dataclass
class SheetRef:
    name: str
    sheet_id: int
    rid: str
    part: str
    state: str = "visible"


def rels_name(part: str) -> str:
    d, f = posixpath.split(part)
    return posixpath.join(d, "_rels", f + ".rels")


def resolve(part: str, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(part), target))


def relative(from_part: str, to_part: str) -> str:
    return posixpath.relpath(to_part, posixpath.dirname(from_part))


def parse_rels(data: bytes | None) -> list[Rel]:
    if not data:
        return []
    root = parse(data)
    return [Rel(e.get("Id"), e.get("Type", ""), e.get("Target", ""), e.get("TargetMode") == "External")
            for e in root if isinstance(e.tag, str) and e.tag.endswith("Relationship")]


def read_rels(pkg: Package, part: str, replaced: dict[str, bytes] | None = None) -> list[Rel]:
    name = rels_name(part)
    if replaced and name in replaced:
        return parse_rels(replaced[name])
    return parse_rels(pkg.read(name)) if pkg.has(name) else []


def rels_xml(rels: list[Rel]) -> bytes:
    items = "".join(
        f'<Relationship Id="{r.id}" Type="{r.type}" Target="{esc(r.target)}"'
        + (' TargetMode="External"' if r.external else "") + "/>" for r in rels)
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{items}'
            "</Relationships>").encode("utf-8")


class WorkbookInfo:
    """Sheets (name → part), the date system and the workbook relationships."""

    def __init__(self, pkg: Package):
        self.pkg = pkg
        self.xml = pkg.read(WORKBOOK)
        root = parse(self.xml)
        ns = {"m": MAIN_NS}
        pr = root.find("m:workbookPr", ns)
        self.date1904 = pr is not None and pr.get("date1904") in ("1", "true")
        self.rels = read_rels(pkg, WORKBOOK)
        by_id = {r.id: r for r in self.rels}
        self.sheets: list[SheetRef] = []
        for s in root.iterfind("m:sheets/m:sheet", ns):
            rid = s.get(f"{{{REL_NS}}}id")
            rel = by_id.get(rid)
            if rel is None:
                continue
            self.sheets.append(SheetRef(s.get("name"), int(s.get("sheetId")), rid,
                                        resolve(WORKBOOK, rel.target), s.get("state", "visible")))
        styles = [r for r in self.rels if r.kind == "styles"]
        self.styles_part = resolve(WORKBOOK, styles[0].target) if styles else None

    def sheet(self, name: str) -> SheetRef | None:
        for s in self.sheets:
            if s.name == name:
                return s
        low = name.casefold()
        for s in self.sheets:
            if s.name.casefold() == low:
                return s
        return None


def free_name(taken: set[str], pattern: str) -> str:
    """The first ``pattern % n`` (n = 1, 2, …) not in ``taken``."""
    n = 1
    while pattern % n in taken:
        n += 1
    return pattern % n


def free_rid(rels: list[Rel]) -> str:
    return free_name({r.id for r in rels}, "rId%d")


def _override(root, part: str):
    name = "/" + part
    for e in root.iterfind(qname(CT_NS, "Override")):
        if e.get("PartName") == name:
            return e
    return None


def ct_add_override(ct: bytes, part: str, ctype: str) -> bytes:
    root = parse(ct)
    if _override(root, part) is not None:
        return ct
    add_child(root, CT_NS, "Override", {"PartName": "/" + part, "ContentType": ctype})
    return serialize(root)


def ct_set_override(ct: bytes, part: str, ctype: str) -> bytes:
    """Like :func:`ct_add_override`, but an existing ``Override`` of ``part`` gets ``ctype``
    (e.g. the workbook part becoming macro-enabled); only its ``ContentType`` value changes."""
    root = parse(ct)
    el = _override(root, part)
    if el is None:
        add_child(root, CT_NS, "Override", {"PartName": "/" + part, "ContentType": ctype})
    else:
        el.set("ContentType", ctype)
    return serialize(root)


def ct_remove_override(ct: bytes, part: str) -> bytes:
    root = parse(ct)
    el = _override(root, part)
    if el is None:
        return ct
    root.remove(el)
    return serialize(root)


def ct_ensure_default(ct: bytes, ext: str, ctype: str) -> bytes:
    root = parse(ct)
    if any((e.get("Extension") or "").lower() == ext.lower() for e in root.iterfind(qname(CT_NS, "Default"))):
        return ct
    first = root.find(qname(CT_NS, "Override"))    # Defaults first, as every producer writes them
    add_child(root, CT_NS, "Default", {"Extension": ext, "ContentType": ctype}, before=first)
    return serialize(root)


def add_sheet_entries(workbook_xml: bytes, wb_rels: list[Rel], ct: bytes, app: bytes | None,
                      taken_parts: set[str], existing: list[SheetRef],
                      new: list[tuple[str, bool]]) -> tuple[bytes, list[Rel], bytes, bytes | None, list[SheetRef]]:
    """Register new worksheets ``(name, hidden)``: returns the updated workbook part, rels,
    content types, app properties and the new sheets' refs (with their part names).

    The workbook part is edited through the parser: the relationships namespace may be declared
    on the root (Excel), on each ``<sheet>`` (openpyxl) or not at all, under any prefix."""
    root = parse(workbook_xml)
    sheets = ensure_child(root, MAIN_NS, "sheets", after=("fileVersion", "fileSharing", "workbookPr",
                                                           "workbookProtection", "bookViews"))
    next_id = max([s.sheet_id for s in existing] or [0]) + 1
    refs: list[SheetRef] = []
    for name, hidden in new:
        part = free_name(taken_parts, "xl/worksheets/sheet%d.xml")
        taken_parts.add(part)
        rid = free_rid(wb_rels)
        wb_rels = [*wb_rels, Rel(rid, RT + "worksheet", relative(WORKBOOK, part))]
        ref = SheetRef(name, next_id, rid, part, "hidden" if hidden else "visible")
        refs.append(ref)
        next_id += 1
        attrs = {"name": name, "sheetId": str(ref.sheet_id)}
        if hidden:
            attrs["state"] = "hidden"
        attrs[qname(REL_NS, "id")] = rid
        add_child(sheets, MAIN_NS, "sheet", attrs, nsmap={"r": REL_NS})
        ct = ct_add_override(ct, part, CT_WORKSHEET)
    workbook_xml = serialize(root)
    if app is not None:
        app = _app_add_titles(app, [n for n, _ in new])
    return workbook_xml, wb_rels, ct, app, refs


def _app_add_titles(app: bytes, names: list[str]) -> bytes:
    """docProps/app.xml: add the sheet titles and bump the worksheet count (best effort)."""
    try:
        root = parse(app)
    except etree.XMLSyntaxError:
        return app
    ep = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"
    vt = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
    heading = root.find(f"{{{ep}}}HeadingPairs/{{{vt}}}vector")
    titles = root.find(f"{{{ep}}}TitlesOfParts/{{{vt}}}vector")
    if heading is None or titles is None:
        return app
    counts = heading.findall(f"{{{vt}}}variant/{{{vt}}}i4")
    if not counts:
        return app
    n_sheets = int(counts[0].text or 0)
    counts[0].text = str(n_sheets + len(names))
    for i, name in enumerate(names):
        el = etree.Element(f"{{{vt}}}lpstr")
        el.text = name
        titles.insert(n_sheets + i, el)
    titles.set("size", str(len(titles)))
    return serialize(root)
