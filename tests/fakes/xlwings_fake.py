"""A faithful fake of exactly the xlwings objects the live backend uses, counting every call.

Only the attributes in :data:`xltrack.backends.live.XLWINGS_API` exist (``__slots__`` plus
properties), so a backend that reaches for anything else fails here. Excel's own behaviour that
matters is modelled: ``Range.value`` parses strings as if typed (a leading apostrophe keeps text,
"=…" becomes a formula, "12" a number), ``Sheet.clear`` wipes values, formats and merges, a
multi-area address longer than 255 characters is refused, a one-row or one-column read returns
a flat list and a one-cell read a scalar, numbers read back as float and dates as datetime.
"""
from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MAX_ROWS, MAX_COLS = 1_048_576, 16_384
FORMAT_KEYS = ("color", "font.color", "font.bold", "font.italic", "font.size", "number_format",
               "wrap_text", "horizontal_alignment", "vertical_alignment", "border")
# What a conditional-format rule can set, as xlwings names it -> the static key it overrides.
RULE_KEYS = {"fill_color": "color", "font_color": "font.color", "font_bold": "font.bold",
             "font_italic": "font.italic"}


@dataclass(frozen=True)
class Formula:
    text: str


@dataclass(frozen=True)
class ExcelError:
    """An error value (#N/A…): read as None, or as its text with ``options(err_to_str=True)``."""
    text: str


def _col(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


def parse_address(address: str) -> list[tuple[int, int, int, int]]:
    if len(address) > 255:
        raise ValueError("Range(): address longer than 255 characters (Excel refuses it)")
    areas = []
    for part in address.replace("$", "").split(","):
        part = part.strip()
        if "!" in part:
            raise ValueError("the fake takes addresses on the sheet itself")
        ends = part.split(":")
        if len(ends) == 2 and ends[0].isalpha():              # "A:C"
            areas.append((1, _col(ends[0]), MAX_ROWS, _col(ends[1])))
            continue
        if len(ends) == 2 and ends[0].isdigit():              # "3:5"
            areas.append((int(ends[0]), 1, int(ends[1]), MAX_COLS))
            continue
        cells = []
        for e in ends:
            m = re.fullmatch(r"([A-Za-z]+)(\d+)", e)
            if not m:
                raise ValueError(f"bad address {address!r}")
            cells.append((int(m.group(2)), _col(m.group(1))))
        (r1, c1), (r2, c2) = cells[0], cells[-1]
        areas.append((min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2)))
    return areas


def excel_parse(v: Any) -> Any:
    """What Excel stores when ``v`` is assigned to Range.Value."""
    if isinstance(v, str):
        if v.startswith("'"):
            return v[1:]
        if v == "":
            return None
        if v.upper() in ("TRUE", "FALSE"):
            return v.upper() == "TRUE"
        try:
            return float(v.replace(",", ""))
        except ValueError:
            pass
        if v[0] in "=+-@":
            return Formula(v)
        return v
    if isinstance(v, dt.date) and not isinstance(v, dt.datetime):
        return dt.datetime(v.year, v.month, v.day)
    if isinstance(v, bool):
        return v
    if isinstance(v, (int, float)):
        return float(v)
    return v


class _Counted:
    __slots__ = ("_book",)

    def _hit(self, name: str) -> None:
        self._book.calls[f"{type(self).__name__}.{name}"] += 1


class App(_Counted):
    __slots__ = ("_status", "_screen", "_calc", "alerts", "status_history")

    def __init__(self, book):
        self._book, self._status, self._screen, self._calc = book, False, True, "automatic"
        self.alerts: list[tuple[str, str | None]] = []
        self.status_history: list[Any] = []

    @property
    def status_bar(self):
        self._hit("status_bar"); return self._status

    @status_bar.setter
    def status_bar(self, v):
        self._hit("status_bar"); self._status = v; self.status_history.append(v)

    @property
    def screen_updating(self):
        self._hit("screen_updating"); return self._screen

    @screen_updating.setter
    def screen_updating(self, v):
        self._hit("screen_updating"); self._screen = bool(v)

    @property
    def calculation(self):
        self._hit("calculation"); return self._calc

    @calculation.setter
    def calculation(self, v):
        assert v in ("automatic", "manual", "semiautomatic")
        self._hit("calculation"); self._calc = v

    def alert(self, prompt, title=None, buttons="ok", mode=None, callback=None):
        self._hit("alert"); self.alerts.append((prompt, title)); return "ok"


