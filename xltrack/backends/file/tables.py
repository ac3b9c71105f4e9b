"""Excel tables (``xl/tables/*.xml``) on a user sheet: their header names must match the cells.

A computed column inside a table's range gets the table's own column name as its header text, so
the table part never has to change (Excel repairs a workbook whose table column names and header
cells disagree).
"""
from __future__ import annotations

from lxml import etree

from .package import Package
from .workbook_parts import read_rels, resolve
from .xmlutil import MAIN_NS, parse_range


def table_headers(pkg: Package, sheet_part: str) -> dict[tuple[int, int], str]:
    """(row, col) of every table header cell on the sheet → the table's column name."""
    out: dict[tuple[int, int], str] = {}
    for rel in read_rels(pkg, sheet_part):
        if rel.kind != "table" or rel.external:
            continue
        part = resolve(sheet_part, rel.target)
        if not pkg.has(part):
            continue
        root = etree.fromstring(pkg.read(part), etree.XMLParser(resolve_entities=False))
        if root.get("headerRowCount", "1") == "0":
            continue
        try:
            r1, c1, _, _ = parse_range(root.get("ref", ""))
        except ValueError:
            continue
        cols = root.findall(f"{{{MAIN_NS}}}tableColumns/{{{MAIN_NS}}}tableColumn")
        for i, tc in enumerate(cols):
            out[(r1, c1 + i)] = tc.get("name", "")
    return out
