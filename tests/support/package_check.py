"""Structural checks Excel is strict about and LibreOffice forgives: run on what xltrack writes.

Every part has a content type; every internal relationship points at an existing part; every XML
part is well-formed; sheet names and ids are unique; in every worksheet rows ascend and the cells
of a row ascend by column (Excel refuses the file otherwise); each table id is unique.
"""
from __future__ import annotations

import posixpath
import re
import zipfile
from pathlib import Path

from lxml import etree

_CELL_R = re.compile(rb'<(?:\w+:)?c\b[^>]*?\sr="([A-Z]+)(\d+)"')
_ROW = re.compile(rb'<(?:\w+:)?row\b[^>]*?\sr="(\d+)"[^>]*?(?:/>|>(.*?)</(?:\w+:)?row>)', re.S)


# parts whose content type must be named: the generic "xml" default does not make them what they are
_NEEDS_OVERRIDE = re.compile(r"xl/(?:workbook|styles|sharedStrings|worksheets/sheet\d+|charts/chart\d+|"
                             r"drawings/drawing\d+|tables/table\d+|comments\d+)\.xml$")


def _col(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def problems(path: Path) -> list[str]:
    out: list[str] = []
    with zipfile.ZipFile(path) as z:
        names = set(z.namelist())
        ct = z.read("[Content_Types].xml").decode()
        overrides = {m.group(1).lstrip("/") for m in re.finditer(r'<Override\s+PartName="([^"]+)"', ct)}
        defaults = {m.group(1).lower() for m in re.finditer(r'<Default\s+Extension="([^"]+)"', ct)}
        table_ids: list[str] = []
        for n in sorted(names):
            if n.endswith("/"):
                continue
            if n != "[Content_Types].xml" and n not in overrides and n.rsplit(".", 1)[-1].lower() not in defaults:
                out.append(f"no content type: {n}")
            elif n not in overrides and _NEEDS_OVERRIDE.match(n):
                out.append(f"no content type: {n} (only the generic .xml default)")
            data = z.read(n)
            if n.endswith((".xml", ".rels", ".vml")):
                try:
                    etree.fromstring(data, etree.XMLParser(huge_tree=True, recover=False))
                except etree.XMLSyntaxError as e:
                    out.append(f"not well-formed: {n}: {e}")
                    continue
            if n.endswith(".rels"):
                base = posixpath.dirname(posixpath.dirname(n))
                for m in re.finditer(rb'<Relationship\b[^>]*?>', data):
                    tag = m.group(0)
                    if b'TargetMode="External"' in tag:
                        continue
                    target = re.search(rb'Target="([^"]+)"', tag).group(1).decode()
                    full = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(base, target))
                    if full not in names:
                        out.append(f"dangling relationship in {n}: {target}")
            if n.startswith("xl/worksheets/sheet") and n.endswith(".xml"):
                prev_row = 0
                for rm in _ROW.finditer(data):
                    r = int(rm.group(1))
                    if r <= prev_row:
                        out.append(f"{n}: row {r} after row {prev_row}")
                    prev_row = r
                    prev_col = 0
                    for cm in _CELL_R.finditer(rm.group(2) or b""):
                        c = _col(cm.group(1))
                        if int(cm.group(2)) != r or c <= prev_col:
                            out.append(f"{n}: cell {cm.group(1).decode()}{cm.group(2).decode()} out of order in row {r}")
                        prev_col = c
            if n.startswith("xl/tables/") and n.endswith(".xml"):
                m = re.search(rb'<(?:\w+:)?table\b[^>]*?\sid="(\d+)"', data)
                table_ids.append(m.group(1).decode() if m else "?")
        wb = z.read("xl/workbook.xml").decode()
        sheets = re.findall(r'<(?:\w+:)?sheet\b[^>]*?\sname="([^"]*)"[^>]*?\ssheetId="(\d+)"', wb)
        if len({s[0].casefold() for s in sheets}) != len(sheets):
            out.append("duplicate sheet names")
        if len({s[1] for s in sheets}) != len(sheets):
            out.append("duplicate sheet ids")
        if len(set(table_ids)) != len(table_ids):
            out.append(f"duplicate table ids: {table_ids}")
        out.extend(excel_rules(z))
    return out


# -- what a schema validator does not see and Excel rejects ("repaired records") -------------
M = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PR = "http://schemas.openxmlformats.org/package/2006/relationships"
C = "http://schemas.openxmlformats.org/drawingml/2006/chart"
_STYLE = re.compile(rb'<(?:\w+:)?c\b[^>]*?\ss="(\d+)"')
_SHEET_IN_REF = re.compile(r"(?:'((?:[^']|'')+)'|([^\s'!(),=+\-*/&^<>:;{}\[\]]+))!")
_NAME = re.compile(r"^(?:_xlnm\.)?[^\W\d][\w.]*$|^\\[\w.]*$")