class Book(_Counted):
    __slots__ = ("calls", "_app", "_sheets", "_name")

    def __init__(self, name: str = "Book1.xlsm"):
        self._book = self
        self.calls: Counter = Counter()
        self._name = name
        self._app = App(self)
        self._sheets = Sheets(self)

    @property
    def name(self):
        self._hit("name"); return self._name

    @property
    def app(self):
        self._hit("app"); return self._app

    @property
    def sheets(self):
        self._hit("sheets"); return self._sheets

    # -- test helpers (not xlwings API) -------------------------------------------------------
    @classmethod
    def from_xlsx(cls, path: Path) -> "Book":
        import openpyxl
        wb = openpyxl.load_workbook(path, data_only=True)
        book = cls(Path(path).name)
        for ws in wb.worksheets:
            sh = book._sheets._new(ws.title)
            for row in ws.iter_rows():
                for c in row:
                    if c.data_type == "e" and c.value is not None:
                        sh.cells[(c.row, c.column)] = ExcelError(str(c.value))
                    elif c.value is not None:
                        v = c.value
                        sh.cells[(c.row, c.column)] = excel_parse(v) if not isinstance(v, str) else v
                    rc = (c.row, c.column)
                    fill = c.fill
                    if fill is not None and fill.fill_type == "solid" and isinstance(fill.fgColor.rgb, str):
                        sh.fmt["color"][rc] = "#" + fill.fgColor.rgb[-6:].upper()
                    if c.number_format and c.number_format != "General":
                        sh.fmt["number_format"][rc] = c.number_format
                    if c.font is not None:
                        if c.font.b:
                            sh.fmt["font.bold"][rc] = True
                        if c.font.color is not None and isinstance(c.font.color.rgb, str):
                            sh.fmt["font.color"][rc] = "#" + c.font.color.rgb[-6:].upper()
                    if c.border is not None and c.border.left is not None and c.border.left.style:
                        sh.fmt["border"][rc] = "continuous"
            sh.merges = [str(m) for m in ws.merged_cells.ranges]
            for _ in getattr(ws, "_charts", []):        # the file's native charts, as Excel holds them
                sh._charts._list.append(Chart(book, sh._charts, (0, 0, 0, 0)))
        book.calls.clear()
        return book

    def sheet_names(self) -> list[str]:
        return [s._name for s in self._sheets._list]

    def total_calls(self) -> int:
        return sum(self.calls.values())


class Sheets(_Counted):
    __slots__ = ("_list",)

    def __init__(self, book):
        self._book, self._list = book, []

    def _new(self, name: str, index: int | None = None) -> "Sheet":
        sh = Sheet(self._book, name)
        self._list.insert(len(self._list) if index is None else index, sh)
        return sh

    def __iter__(self):
        self._hit("__iter__"); return iter(list(self._list))

    def __len__(self):
        self._hit("__len__"); return len(self._list)

    def __getitem__(self, key):
        self._hit("__getitem__")
        if isinstance(key, int):
            return self._list[key]
        for s in self._list:
            if s._name.lower() == key.lower():
                return s
        raise KeyError(key)

    @property
    def count(self):
        self._hit("count"); return len(self._list)

    def add(self, name=None, before=None, after=None):
        self._hit("add")
        if any(s._name.lower() == (name or "").lower() for s in self._list):
            raise ValueError(f"a sheet named {name!r} exists")
        idx = len(self._list)
        if after is not None:
            idx = self._list.index(after) + 1
        elif before is not None:
            idx = self._list.index(before)
        return self._new(name or f"Sheet{len(self._list) + 1}", idx)


