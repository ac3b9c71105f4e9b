"""The write plan: what a refresh writes, as plain data, independent of any Excel library.

The pipeline's pure middle produces a :class:`WritePlan`; a backend applies it:

* the file backend (:mod:`xltrack.backends.file`) edits the .xlsx/.xlsm package part by part;
* the live backend (:mod:`xltrack.backends.live`) writes into the open workbook through xlwings.

xltrack owns exactly what a plan can name: computed columns on user sheets (``ColumnWrite``),
blank ID cells it fills (``CellWrite`` on the ID column, only where the cell was empty), and the
owned sheets (``SheetWrite``), which are rewritten whole. A job that writes user data on the
user's behalf (import, merge) names those cells explicitly (``RowWrite``).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal, Union

Value = Union[None, str, int, float, bool, dt.date, dt.datetime]


@dataclass(frozen=True, slots=True)
class Style:
    """A cell style, small on purpose. Colours are 6-hex-digit RGB strings ("FFC7CE")."""

    fill: str | None = None
    font_color: str | None = None
    bold: bool = False
    italic: bool = False
    underline: bool = False
    font_size: float | None = None
    num_format: str | None = None      # e.g. "yyyy-mm-dd", "#,##0", "0%"
    wrap: bool = False
    halign: Literal["left", "center", "right"] | None = None
    valign: Literal["top", "center", "bottom"] | None = None
    border: bool = False               # thin border all round


@dataclass(slots=True)
class Cell:
    """A value with an optional style and an optional hyperlink.

    Text is always written as text: a string beginning with = + - @ never becomes a formula.
    ``link`` is either an internal location ("#'项目跟踪'!A12") or an external URL.
    """

    value: Value = None
    style: Style | None = None
    link: str | None = None


@dataclass(slots=True)
class ColumnWrite:
    """One computed column on a user sheet (Projects or Payments).

    ``col`` is the 1-based column index, already resolved by the planner (the existing column
    with this header, or the first free column to the right). The backend writes ``header`` at
    ``header_row`` and ``cells[i]`` at row ``rows[i]``; every other cell of this column below the
    header up to ``clear_to_row`` is cleared (it belonged to a row that is now gone).
    """

    sheet: str
    key: str
    col: int
    header_row: int
    header: Cell
    rows: list[int]
    cells: list[Cell]
    width: float | None = None
    clear_to_row: int | None = None


@dataclass(slots=True)
class CellWrite:
    """A single cell in a user sheet that was empty and that xltrack fills (an assigned ID)."""

    sheet: str
    row: int
    col: int
    cell: Cell


@dataclass(slots=True)
class RowWrite:
    """User cells written on the user's behalf (``xltrack import``, ``merge``) on a user sheet.

    ``cells[row][col]`` (1-based) is the value to set; ``None`` clears the cell. A cell of an
    existing row keeps its formatting; a cell of a new row takes the formatting of the same
    column in the row above (else the column's). Values land typed: dates as dates, numbers as
    numbers, text always as text (never a formula). ``last_row``: the sheet's last data row after
    the write; when it lies below the sheet's Excel table, the table grows to it, and so do the
    drop-downs, validations and conditional formats that reach the table's last row.
    """

    sheet: str
    header_row: int
    cells: dict[int, dict[int, Value]] = field(default_factory=dict)
    last_row: int = 0


@dataclass(slots=True)
class Series:
    name: str
    categories: str        # a range in an owned sheet, e.g. "'漏斗'!$A$4:$A$8"
    values: str            # e.g. "'漏斗'!$C$4:$C$8"
    color: str | None = None
    # The cached points, so viewers that do not recalculate (mail previews) show the chart.
    cat_cache: list[str] = field(default_factory=list)
    val_cache: list[float | None] = field(default_factory=list)
    # Drawn with no fill and left out of the legend: the padding series that centres the bars of
    # a funnel-shaped stacked bar chart.
    hidden: bool = False


@dataclass(slots=True)
class Chart:
    """A native chart on an owned sheet; its series refer to ranges in owned sheets."""

    kind: Literal["bar", "column", "line", "pie"]
    title: str
    anchor: str                     # top-left cell, e.g. "B12"
    width_cols: int = 8
    height_rows: int = 16
    series: list[Series] = field(default_factory=list)
    stacked: bool = False
    reverse_categories: bool = False  # funnel: first stage on top of a horizontal bar
    number_format: str | None = None
    legend: bool = True               # show the legend (bottom)
    data_labels: bool = False         # show each visible point's value on the chart
    gap_width: int | None = None      # bar/column gap in % of a bar's width (Excel default 150)


@dataclass(slots=True)
class SheetWrite:
    """An owned sheet, rewritten whole: ``rows[r][c]`` goes to row r+1, column c+1."""

    key: str                        # layout key: dashboard, funnel, risk_list, history, …
    name: str                       # sheet name in the workbook's language
    rows: list[list[Cell | None]]
    col_widths: dict[int, float] = field(default_factory=dict)   # 1-based column -> width
    freeze: tuple[int, int] | None = None                         # (rows, cols) frozen
    merges: list[str] = field(default_factory=list)               # "A1:F1"
    charts: list[Chart] = field(default_factory=list)
    tab_color: str | None = None
    hidden: bool = False
    row_heights: dict[int, float] = field(default_factory=dict)  # 1-based row -> points


@dataclass(slots=True)
class WritePlan:
    """Everything one refresh writes. ``summary`` is for messages (counts of lights, issues…)."""

    columns: list[ColumnWrite] = field(default_factory=list)
    cells: list[CellWrite] = field(default_factory=list)
    sheets: list[SheetWrite] = field(default_factory=list)
    rows: list[RowWrite] = field(default_factory=list)
    summary: dict[str, object] = field(default_factory=dict)
