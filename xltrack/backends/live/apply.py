"""Apply a WritePlan to an xlwings Book in bulk.

Call budget (measured on the fake, see tests/test_live_backend.py): per computed column one value
assignment for the whole column block plus one call per distinct format value (more only when
the cells of one colour need more than 255 address characters); per owned sheet one clear, one
value assignment and one call per distinct format per ≤255-character address. Assigned IDs are
written per contiguous run. Not written live (the file backend writes them on the next file
refresh): borders, hyperlinks, frozen panes, tab colours, chart axis options.
"""
from __future__ import annotations

from typing import Any, Callable, Iterable

from ...plan import Cell, CellWrite, Chart, ColumnWrite, SheetWrite, Style, WritePlan
from .paint import Paint, col_letter, paints
from .values import to_excel

# Style attribute -> (xlwings target, default value in a cleared cell)
_ATTRS: dict[str, tuple[str, Any]] = {
    "fill": ("color", None),
    "font_color": ("font.color", None),
    "bold": ("font.bold", False),
    "italic": ("font.italic", False),
    "font_size": ("font.size", None),
    "num_format": ("number_format", None),
    "wrap": ("wrap_text", False),
    "halign": ("horizontal_alignment", None),
    "valign": ("vertical_alignment", None),
}
_RESET = {"color": None, "font.color": "#000000", "font.bold": False, "font.italic": False,
          "font.size": None, "number_format": "General", "wrap_text": False,
          "horizontal_alignment": "general", "vertical_alignment": "bottom"}
_CHART_TYPES = {("bar", False): "bar_clustered", ("bar", True): "bar_stacked",
                ("column", False): "column_clustered", ("column", True): "column_stacked",
                ("line", False): "line", ("line", True): "line_stacked", ("pie", False): "pie",
                ("pie", True): "pie"}


def _hex(c: str | None) -> str | None:
    return None if c is None else "#" + c.lstrip("#")[-6:].upper()


def _style_values(cells: dict[tuple[int, int], Cell | None]) -> dict[str, dict[tuple[int, int], Any]]:
    out: dict[str, dict[tuple[int, int], Any]] = {t: {} for t, _ in _ATTRS.values()}
    for rc, cell in cells.items():
        st = (cell.style if cell is not None else None) or Style()
        for field, (target, _) in _ATTRS.items():
            v = getattr(st, field)
            if field in ("fill", "font_color"):
                v = _hex(v)
            out[target][rc] = v
    return out