class Sheet(_Counted):
    __slots__ = ("_name", "cells", "fmt", "merges", "col_widths", "row_heights", "_charts", "_visible",
                 "rules")

    def __init__(self, book, name):
        self._book, self._name = book, name
        self.rules: list[Rule] = []          # conditional formats, highest priority first
        self.cells: dict[tuple[int, int], Any] = {}
        self.fmt: dict[str, dict[tuple[int, int], Any]] = {k: {} for k in FORMAT_KEYS}
        self.merges: list[str] = []
        self.col_widths: dict[int, float] = {}
        self.row_heights: dict[int, float] = {}
        self._charts = Charts(book, self)
        self._visible = True

    @property
    def name(self):
        self._hit("name"); return self._name

    @property
    def visible(self):
        self._hit("visible"); return self._visible

    @visible.setter
    def visible(self, v):
        self._hit("visible"); self._visible = bool(v)

    @property
    def charts(self):
        self._hit("charts"); return self._charts

    def effective(self, key: str, rc: tuple[int, int]) -> Any:
        """What a user sees (test helper): the static format, overridden by the conditional-format
        rules that apply to the cell and match its value, lowest priority first."""
        v = self.fmt[key].get(rc)
        for rule in reversed(self.rules):
            if rc in rule.cells and rule.matches(self.cells.get(rc)):
                for name, k in RULE_KEYS.items():
                    if k == key and rule.style.get(name) is not None:
                        v = rule.style[name]
        return v

    def range(self, cell1, cell2=None):
        self._hit("range")
        if isinstance(cell1, str):
            assert cell2 is None
            return Range(self._book, self, parse_address(cell1))
        if isinstance(cell2, Range):               # xlwings: the bottom-right cell as a Range
            assert cell2._sheet is self
            cell2 = cell2.areas[0][2:]
        r1, c1 = cell1
        r2, c2 = cell2 if cell2 is not None else cell1
        return Range(self._book, self, [(min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2))])

    @property
    def used_range(self):
        self._hit("used_range")
        keys = list(self.cells) + [k for d in self.fmt.values() for k in d]
        if not keys:
            return Range(self._book, self, [(1, 1, 1, 1)])
        return Range(self._book, self, [(min(r for r, _ in keys), min(c for _, c in keys),
                                          max(r for r, _ in keys), max(c for _, c in keys))])

    def clear(self):
        self._hit("clear")
        self.cells.clear()
        for d in self.fmt.values():
            d.clear()
        self.merges.clear()


class Font(_Counted):
    __slots__ = ("_rng",)

    def __init__(self, book, rng):
        self._book, self._rng = book, rng

    def _set(self, key, v):
        self._rng._set_fmt("font." + key, v)

    color = property(lambda s: s._rng._get_fmt("font.color"), lambda s, v: (s._hit("color"), s._set("color", v)))
    bold = property(lambda s: s._rng._get_fmt("font.bold"), lambda s, v: (s._hit("bold"), s._set("bold", bool(v))))
    italic = property(lambda s: s._rng._get_fmt("font.italic"), lambda s, v: (s._hit("italic"), s._set("italic", bool(v))))
    size = property(lambda s: s._rng._get_fmt("font.size"), lambda s, v: (s._hit("size"), s._set("size", v)))


