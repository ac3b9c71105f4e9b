"""An owned sheet (:class:`xltrack.plan.SheetWrite`) → its worksheet XML, written whole.

Cells (inline strings, numbers, dates, booleans), column widths, row heights, merges, frozen
panes, tab colour, hyperlinks (an internal location needs no relationship; an external URL gets
one) and the ``<drawing>`` reference when the sheet has charts.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from itertools import chain
from operator import attrgetter

from ...plan import SheetWrite
from .cells import CellWriter
from .workbook_parts import Rel
from .xmlutil import MAIN_NS, REL_NS, RT, col_letter, esc


_LINK = attrgetter("link")


@dataclass
class OwnedSheetXml:
    xml: bytes
    rels: list[Rel] = field(default_factory=list)   # hyperlinks (+ the drawing, added by apply)


def _pane(freeze: tuple[int, int]) -> str:
    rows, cols = freeze
    if not rows and not cols:
        return ""
    top_left = f"{col_letter(cols + 1)}{rows + 1}"
    pane = "bottomRight" if rows and cols else ("bottomLeft" if rows else "topRight")
    attrs = (f' xSplit="{cols}"' if cols else "") + (f' ySplit="{rows}"' if rows else "")
    return (f'<pane{attrs} topLeftCell="{top_left}" activePane="{pane}" state="frozen"/>'
            f'<selection pane="{pane}" activeCell="{top_left}" sqref="{top_left}"/>')


def owned_sheet_xml(sw: SheetWrite, cw: CellWriter, *, drawing_rid: str | None = None,
                    selected: bool = False, carried: str = "") -> OwnedSheetXml:
    """``carried``: elements kept from the sheet's previous version, placed after ``<drawing>``
    (a ``<legacyDrawing>`` holding the Refresh button, form ``<controls>``)."""
    rels: list[Rel] = []
    links: list[str] = []
    rows_xml: list[str] = []
    max_col = 0
    tail, opener, heights = cw.tail, cw.open, sw.row_heights
    # id(cell) → tail ("" for no element); the plan keeps every cell alive meanwhile. Builders
    # share Cells (History), so a row's tails are mostly found with map() at C speed.
    memo: dict[int, str] = {id(None): ""}
    get = memo.get
    pre = [""]                                   # pre[c] = '<c r="' + column letters
    for r, row in enumerate(sw.rows, start=1):
        ht = heights.get(r) if heights else None
        if not row:
            if ht:
                rows_xml.append(f'<row r="{r}" ht="{ht:g}" customHeight="1"></row>')
            continue
        while len(pre) <= len(row):
            pre.append(opener + col_letter(len(pre)))
        ts = list(map(get, map(id, row)))
        if None in ts:
            i = ts.index(None)
            while True:
                ts[i] = memo[id(row[i])] = tail(row[i]) or ""
                if None not in ts:
                    break
                i = ts.index(None, i)
        rs = str(r)
        last = len(ts)
        while last and not ts[last - 1]:
            last -= 1
        if last > max_col:
            max_col = last
        attrs = f' ht="{ht:g}" customHeight="1"' if ht else ""
        if last or attrs:
            rows_xml.append(f'<row r="{rs}"{attrs}>'
                            + "".join([f"{pre[c]}{rs}{t}" for c, t in enumerate(ts, 1) if t]) + "</row>")
    if any(map(_LINK, filter(None, chain.from_iterable(sw.rows)))):   # hyperlinks: a second, rare pass
        for r, row in enumerate(sw.rows, start=1):
            for c, cell in enumerate(row, start=1):
                if cell is None or not cell.link:
                    continue
                ref = f"{col_letter(c)}{r}"
                if cell.link.startswith("#"):
                    loc = esc(cell.link[1:])
                    disp = f' display="{esc(cell.value)}"' if isinstance(cell.value, str) and cell.value else ""
                    links.append(f'<hyperlink ref="{ref}" location="{loc}"{disp}/>')
                else:
                    rid = f"rId{len(rels) + 2}"   # rId1 is kept for the drawing
                    rels.append(Rel(rid, RT + "hyperlink", cell.link, external=True))
                    links.append(f'<hyperlink ref="{ref}" r:id="{rid}"/>')
    for r, ht in sorted(sw.row_heights.items()):
        if r > len(sw.rows):
            rows_xml.append(f'<row r="{r}" ht="{ht:g}" customHeight="1"/>')
    n_rows = max(len(sw.rows), max(sw.row_heights, default=0))
    dim = f"A1:{col_letter(max(max_col, 1))}{max(n_rows, 1)}" if rows_xml else "A1"
    # Printing (weekly review meetings): A4 landscape, as wide as one page, as many pages tall as needed.
    tab = f'<tabColor rgb="FF{sw.tab_color.lstrip("#").upper()[-6:]}"/>' if sw.tab_color else ""
    pr = f'<sheetPr>{tab}<pageSetUpPr fitToPage="1"/></sheetPr>'
    pane = _pane(sw.freeze) if sw.freeze else ""
    sel = ' tabSelected="1"' if selected else ""
    views = f'<sheetViews><sheetView workbookViewId="0"{sel}>{pane}</sheetView></sheetViews>'
    cols = "".join(f'<col min="{c}" max="{c}" width="{w:g}" customWidth="1"/>'
                   for c, w in sorted(sw.col_widths.items()))
    cols = f"<cols>{cols}</cols>" if cols else ""
    merges = (f'<mergeCells count="{len(sw.merges)}">'
              + "".join(f'<mergeCell ref="{esc(m)}"/>' for m in sw.merges) + "</mergeCells>") if sw.merges else ""
    hl = f"<hyperlinks>{''.join(links)}</hyperlinks>" if links else ""
    drawing = f'<drawing r:id="{drawing_rid}"/>' if drawing_rid else ""
    xml = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
           f'<worksheet xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">{pr}<dimension ref="{dim}"/>{views}'
           f'<sheetFormatPr defaultRowHeight="15"/>{cols}<sheetData>{"".join(rows_xml)}</sheetData>'
           f'{merges}{hl}<pageMargins left="0.5" right="0.5" top="0.6" bottom="0.6" header="0.3" footer="0.3"/>'
           f'<pageSetup paperSize="9" orientation="landscape" fitToWidth="1" fitToHeight="0"/>'
           f"{drawing}{carried}</worksheet>")
    return OwnedSheetXml(xml.encode("utf-8"), rels)
