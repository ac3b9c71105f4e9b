"""Apply a WritePlan to an xlwings Book with a number of calls that does not grow with the rows.

Each call into xlwings is a COM round trip on Windows (≈1 ms or more), so the call count is the
figure that matters (``benchmarks/bench_live_calls.py``: before this design a full refresh of the
demo workbook made 1,049 calls at 100 projects and 1,579 at 5,000; now ≈540–580 at both, the
same to the call, of which ≈100 are column widths — one per distinct width, which Excel cannot
set in one call).

Computed columns (per user sheet, all its columns together):
  * values: ONE assignment per run of adjacent columns, header row included;
  * formats: ONE ``clear_formats`` (+ conditional-format clear) over the columns' blocks, then
    per attribute value over rectangles (:mod:`.formats`): the header style once for all headers,
    a number format once per block of columns — blanks are bridged, so the count is constant;
  * per-row colours (light, payment status): conditional-format rules keyed on the text
    (:mod:`.cond`): one call per label, none per row. Where the installed xlwings lacks
    ``Range.conditional_formats`` (before 0.37.5) the colours are painted statically instead,
    which is correct but grows with the rows;
  * widths: one call per distinct width.
Owned sheets: see :mod:`.owned`. Assigned IDs: one assignment per contiguous run (they are few:
only rows that had no ID).
"""
from __future__ import annotations

from typing import Any, Callable, Iterable

from ...plan import Cell, CellWrite, ColumnWrite, Style, WritePlan
from .cond import conditional
from .formats import FormatOp, format_ops, style_attrs
from .paint import addresses, area, col_letter
from .values import to_excel


class Writer:
    """Holds the book, its sheets by name (read once) and whether conditional formats work."""

    def __init__(self, book, progress: Callable[[str], None] | None, sheets: dict[str, Any] | None = None):
        self.book = book
        self.progress = progress or (lambda _m: None)
        self.by_name = dict(sheets) if sheets is not None else {sh.name: sh for sh in book.sheets}
        self.cf_ok = True         # Range.conditional_formats: xlwings >= 0.37.5
        self.borders_ok = True    # Range.borders: xlwings >= 0.37.1 (older: left to the file refresh)

    def sheet(self, name: str):
        return self.by_name.get(name)

    def formats(self, sheet, ops: list[FormatOp]) -> None:
        for op in ops:
            rng = sheet.range(op.address)
            font = borders = None
            for target, value in op.attrs:
                obj, _, attr = target.rpartition(".")
                if obj == "font":
                    font = font or rng.font
                    setattr(font, attr, value)
                elif obj == "borders" and self.borders_ok:
                    borders = borders or self._borders(rng)
                    if borders is not None:
                        setattr(borders, attr, value)
                else:
                    setattr(rng, attr, value)

    def _borders(self, rng):
        try:
            return rng.borders
        except (AttributeError, NotImplementedError):
            self.borders_ok = False
            return None

    def widths(self, sheet, widths: dict[int, float]) -> None:
        for cols, w in _grouped(widths).items():
            sheet.range(",".join(f"{col_letter(c)}:{col_letter(c)}" for c in cols)).column_width = w

    # -- computed columns on user sheets ------------------------------------------------------
    def columns(self, name: str, cws: list[ColumnWrite]) -> None:
        sheet = self.sheet(name)
        if sheet is None:
            return
        hr = cws[0].header_row
        first = hr + 1
        last = max(max([*cw.rows, cw.clear_to_row or 0, hr]) for cw in cws)
        cols = {cw.col: cw for cw in cws}
        bodies = {c: _body(cw, first, last) for c, cw in cols.items()}
        runs = list(_runs(sorted(cols)))
        for c1, c2 in runs:                                   # values: one block per column run
            grid = [[to_excel(cols[c].header.value) for c in range(c1, c2 + 1)]]
            grid += [[to_excel(bodies[c][i].value) for c in range(c1, c2 + 1)] for i in range(last - hr)]
            sheet.range((hr, c1), (last, c2)).value = grid
        for addr in addresses([(hr, c1, last, c2) for c1, c2 in runs]):
            rng = sheet.range(addr)
            rng.clear_formats()
            self._clear_rules(rng)
        styles: dict[tuple[int, int], Style | None] = {}
        valued: set[tuple[int, int]] = set()
        rules = []
        for c, cw in cols.items():
            styles[(hr, c)] = cw.header.style
            cond = conditional(bodies[c]) if self.cf_ok and last >= first else None
            if cond is not None:
                static, col_rules = cond
                rules.append((c, col_rules))
            for r, cell in enumerate(bodies[c], start=first):
                st = static if cond is not None else cell.style
                if st is not None:
                    styles[(r, c)] = st
                if cell.value is not None:
                    valued.add((r, c))
        self.formats(sheet, format_ops(styles, _free(styles, valued)))
        for c, col_rules in rules:
            cfs = sheet.range((first, c), (last, c)).conditional_formats
            for rule in col_rules:
                cfs.add_cell_value("equal_to", rule.formula1, **rule.kwargs())
        self.widths(sheet, {cw.col: cw.width for cw in cws if cw.width is not None})

    def _clear_rules(self, rng) -> None:
        if not self.cf_ok:
            return
        try:
            cfs = rng.conditional_formats
        except (AttributeError, NotImplementedError):   # xlwings < 0.37.5: paint statically
            self.cf_ok = False
            return
        cfs.clear()

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


