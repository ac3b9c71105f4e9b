"""The live backend: apply a :class:`~xltrack.plan.WritePlan` to the open workbook through xlwings.

Used by the Refresh button (:mod:`xltrack.excel`). Everything goes through a small, declared set
of xlwings attributes (:data:`XLWINGS_API`, checked against the installed xlwings by a test) and
in bulk, with a call count bounded by the workbook's layout, not by its row count: one ``.value``
assignment per block, formats per attribute value over rectangles, per-row colours of the light
and payment-status columns as conditional-format rules keyed on the text (see ``apply.py``).

* :func:`apply_plan_to_book` — ``(book, plan, progress=None, *, grids=None, sheets=None)``
* :func:`read_grids` — ``(book, names=None, *, sheets=None) -> {sheet name: values}``

The whole refresh of the open workbook (the button's work) is a job of :mod:`xltrack.jobs`
(``BookSource`` → ``BookSink``), called by :func:`xltrack.excel.refresh_book`.
"""
from __future__ import annotations

from typing import Any

# Every xlwings attribute the backend uses, per class (tests: it exists in the installed xlwings,
# and the fake implements exactly these).
XLWINGS_API: dict[str, set[str]] = {
    "App": {"status_bar", "screen_updating", "calculation", "alert"},
    "Book": {"app", "sheets", "name"},
    "Sheets": {"add", "count"},        # plus iteration and [index/name]
    "Sheet": {"name", "range", "used_range", "clear", "charts", "visible"},
    "Range": {"value", "color", "number_format", "font", "wrap_text", "horizontal_alignment",
              "vertical_alignment", "column_width", "row_height", "merge", "last_cell",
              "options", "resize", "left", "top", "width", "height", "clear_formats",
              "conditional_formats", "borders"},
    "Font": {"color", "bold", "italic", "size"},
    "Borders": {"line_style"},
    "ConditionalFormats": {"add_cell_value", "clear"},   # xlwings >= 0.37.5 (BSD part)
    "Charts": {"add", "count"},        # plus iteration
    "Chart": {"chart_type", "set_source_data", "title", "delete"},
}

__all__ = ["XLWINGS_API", "apply_plan_to_book", "read_grids", "sheets_by_name"]


def __getattr__(name: str) -> Any:
    if name == "apply_plan_to_book":
        from .apply import apply_plan_to_book
        return apply_plan_to_book
    if name in ("read_grids", "sheets_by_name"):
        from . import read
        return getattr(read, name)
    raise AttributeError(name)