def _xml(z: zipfile.ZipFile, name: str):
    return etree.fromstring(z.read(name), etree.XMLParser(huge_tree=True, resolve_entities=False))


def _rels(z: zipfile.ZipFile, part: str) -> dict[str, str]:
    d, f = posixpath.split(part)
    rels = posixpath.join(d, "_rels", f + ".rels")
    if rels not in z.NameToInfo:
        return {}
    out = {}
    for r in _xml(z, rels).iter(f"{{{PR}}}Relationship"):
        if r.get("TargetMode") != "External":
            t = r.get("Target", "")
            out[r.get("Id")] = t.lstrip("/") if t.startswith("/") else posixpath.normpath(posixpath.join(d, t))
    return out


def _sheets_in(formula: str) -> set[str]:
    return {(a.replace("''", "'") if a else b) for a, b in _SHEET_IN_REF.findall(formula or "")}


def excel_rules(z: zipfile.ZipFile) -> list[str]:
    """Style indexes in range, defined names valid and pointing at existing sheets, each table's
    column names equal to its header cells, every chart range on an existing sheet."""
    out: list[str] = []
    try:
        return _excel_rules(z, out)
    except etree.XMLSyntaxError:
        return out          # a part that is not well-formed is reported as such by problems()


def _excel_rules(z: zipfile.ZipFile, out: list[str]) -> list[str]:
    wb = _xml(z, "xl/workbook.xml")
    wb_rels = _rels(z, "xl/workbook.xml")
    sheets = {s.get("name"): wb_rels.get(s.get(f"{{{R}}}id")) for s in wb.iter(f"{{{M}}}sheet")}
    names = set(sheets)
    styles = _xml(z, "xl/styles.xml") if "xl/styles.xml" in z.NameToInfo else None
    n_xf = len(styles.findall(f"{{{M}}}cellXfs/{{{M}}}xf")) if styles is not None else 1
    sst = []
    if "xl/sharedStrings.xml" in z.NameToInfo:
        sst = ["".join(si.itertext()) for si in _xml(z, "xl/sharedStrings.xml").iter(f"{{{M}}}si")]
    for dn in wb.iter(f"{{{M}}}definedName"):
        label = dn.get("name") or ""
        if not _NAME.match(label):
            out.append(f"defined name not valid: {label!r}")
        for s in _sheets_in(dn.text or ""):
            if s not in names and not s.startswith("["):
                out.append(f"defined name {label} refers to a missing sheet {s!r}")
        local = dn.get("localSheetId")
        if local is not None and not int(local) < len(sheets):
            out.append(f"defined name {label}: localSheetId {local} out of range")
    for sheet, part in sheets.items():
        if not part or part not in z.NameToInfo or not part.startswith("xl/worksheets/"):
            continue
        data = z.read(part)
        for m in _STYLE.finditer(data):
            if int(m.group(1)) >= n_xf:
                out.append(f"{part}: style index {m.group(1).decode()} beyond the {n_xf} cell formats")
                break
        rels = _rels(z, part)
        root = None
        for tp in (t for t in rels.values() if t.startswith("xl/tables/")):
            root = root if root is not None else _xml(z, part)
            table = _xml(z, tp)
            ref = table.get("ref", "")
            first = re.match(r"([A-Z]+)(\d+):([A-Z]+)\d+$", ref)
            if not first:
                out.append(f"{tp}: bad ref {ref!r}")
                continue
            row, c1, c2 = int(first.group(2)), _col(first.group(1).encode()), _col(first.group(3).encode())
            header = {}
            for c in root.iter(f"{{{M}}}c"):
                m = re.match(r"([A-Z]+)(\d+)$", c.get("r", ""))
                if m and int(m.group(2)) == row:
                    v = c.find(f"{{{M}}}v")
                    if c.get("t") == "s" and v is not None:
                        text = sst[int(v.text)]
                    elif c.get("t") == "inlineStr":
                        text = "".join(c.find(f"{{{M}}}is").itertext())
                    else:
                        text = v.text if v is not None else ""
                    header[_col(m.group(1).encode())] = text
            cols = [tc.get("name") for tc in table.iter(f"{{{M}}}tableColumn")]
            if len(cols) != c2 - c1 + 1:
                out.append(f"{tp}: {len(cols)} columns for the range {ref}")
            for i, name in enumerate(cols):
                if header.get(c1 + i) != name:
                    out.append(f"{tp}: column {i + 1} is named {name!r} but its header cell holds {header.get(c1 + i)!r}")
    for n in z.namelist():
        if n.startswith("xl/charts/chart") and n.endswith(".xml"):
            for f in _xml(z, n).iter(f"{{{C}}}f"):
                for s in _sheets_in(f.text or ""):
                    if s not in names:
                        out.append(f"{n}: range {f.text} on a missing sheet {s!r}")
    return out