def _body(cw: ColumnWrite, first: int, last: int) -> list[Cell]:
    by_row = dict(zip(cw.rows, cw.cells))
    return [by_row.get(r) or Cell(None) for r in range(first, last + 1)]


def _free(styles: dict[tuple[int, int], Style | None], valued: set[tuple[int, int]]):
    cache: dict[Style, bool] = {}

    def styled(st: Style | None) -> bool:
        if st is None:
            return False
        if st not in cache:
            cache[st] = bool(style_attrs(st))
        return cache[st]
    busy = {rc for rc, st in styles.items() if styled(st)} | valued
    return lambda r, c: (r, c) not in busy


def _grouped(d: dict[int, float]) -> dict[tuple[int, ...], float]:
    out: dict[float, list[int]] = {}
    for k, v in sorted(d.items()):
        out.setdefault(v, []).append(k)
    return {tuple(ks): v for v, ks in out.items()}


def _runs(nums: list[int]) -> Iterable[tuple[int, int]]:
    if not nums:
        return
    start = prev = nums[0]
    for n in nums[1:]:
        if n != prev + 1:
            yield start, prev
            start = n
        prev = n
    yield start, prev


def _filled(grid: list[list[Any]] | None, row: int, col: int) -> bool:
    if grid is None or row > len(grid) or col > len(grid[row - 1]):
        return False
    v = grid[row - 1][col - 1]
    return v is not None and v != ""


def apply_plan_to_book(book, plan: WritePlan, progress: Callable[[str], None] | None = None, *,
                       grids: dict[str, list[list[Any]]] | None = None,
                       sheets: dict[str, Any] | None = None) -> None:
    """Write ``plan`` into the open ``book`` (an ``xlwings.Book``).

    ``grids`` (sheet name → values as read before planning) lets the backend re-check that an
    assigned ID lands in an empty cell: a user cell is never overwritten. ``sheets`` (name →
    sheet, as :func:`~xltrack.backends.live.read.read_grids` found them) saves reading the
    sheet names a second time.
    """
    from .owned import write_owned

    if plan.rows:   # user rows written on the user's behalf (import, merge) go through the file backend
        from ...errors import OutputError
        raise OutputError("导入/合并的行只能写入工作簿文件，不能写入打开的工作簿 / Imported or merged rows are "
                          "written to the workbook file, not to the open workbook: close it and run the command")
    w = Writer(book, progress, sheets)
    app = book.app
    screen, calc = app.screen_updating, app.calculation
    app.screen_updating = False
    app.calculation = "manual"
    try:
        groups: dict[tuple[str, int], list[ColumnWrite]] = {}
        for cw in plan.columns:
            groups.setdefault((cw.sheet, cw.header_row), []).append(cw)
        total = len(groups) + len(plan.sheets)
        for i, ((name, _), cws) in enumerate(groups.items(), start=1):
            w.progress(f"{name} ({i}/{total})")
            w.columns(name, cws)
        w.ids(plan.cells, grids)
        for i, sw in enumerate(plan.sheets, start=len(groups) + 1):
            w.progress(f"{sw.name} ({i}/{total})")
            write_owned(w, sw)
    finally:
        app.calculation = calc
        app.screen_updating = screen


__all__ = ["Writer", "apply_plan_to_book", "area"]
