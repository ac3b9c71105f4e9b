"""Write one owned sheet (dashboard, funnel, risk list…) live, in a bounded number of calls.

* ``Sheet.clear()`` (values, formats, merges) — one call; then ONE ``.value`` for the whole grid,
  links included as ``HYPERLINK`` formulas (:func:`.values.hyperlink_formula`);
* formats per attribute value over rectangles (:mod:`.formats`): the sheets' styles come per
  column or per row block (a table's column shares one style; the risk list is sorted by light),
  so the rectangles are bounded by the layout, not by the project count;
* merges: runs of one-row merges over the same columns in consecutive rows go out as ONE
  ``merge(across=True)`` (Excel's MergeAcross: each row of the range becomes its own merged
  cell) — the dashboard's 32 merges are 11 calls;
* widths and heights: one call per distinct value;
* charts: when the sheet already holds as many charts as the plan (the file backend or the last
  click made them), each is updated in place (type, source, title: 4 calls) instead of deleted and
  re-created with its size computed from cell geometry (≈14 calls each).
"""
from __future__ import annotations

from ...plan import Chart, SheetWrite
from .apply import _free, _grouped, _runs
from .formats import format_ops
from .paint import area, parse_area
from .values import hyperlink_formula, to_excel

_CHART_TYPES = {("bar", False): "bar_clustered", ("bar", True): "bar_stacked",
                ("column", False): "column_clustered", ("column", True): "column_stacked",
                ("line", False): "line", ("line", True): "line_stacked", ("pie", False): "pie",
                ("pie", True): "pie"}


def write_owned(w, sw: SheetWrite) -> None:
    """``w`` is the :class:`~xltrack.backends.live.apply.Writer` of this refresh."""
    sheet = w.sheet(sw.name)
    existing = []
    if sheet is None:
        sheets = w.book.sheets
        sheet = sheets.add(sw.name, after=sheets[sheets.count - 1])
        w.by_name[sw.name] = sheet
    else:
        sheet.clear()
        existing = list(sheet.charts)
    width = max((len(r) for r in sw.rows), default=0)
    if sw.rows and width:
        grid = [[_cell(c) for c in row] + [None] * (width - len(row)) for row in sw.rows]
        sheet.range((1, 1), (len(grid), width)).value = grid
        styles = {(r + 1, c + 1): cell.style for r, row in enumerate(sw.rows)
                  for c, cell in enumerate(row) if cell is not None and cell.style is not None}
        valued = {(r + 1, c + 1) for r, row in enumerate(sw.rows)
                  for c, cell in enumerate(row) if cell is not None and cell.value is not None}
        w.formats(sheet, format_ops(styles, _free(styles, valued)))
    for rect, across in merge_calls(sw.merges):
        sheet.range(area(*rect)).merge(across=across)
    w.widths(sheet, sw.col_widths)
    for rows, h in _grouped(sw.row_heights).items():
        sheet.range(",".join(f"{r}:{r}" for r in rows)).row_height = h
    charts(sheet, sw.charts, existing)
    if sw.hidden:
        sheet.visible = False


def _cell(c) -> object:
    if c is None:
        return None
    return hyperlink_formula(c.link, c.value) if c.link else to_excel(c.value)


def merge_calls(merges: list[str]) -> list[tuple[tuple[int, int, int, int], bool]]:
    """``(rectangle, across)`` per call: stacked one-row merges of equal columns become one."""
    singles: dict[tuple[int, int], list[int]] = {}
    out: list[tuple[tuple[int, int, int, int], bool]] = []
    for m in merges:
        r1, c1, r2, c2 = parse_area(m)
        if r1 == r2:
            singles.setdefault((c1, c2), []).append(r1)
        else:
            out.append(((r1, c1, r2, c2), False))
    for (c1, c2), rows in singles.items():
        for a, b in _runs(sorted(set(rows))):
            out.append(((a, c1, b, c2), a != b))
    return out


def charts(sheet, planned: list[Chart], existing: list) -> None:
    if existing and len(existing) == len(planned):
        for ch, chart in zip(existing, planned):
            _fill(sheet, ch, chart)
        return
    for ch in existing:
        ch.delete()
    for chart in planned:
        top_left = sheet.range(chart.anchor)
        box = top_left.resize(chart.height_rows, chart.width_cols)
        ch = sheet.charts.add(top_left.left, top_left.top, box.width, box.height)
        _fill(sheet, ch, chart)


def _fill(sheet, ch, chart: Chart) -> None:
    ch.chart_type = _CHART_TYPES[(chart.kind, chart.stacked)]
    series = [s for s in chart.series if not s.hidden]        # e.g. a funnel's pad
    if series:
        refs = [_local(series[0].categories)] + [_local(s.values) for s in series]
        ch.set_source_data(sheet.range(",".join(refs)))
    ch.title = chart.title


def _local(ref: str) -> str:
    """"'漏斗'!$A$4:$A$8" -> "A4:A8" (series of owned charts refer to their own sheet)."""
    return ref.rsplit("!", 1)[-1].replace("$", "")
