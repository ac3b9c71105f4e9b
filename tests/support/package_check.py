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
    return out
