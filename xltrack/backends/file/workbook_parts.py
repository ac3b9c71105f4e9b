"""The workbook part, relationships, content types and app properties.

Reading uses lxml (these parts are small). Writing is by byte insertion — a new ``<sheet>`` before
``</sheets>``, a new ``<Relationship>`` before ``</Relationships>``, an ``<Override>`` before
``</Types>`` — so nothing else in those parts changes. They are only rewritten when sheets (or
owned drawings/charts) are added or removed.
"""
from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass

from lxml import etree

from .package import Package
from .xmlutil import CT_WORKSHEET, MAIN_NS, REL_NS, RT, esc

WORKBOOK = "xl/workbook.xml"
CT_PART = "[Content_Types].xml"
_PARSER = etree.XMLParser(resolve_entities=False, huge_tree=True, remove_blank_text=False)


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
    root = etree.fromstring(data, _PARSER)
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
        root = etree.fromstring(self.xml, _PARSER)
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


def insert_before_close(xml: bytes, local: str, fragment: str) -> bytes:
    """Insert ``fragment`` before the closing tag of the last ``local`` element (any prefix);
    a self-closing ``<local/>`` is opened up."""
    m = None
    for m in re.finditer(rb"</(\w+:)?" + local.encode() + rb">", xml):
        pass
    if m is not None:
        return xml[:m.start()] + fragment.encode("utf-8") + xml[m.start():]
    sc = re.search(rb"<((\w+:)?" + local.encode() + rb")\b([^>]*?)/>", xml)
    if sc is None:
        raise ValueError(f"no <{local}> element")
    tag = sc.group(1)
    return xml[:sc.start()] + b"<" + tag + sc.group(3) + b">" + fragment.encode("utf-8") + b"</" + tag + b">" + xml[sc.end():]


def element_prefix(xml: bytes, local: str) -> str:
    m = re.search(rb"<(\w+:)?" + local.encode() + rb"\b", xml)
    return (m.group(1) or b"").decode() if m else ""


def ct_add_override(ct: bytes, part: str, ctype: str) -> bytes:
    if f'PartName="/{part}"'.encode() in ct:
        return ct
    return insert_before_close(ct, "Types", f'<Override PartName="/{esc(part)}" ContentType="{ctype}"/>')


def ct_set_override(ct: bytes, part: str, ctype: str) -> bytes:
    """Like :func:`ct_add_override`, but an existing ``Override`` of ``part`` gets ``ctype``
    (e.g. the workbook part becoming macro-enabled); only its ``ContentType`` value changes."""
    m = re.search(rb'<Override\b[^>]*\sPartName="/' + re.escape(esc(part).encode()) + rb'"[^>]*>', ct)
    if m is None:
        return ct_add_override(ct, part, ctype)
    tag = re.sub(rb'(\sContentType=)"[^"]*"', lambda a: a.group(1) + b'"' + ctype.encode() + b'"', m.group(0), count=1)
    return ct[:m.start()] + tag + ct[m.end():]


def ct_remove_override(ct: bytes, part: str) -> bytes:
    return re.sub(rb'<Override\s+PartName="/' + re.escape(part.encode()) + rb'"[^>]*/>', b"", ct)


def ct_ensure_default(ct: bytes, ext: str, ctype: str) -> bytes:
    if re.search(rb'<Default\s+Extension="' + re.escape(ext.encode()) + rb'"', ct, re.I):
        return ct
    return insert_before_close(ct, "Types", f'<Default Extension="{ext}" ContentType="{ctype}"/>')


def add_sheet_entries(workbook_xml: bytes, wb_rels: list[Rel], ct: bytes, app: bytes | None,
                      taken_parts: set[str], existing: list[SheetRef],
                      new: list[tuple[str, bool]]) -> tuple[bytes, list[Rel], bytes, bytes | None, list[SheetRef]]:
    """Register new worksheets ``(name, hidden)``: returns the updated workbook part, rels,
    content types, app properties and the new sheets' refs (with their part names)."""
    p = element_prefix(workbook_xml, "sheets")
    # the relationships prefix the workbook already declares (Excel: "r"), else a local declaration
    m = re.search(rb'xmlns:(\w+)="' + re.escape(REL_NS.encode()) + rb'"', workbook_xml[:4000])
    rp, decl = (m.group(1).decode(), "") if m else ("r", f' xmlns:r="{REL_NS}"')
    next_id = max([s.sheet_id for s in existing] or [0]) + 1
    refs: list[SheetRef] = []
    frag = []
    for name, hidden in new:
        part = free_name(taken_parts, "xl/worksheets/sheet%d.xml")
        taken_parts.add(part)
        rid = free_rid(wb_rels)
        wb_rels = [*wb_rels, Rel(rid, RT + "worksheet", relative(WORKBOOK, part))]
        ref = SheetRef(name, next_id, rid, part, "hidden" if hidden else "visible")
        refs.append(ref)
        next_id += 1
        state = ' state="hidden"' if hidden else ""
        frag.append(f'<{p}sheet{decl} name="{esc(name)}" sheetId="{ref.sheet_id}"{state} {rp}:id="{rid}"/>')
        ct = ct_add_override(ct, part, CT_WORKSHEET)
    workbook_xml = insert_before_close(workbook_xml, "sheets", "".join(frag))
    if app is not None:
        app = _app_add_titles(app, [n for n, _ in new])
    return workbook_xml, wb_rels, ct, app, refs


def _app_add_titles(app: bytes, names: list[str]) -> bytes:
    """docProps/app.xml: add the sheet titles and bump the worksheet count (best effort)."""
    try:
        root = etree.fromstring(app, _PARSER)
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
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