class _Writer:
    def __init__(self, book, progress: Callable[[str], None] | None):
        self.book = book
        self.progress = progress or (lambda _m: None)
        self.by_name = {sh.name: sh for sh in book.sheets}     # one name read per sheet

    def sheet(self, name: str):
        return self.by_name.get(name)

    def paint(self, sheet, p: Paint) -> None:
        rng = sheet.range(p.address)
        value = _RESET[p.attr] if p.value is None and p.attr != "color" else p.value
        if p.attr == "font.size" and value is None:
            return                       # no plan size: leave the sheet's default
        if p.attr.startswith("font."):
            setattr(rng.font, p.attr[5:], value)
        else:
            setattr(rng, p.attr, value)

    def styles(self, sheet, cells: dict[tuple[int, int], Cell | None], block) -> None:
        for target, values in _style_values(cells).items():
            default = None if block is not None else _default(target)
            for p in paints(target, values, block=block, default=default):
                if block is None and p.value == _default(target):
                    continue
                self.paint(sheet, p)

    # -- computed columns on user sheets ------------------------------------------------------
    def column(self, cw: ColumnWrite) -> None:
        sheet = self.sheet(cw.sheet)
        if sheet is None:
            return
        self._cell(sheet, cw.header_row, cw.col, cw.header)
        if cw.width is not None:
            sheet.range(f"{col_letter(cw.col)}:{col_letter(cw.col)}").column_width = cw.width
        first = cw.header_row + 1
        last = max([*cw.rows, cw.clear_to_row or 0, first - 1])
        if last < first:
            return
        by_row = dict(zip(cw.rows, cw.cells))
        block = [[to_excel(by_row[r].value) if by_row.get(r) is not None else None]
                 for r in range(first, last + 1)]
        sheet.range((first, cw.col), (last, cw.col)).value = block
        cells = {(r, cw.col): by_row.get(r) for r in range(first, last + 1)}
        self.styles(sheet, cells, (first, cw.col, last, cw.col))

    def _cell(self, sheet, row: int, col: int, cell: Cell) -> None:
        sheet.range((row, col)).value = to_excel(cell.value)
        self.styles(sheet, {(row, col): cell}, (row, col, row, col))   # the whole style, as the file backend

    def ids(self, writes: list[CellWrite], grids: dict[str, list[list[Any]]] | None) -> None:
        """Assigned IDs, one value assignment per contiguous run; never over a non-empty cell."""
        by_key: dict[tuple[str, int], dict[int, Cell]] = {}
        for w in writes:
            if grids is not None and _filled(grids.get(w.sheet), w.row, w.col):
                continue
            by_key.setdefault((w.sheet, w.col), {})[w.row] = w.cell
        for (name, col), rows in by_key.items():
            sheet = self.sheet(name)
            if sheet is None:
                continue
            for r1, r2 in _runs(sorted(rows)):
                sheet.range((r1, col), (r2, col)).value = [[to_excel(rows[r].value)] for r in range(r1, r2 + 1)]

    # -- owned sheets -------------------------------------------------------------------------
    def owned(self, sw: SheetWrite) -> None:
        sheet = self.sheet(sw.name)
        if sheet is None:
            sheets = self.book.sheets
            sheet = sheets.add(sw.name, after=sheets[sheets.count - 1])
            self.by_name[sw.name] = sheet
        else:
            sheet.clear()
            for ch in list(sheet.charts):
                ch.delete()
        width = max((len(r) for r in sw.rows), default=0)
        if sw.rows and width:
            grid = [[to_excel(c.value) if c is not None else None for c in row] + [None] * (width - len(row))
                    for row in sw.rows]
            sheet.range((1, 1), (len(grid), width)).value = grid
            cells = {(r + 1, c + 1): cell for r, row in enumerate(sw.rows)
                     for c, cell in enumerate(row) if cell is not None and cell.style is not None}
            self.styles(sheet, cells, None)
        for addr in sw.merges:
            sheet.range(addr).merge()
        for cols, w in _grouped(sw.col_widths).items():
            sheet.range(",".join(f"{col_letter(c)}:{col_letter(c)}" for c in cols)).column_width = w
        for rows, h in _grouped(sw.row_heights).items():
            sheet.range(",".join(f"{r}:{r}" for r in rows)).row_height = h
        for chart in sw.charts:
            self.chart(sheet, chart)
        if sw.hidden:
            sheet.visible = False

    def chart(self, sheet, chart: Chart) -> None:
        top_left = sheet.range(chart.anchor)
        box = top_left.resize(chart.height_rows, chart.width_cols)
        ch = sheet.charts.add(top_left.left, top_left.top, box.width, box.height)
        ch.chart_type = _CHART_TYPES[(chart.kind, chart.stacked)]
        series = [s for s in chart.series if not getattr(s, "hidden", False)]   # e.g. a funnel's pad
        if series:
            refs = [_local(series[0].categories)] + [_local(s.values) for s in series]
            ch.set_source_data(sheet.range(",".join(refs)))
        ch.title = chart.title


def _default(target: str) -> Any:
    return False if target in ("font.bold", "font.italic", "wrap_text") else None


def _local(ref: str) -> str:
    """"'漏斗'!$A$4:$A$8" -> "A4:A8" (series of owned charts refer to their own sheet)."""
    return ref.rsplit("!", 1)[-1].replace("$", "")


def _grouped(d: dict[int, float]) -> dict[tuple[int, ...], float]:
    out: dict[float, list[int]] = {}
    for k, v in sorted(d.items()):
        out.setdefault(v, []).append(k)
    return {tuple(ks): v for v, ks in out.items()}


def _runs(rows: list[int]) -> Iterable[tuple[int, int]]:
    if not rows:
        return
    start = prev = rows[0]
    for r in rows[1:]:
        if r != prev + 1:
            yield start, prev
            start = r
        prev = r
    yield start, prev


def _filled(grid: list[list[Any]] | None, row: int, col: int) -> bool:
    if grid is None or row > len(grid) or col > len(grid[row - 1]):
        return False
    v = grid[row - 1][col - 1]
    return v is not None and v != ""


def apply_plan_to_book(book, plan: WritePlan, progress: Callable[[str], None] | None = None, *,
                       grids: dict[str, list[list[Any]]] | None = None) -> None:
    """Write ``plan`` into the open ``book`` (an ``xlwings.Book``).

    ``grids`` (sheet name → values as read before planning) lets the backend re-check that an
    assigned ID lands in an empty cell: a user cell is never overwritten.
    """
    w = _Writer(book, progress)
    app = book.app
    screen, calc = app.screen_updating, app.calculation
    app.screen_updating = False
    app.calculation = "manual"
    try:
        total = len(plan.columns) + len(plan.sheets) + 1
        for i, cw in enumerate(plan.columns, start=1):
            w.progress(f"{cw.sheet}: {cw.header.value} ({i}/{total})")
            w.column(cw)
        w.ids(plan.cells, grids)
        for i, sw in enumerate(plan.sheets, start=len(plan.columns) + 1):
            w.progress(f"{sw.name} ({i}/{total})")
            w.owned(sw)
    finally:
        app.calculation = calc
        app.screen_updating = screen
