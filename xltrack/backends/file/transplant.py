"""Move worksheets from one package (the standard workbook XlsxWriter built) into another.

Used by :mod:`.adopt`. For each sheet: its XML with style indexes remapped into the target's
``styles.xml`` (appended, never changing existing records), shared strings turned into inline
strings (so the target's ``sharedStrings.xml`` is untouched), and its related parts — tables
(re-numbered: table ids are unique per workbook), comments, VML drawings (shape-id blocks moved
past the target's) — copied under free part names with their content types.
"""
from __future__ import annotations

import posixpath
import re

from .package import Package
from .styles import StyleBook
from .xmledit import add_child, ensure_child, parse, qname, serialize
from .xmlutil import CT_NS, MAIN_NS
from .workbook_parts import Rel, free_name, read_rels, relative, resolve


def content_types(ct: bytes) -> tuple[dict[str, str], dict[str, str]]:
    """(overrides part → type, defaults extension → type) of a ``[Content_Types].xml``."""
    root = parse(ct)
    over = {e.get("PartName", "").lstrip("/"): e.get("ContentType", "") for e in root.iterfind(qname(CT_NS, "Override"))}
    dflt = {e.get("Extension", "").lower(): e.get("ContentType", "") for e in root.iterfind(qname(CT_NS, "Default"))}
    return over, dflt


def _attr(rec: str, name: str) -> str | None:
    m = re.search(rf'\s{name}="([^"]*)"', rec.split(">", 1)[0])
    return m.group(1) if m else None


def _set_attr(rec: str, name: str, value: str) -> str:
    head, sep, rest = rec.partition(">")
    if re.search(rf'\s{name}="', head):
        head = re.sub(rf'(\s{name}=")[^"]*"', rf'\g<1>{value}"', head)
    else:
        head = head.rstrip("/") + f' {name}="{value}"' + ("/" if head.endswith("/") else "")
    return head + sep + rest


class StyleMap:
    """Source cellXfs/dxfs index → target index, appending what the target lacks."""

    def __init__(self, src: StyleBook, dst: StyleBook):
        self.src, self.dst = src, dst
        self._xf: dict[int, int] = {}
        self._dxf: dict[int, int] = {}
        self._fmt_codes = {int(_attr(r, "numFmtId")): _attr(r, "formatCode") for r in src.records("numFmts")}

    def _sub(self, kind: str, idx: int) -> int:
        recs = self.src.records(kind)
        return self.dst.append_raw(kind, recs[idx]) if idx < len(recs) and idx > 0 else 0

    def xf(self, idx: int) -> int:
        if idx in self._xf:
            return self._xf[idx]
        recs = self.src.records("cellXfs")
        if idx >= len(recs):
            return 0
        rec = recs[idx]
        for attr, kind in (("fontId", "fonts"), ("fillId", "fills"), ("borderId", "borders")):
            v = _attr(rec, attr)
            if v is not None:
                rec = _set_attr(rec, attr, str(self._sub(kind, int(v))))
        fmt = _attr(rec, "numFmtId")
        if fmt is not None and int(fmt) >= 164 and int(fmt) in self._fmt_codes:
            from html import unescape
            rec = _set_attr(rec, "numFmtId", str(self.dst.num_fmt_id(unescape(self._fmt_codes[int(fmt)]))))
        rec = _set_attr(rec, "xfId", "0")
        out = 0 if idx == 0 else self.dst.append_raw("cellXfs", rec)
        self._xf[idx] = out
        return out

    def dxf(self, idx: int) -> int:
        if idx not in self._dxf:
            self._dxf[idx] = self.dst.append_raw("dxfs", self.src.records("dxfs")[idx])
        return self._dxf[idx]


def shared_strings(pkg: Package) -> list[str]:
    name = "xl/sharedStrings.xml"
    if not pkg.has(name):
        return []
    text = pkg.read(name).decode("utf-8")
    return [m.group(1) or "" for m in re.finditer(r"<si>(.*?)</si>|<si/>", text, re.S)]


def sheet_xml(xml: bytes, styles: StyleMap, sst: list[str]) -> bytes:
    text = xml.decode("utf-8")

    def cell(m: re.Match) -> str:
        tag, body = m.group(1), m.group(2)
        tag = re.sub(r'(\ss=")(\d+)"', lambda s: f'{s.group(1)}{styles.xf(int(s.group(2)))}"', tag)
        if re.search(r'\st="s"', tag) and body is not None:
            v = re.search(r"<v>(\d+)</v>", body)
            if v:
                tag = re.sub(r'\st="s"', ' t="inlineStr"', tag)
                body = f"<is>{sst[int(v.group(1))]}</is>"
        return f"<c{tag}>{body}</c>" if body is not None else f"<c{tag}/>"

    text = re.sub(r"<c(\s[^>]*?)(?:/>|>(.*?)</c>)", cell, text, flags=re.S)
    # the target keeps its own selected tab: two selected tabs would group the sheets in Excel
    text = re.sub(r'(<sheetView\b[^>]*?)\stabSelected="(?:1|true)"', r"\1", text)
    text = re.sub(r'(<(?:row|col)\b[^>]*?\s(?:s|style)=")(\d+)"',
                  lambda m: f'{m.group(1)}{styles.xf(int(m.group(2)))}"', text)
    text = re.sub(r'(<cfRule\b[^>]*?\sdxfId=")(\d+)"', lambda m: f'{m.group(1)}{styles.dxf(int(m.group(2)))}"', text)
    return text.encode("utf-8")