class Range(_Counted):
    __slots__ = ("_sheet", "areas", "_err_to_str", "_ndim")

    def __init__(self, book, sheet, areas, err_to_str=False, ndim=None):
        self._book, self._sheet, self.areas, self._err_to_str, self._ndim = book, sheet, areas, err_to_str, ndim

    def options(self, convert=None, **kw):
        self._hit("options")
        assert convert is None and set(kw) <= {"err_to_str", "ndim"} and kw.get("ndim") in (None, 1, 2), kw
        return Range(self._book, self._sheet, self.areas, err_to_str=kw.get("err_to_str", False),
                     ndim=kw.get("ndim"))

    def _read(self, v):
        if isinstance(v, Formula):
            return None
        if isinstance(v, ExcelError):
            return v.text if self._err_to_str else None
        return v

    def _cells(self):
        for r1, c1, r2, c2 in self.areas:
            for r in range(r1, r2 + 1):
                for c in range(c1, c2 + 1):
                    yield r, c

    def _one(self):
        if len(self.areas) != 1:
            raise ValueError("this operation needs a single-area range")
        return self.areas[0]

    @property
    def value(self):
        self._hit("value")
        r1, c1, r2, c2 = self._one()
        get = lambda r, c: self._read(self._sheet.cells.get((r, c)))
        grid = [[get(r, c) for c in range(c1, c2 + 1)] for r in range(r1, r2 + 1)]
        if self._ndim == 2:
            return grid
        if r1 == r2 and c1 == c2:
            return grid[0][0]
        if r1 == r2:
            return grid[0]
        if c1 == c2:
            return [row[0] for row in grid]
        return grid

    @value.setter
    def value(self, data):
        self._hit("value")
        r1, c1, r2, c2 = self._one()
        if not isinstance(data, (list, tuple)):
            data = [[data] * (c2 - c1 + 1) for _ in range(r2 - r1 + 1)]
        elif data and not isinstance(data[0], (list, tuple)):
            data = [list(data)]
        for i, row in enumerate(data):
            for j, v in enumerate(row):
                stored = excel_parse(v)
                if stored is None:
                    self._sheet.cells.pop((r1 + i, c1 + j), None)
                else:
                    self._sheet.cells[(r1 + i, c1 + j)] = stored

    def clear_formats(self):
        """Excel's Range.ClearFormats. Conditional formats are modelled as surviving it (the
        conservative reading: the backend clears them explicitly with conditional_formats.clear)."""
        self._hit("clear_formats")
        for d in self._sheet.fmt.values():
            for rc in self._cells():
                d.pop(rc, None)

    @property
    def conditional_formats(self):
        self._hit("conditional_formats"); return ConditionalFormats(self._book, self)

    @property
    def borders(self):
        self._hit("borders"); return Borders(self._book, self)

    def _set_fmt(self, key, v):
        d = self._sheet.fmt[key]
        for r1, c1, r2, c2 in self.areas:
            if r2 - r1 > 100_000 or c2 - c1 > 1000:
                raise ValueError("the fake does not format whole rows/columns")
        for rc in self._cells():
            if v is None:
                d.pop(rc, None)
            else:
                d[rc] = v

    def _get_fmt(self, key):
        vals = {self._sheet.fmt[key].get(rc) for rc in self._cells()}
        return vals.pop() if len(vals) == 1 else None

    def _fmt_prop(key, check=None):
        def get(self):
            self._hit(key); return self._get_fmt(key)

        def set_(self, v):
            self._hit(key)
            if check:
                check(v)
            self._set_fmt(key, v)
        return property(get, set_)

    def _check_color(v):
        if v is not None and not (isinstance(v, str) and re.fullmatch(r"#[0-9A-F]{6}", v)) and not isinstance(v, tuple):
            raise ValueError(f"bad color {v!r}")

    color = _fmt_prop("color", _check_color)
    number_format = _fmt_prop("number_format")
    wrap_text = _fmt_prop("wrap_text")
    horizontal_alignment = _fmt_prop("horizontal_alignment", lambda v: v in (
        "general", "left", "center", "right", "fill", "justify", "center_across_selection", "distributed") or (_ for _ in ()).throw(ValueError(v)))
    vertical_alignment = _fmt_prop("vertical_alignment", lambda v: v in (
        "top", "center", "bottom", "justify", "distributed") or (_ for _ in ()).throw(ValueError(v)))

    @property
    def font(self):
        self._hit("font"); return Font(self._book, self)

    @property
    def column_width(self):
        self._hit("column_width"); return None

    @column_width.setter
    def column_width(self, w):
        self._hit("column_width")
        for _, c1, _, c2 in self.areas:
            for c in range(c1, c2 + 1):
                self._sheet.col_widths[c] = w

    @property
    def row_height(self):
        self._hit("row_height"); return None

    @row_height.setter
    def row_height(self, h):
        self._hit("row_height")
        for r1, _, r2, _ in self.areas:
            for r in range(r1, r2 + 1):
                self._sheet.row_heights[r] = h

    def merge(self, across=False):
        """Excel's Range.Merge; with ``across`` each row of the range becomes its own merged cell."""
        self._hit("merge")
        from xltrack.backends.live.paint import area
        r1, c1, r2, c2 = self._one()
        rows = [(r, r) for r in range(r1, r2 + 1)] if across else [(r1, r2)]
        for a, b in rows:
            if (a, c1) != (b, c2):
                self._sheet.merges.append(area(a, c1, b, c2))

    @property
    def last_cell(self):
        self._hit("last_cell")
        r1, c1, r2, c2 = self._one()
        return Range(self._book, self._sheet, [(r2, c2, r2, c2)])

    def resize(self, row_size=None, column_size=None):
        self._hit("resize")
        r1, c1, r2, c2 = self._one()
        rows = row_size or (r2 - r1 + 1)
        cols = column_size or (c2 - c1 + 1)
        return Range(self._book, self._sheet, [(r1, c1, r1 + rows - 1, c1 + cols - 1)])

    def _pts(self, axis):
        r1, c1, r2, c2 = self._one()
        if axis == "left":
            return sum(self._sheet.col_widths.get(c, 8.43) * 5.6 for c in range(1, c1))
        if axis == "top":
            return sum(self._sheet.row_heights.get(r, 15.0) for r in range(1, r1))
        if axis == "width":
            return sum(self._sheet.col_widths.get(c, 8.43) * 5.6 for c in range(c1, c2 + 1))
        return sum(self._sheet.row_heights.get(r, 15.0) for r in range(r1, r2 + 1))

    left = property(lambda s: (s._hit("left"), s._pts("left"))[1])
    top = property(lambda s: (s._hit("top"), s._pts("top"))[1])
    width = property(lambda s: (s._hit("width"), s._pts("width"))[1])
    height = property(lambda s: (s._hit("height"), s._pts("height"))[1])