class PartCopier:
    """Copies a sheet's related parts into the target under free names."""

    def __init__(self, src: Package, dst: Package, taken: set[str], src_ct: bytes):
        self.src, self.dst, self.taken = src, dst, taken
        self.over, self.dflt = content_types(src_ct)
        self.added: dict[str, bytes] = {}
        self.overrides: list[tuple[str, str]] = []
        self.defaults: dict[str, str] = {}
        tables = [n for n in dst.names if n.startswith("xl/tables/") and n.endswith(".xml")]
        self.table_ids = {int(m.group(1)) for n in tables
                          for m in [re.search(rb'<(?:\w+:)?table\b[^>]*?\sid="(\d+)"', dst.read(n))] if m}
        vml = [n for n in dst.names if n.endswith(".vml")]
        self.vml_blocks = {int(x) for n in vml for x in re.findall(rb'<o:idmap[^>]*data="(\d+)', dst.read(n))}

    def _free_like(self, part: str) -> str:
        d, f = posixpath.split(part)
        stem, ext = posixpath.splitext(f)
        base = re.sub(r"\d+$", "", stem)
        return free_name(self.taken, posixpath.join(d, base + "%d" + ext))

    def _content_type(self, src_part: str, new_part: str) -> None:
        if src_part in self.over:
            self.overrides.append((new_part, self.over[src_part]))
        else:
            ext = posixpath.splitext(new_part)[1].lstrip(".").lower()
            if ext in self.dflt:
                self.defaults[ext] = self.dflt[ext]

    def _table(self, data: bytes) -> bytes:
        new_id = max([0, *self.table_ids]) + 1
        self.table_ids.add(new_id)
        return re.sub(rb'(<(?:\w+:)?table\b[^>]*?\sid=")\d+"', b'\\g<1>%d"' % new_id, data, count=1)

    def _vml(self, data: bytes) -> bytes:
        olds = [int(x) for x in re.findall(rb'<o:idmap[^>]*data="(\d+)', data)]
        if not olds:
            return data
        old = olds[0]
        new = max([0, *self.vml_blocks]) + 1
        self.vml_blocks.add(new)
        data = re.sub(rb'(<o:idmap[^>]*data=")\d+', b"\\g<1>%d" % new, data, count=1)
        return re.sub(rb'_x0000_s(\d+)', lambda m: b"_x0000_s%d" % (int(m.group(1)) - 1024 * old + 1024 * new), data)

    def copy_related(self, src_sheet: str, new_sheet: str) -> list[Rel]:
        rels = []
        for rel in read_rels(self.src, src_sheet):
            if rel.external:
                rels.append(rel)
                continue
            part = resolve(src_sheet, rel.target)
            if not self.src.has(part):
                continue
            new_part = self._free_like(part)
            self.taken.add(new_part)
            data = self.src.read(part)
            if rel.kind == "table":
                data = self._table(data)
            elif part.endswith(".vml"):
                data = self._vml(data)
            self.added[new_part] = data
            self._content_type(part, new_part)
            rels.append(Rel(rel.id, rel.type, relative(new_sheet, new_part)))
        return rels


DefinedName = tuple[dict[str, str], str]   # (attributes, formula text)


def defined_names(workbook_xml: bytes) -> list[DefinedName]:
    root = parse(workbook_xml)
    block = root.find(qname(MAIN_NS, "definedNames"))
    if block is None:
        return []
    return [(dict(e.attrib), e.text or "") for e in block.iterfind(qname(MAIN_NS, "definedName"))]


def add_defined_names(workbook_xml: bytes, names: list[DefinedName]) -> bytes:
    """Append names the target does not define yet (by name and scope), through the parser."""
    root = parse(workbook_xml)
    block = ensure_child(root, MAIN_NS, "definedNames", after=(
        "fileVersion", "fileSharing", "workbookPr", "workbookProtection", "bookViews", "sheets",
        "functionGroups", "externalReferences"))
    existing = {(e.get("name"), e.get("localSheetId")) for e in block.iterfind(qname(MAIN_NS, "definedName"))}
    added = False
    for attrs, text in names:
        if (attrs.get("name"), attrs.get("localSheetId")) not in existing:
            add_child(block, MAIN_NS, "definedName", attrs, text=text)
            added = True
    return serialize(root) if added else workbook_xml


__all__ = ["PartCopier", "StyleMap", "add_defined_names", "defined_names", "shared_strings", "sheet_xml"]