class Borders(_Counted):
    """``Range.borders``: only ``line_style`` (edges + inside lines of every area, thin, automatic
    colour: what Excel's ``Borders.LineStyle = xlContinuous`` draws)."""
    __slots__ = ("_rng",)

    def __init__(self, book, rng):
        self._book, self._rng = book, rng

    @property
    def line_style(self):
        self._hit("line_style"); return self._rng._get_fmt("border")

    @line_style.setter
    def line_style(self, v):
        self._hit("line_style")
        if v not in (None, "continuous", "dash", "dash_dot", "dash_dot_dot", "dot", "double", "slant_dash_dot"):
            raise ValueError(v)
        self._rng._set_fmt("border", v)


@dataclass
class Rule:
    """One conditional-format rule of type cell value = text (all the backend uses)."""
    cells: set
    text: str
    style: dict

    def matches(self, value: Any) -> bool:
        # Excel compares text case-insensitively; a number never equals a text operand.
        return isinstance(value, str) and value.casefold() == self.text.casefold()


class ConditionalFormats(_Counted):
    """``Range.conditional_formats`` (xlwings >= 0.37.5): ``add_cell_value`` and ``clear``.

    Like xlwings, a new rule goes to the top of the priority order, and ``clear`` removes the
    rules from the range only (a rule that also covers other cells keeps those)."""
    __slots__ = ("_rng",)

    def __init__(self, book, rng):
        self._book, self._rng = book, rng

    def add_cell_value(self, operator, formula1, formula2=None, *, fill_color=None, font_color=None,
                       font_bold=None, font_italic=None, stop_if_true=False):
        self._hit("add_cell_value")
        from xlwings.main import CONDITIONAL_FORMAT_OPERATORS
        assert operator in CONDITIONAL_FORMAT_OPERATORS and formula2 is None and not stop_if_true
        if operator != "equal_to":
            raise NotImplementedError("the fake models cell value = text only")
        m = re.fullmatch(r'="((?:[^"]|"")*)"', formula1)
        if not m:                       # a bare word would be read as a name or a number
            raise ValueError(f"formula1 must be a quoted text formula, got {formula1!r}")
        for c in (fill_color, font_color):
            Range._check_color(c)
        style = {"fill_color": fill_color, "font_color": font_color, "font_bold": font_bold,
                 "font_italic": font_italic}
        self._rng._sheet.rules.insert(0, Rule(set(self._rng._cells()), m.group(1).replace('""', '"'), style))

    def clear(self):
        self._hit("clear")
        sheet = self._rng._sheet
        gone = set(self._rng._cells())
        for rule in sheet.rules:
            rule.cells -= gone
        sheet.rules[:] = [r for r in sheet.rules if r.cells]


class Charts(_Counted):
    __slots__ = ("_sheet", "_list")

    def __init__(self, book, sheet):
        self._book, self._sheet, self._list = book, sheet, []

    def __iter__(self):
        self._hit("__iter__"); return iter(list(self._list))

    @property
    def count(self):
        self._hit("count"); return len(self._list)

    def add(self, left=0, top=0, width=355, height=211):
        self._hit("add")
        ch = Chart(self._book, self, (left, top, width, height))
        self._list.append(ch)
        return ch


class Chart(_Counted):
    __slots__ = ("_charts", "box", "_type", "source", "_title")

    def __init__(self, book, charts, box):
        self._book, self._charts, self.box = book, charts, box
        self._type, self.source, self._title = "column_clustered", None, None

    @property
    def chart_type(self):
        self._hit("chart_type"); return self._type

    @chart_type.setter
    def chart_type(self, v):
        from xlwings.constants import chart_types  # the names xlwings accepts
        if v not in chart_types:
            raise ValueError(v)
        self._hit("chart_type"); self._type = v

    def set_source_data(self, source):
        self._hit("set_source_data"); self.source = source.areas

    @property
    def title(self):
        self._hit("title"); return self._title

    @title.setter
    def title(self, v):
        self._hit("title"); self._title = v

    def delete(self):
        self._hit("delete"); self._charts._list.remove(self)
