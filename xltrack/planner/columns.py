"""The computed columns on Projects and Payments, resolved to sheet columns.

A computed column that the reader found (by its header, any language or alias) is written where
it is; one that is missing is appended after the last used column, in ``layout.toml`` order.
Values are typed (numbers as numbers, text as text) and the light is a filled cell in the
layout's red/yellow/green.
"""
from __future__ import annotations

import math
from typing import Any, Callable

import pandas as pd

from ..compute.results import Results
from ..i18n import pick
from ..pipeline import layout
from ..plan import Cell, ColumnWrite, Style
from ..tables import SheetInfo, Tables

_L = layout()
_C = _L.colors
_F = _L.formats
HEADER = Style(bold=True, fill=_C["owned_header"], border=True, wrap=True, valign="center")
INT = Style(num_format=_F["int"])
MONEY = Style(num_format=_F["money"])
LIGHT_TEXT = {"red": ("红", "Red"), "yellow": ("黄", "Yellow"), "green": ("绿", "Green")}
# one object per style: the backend caches style lookups per object
LIGHT_STYLE = {k: Style(fill=_C[k], font_color=_C[f"{k}_font"], bold=True, halign="center") for k in LIGHT_TEXT}
STATUS_STYLE = {"overdue": Style(fill=_C["red"], font_color=_C["red_font"]),
                "due": Style(fill=_C["yellow"], font_color=_C["yellow_font"]),
                "collected": Style(fill=_C["green"], font_color=_C["green_font"])}


def light_cell(light: Any, lang: str) -> Cell:
    if light not in LIGHT_TEXT:
        return Cell(None)
    return Cell(pick(lang, *LIGHT_TEXT[light]), LIGHT_STYLE[light])


def _missing(v: Any) -> bool:
    return v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v))


# Why interned cells: a computed column repeats few values (three lights, small day counts, the
# same status) and the plan holds one Cell per row (50k rows × 7 columns at the benchmark's
# largest size). One Cell per distinct value, shared by the rows that hold it, halves the
# planner's time and lets the file backend type each distinct value once. Plans are read-only
# data: no backend mutates a Cell.
def _interned(values: list, make: Callable[[Any], Cell]) -> list[Cell]:
    cache: dict[Any, Cell] = {}
    out: list[Cell] = []
    add = out.append
    for v in values:
        try:
            c = cache.get((v.__class__, v))
        except TypeError:            # an unhashable value: no sharing
            add(make(v))
            continue
        if c is None:
            c = make(v)
            if v is not pd.NA and v == v:   # NaN is never equal to itself: never cached
                cache[(v.__class__, v)] = c
        add(c)
    return out


def _int_cell(v: Any) -> Cell:
    return Cell(None) if _missing(v) else Cell(int(round(float(v))), INT)


def _money_cell(v: Any) -> Cell:
    return Cell(None) if _missing(v) else Cell(float(v), MONEY)


def _ints(values: pd.Series) -> list[Cell]:
    return _interned(values.tolist(), _int_cell)


def _money(values: pd.Series) -> list[Cell]:
    return _interned(values.tolist(), _money_cell)


def _text(v: Any) -> Cell:
    if _missing(v):
        return Cell(None)
    return Cell(str(v) or None)


def _texts(values: list) -> list[Cell]:
    return _interned(values, _text)


def _row_issues(tables: Tables, info: SheetInfo, lang: str) -> dict[int, str]:
    by_row: dict[int, list[str]] = {}
    for i in tables.issues:
        if i.sheet == info.name and i.row and i.code != "id-assigned":
            by_row.setdefault(int(i.row), []).append(i.message)
    sep = pick(lang, "；", "; ")
    return {r: sep.join(dict.fromkeys(ms)) for r, ms in by_row.items()}


def _resolve(info: SheetInfo, keys: list[str]) -> dict[str, int]:
    cols, nxt = {}, info.last_col + 1
    used = set(info.columns.values()) | set(info.extras.values())
    for key in keys:
        if key in info.columns:
            cols[key] = info.columns[key]
    for key in keys:
        if key not in cols:
            while nxt in used:
                nxt += 1
            cols[key] = nxt
            used.add(nxt)
    return cols


def _column(info: SheetInfo, sheet_key: str, key: str, col: int, rows: list[int], cells: list[Cell],
            lang: str) -> ColumnWrite:
    spec = _L.sheet(sheet_key).column(key)
    return ColumnWrite(sheet=info.name, key=key, col=col, header_row=info.header_row,
                       header=Cell(spec.label(lang), HEADER), rows=rows, cells=cells,
                       width=spec.width, clear_to_row=max(info.last_row, info.header_row))


def computed_columns(tables: Tables, results: Results) -> list[ColumnWrite]:
    lang = results.lang
    out: list[ColumnWrite] = []
    info = tables.sheets.get("projects")
    if info is not None:
        df = results.projects
        rows = [int(r) for r in df["_row"].tolist()] if len(df) else []
        issues = _row_issues(tables, info, lang)
        makers: dict[str, Callable[[], list[Cell]]] = {
            "light": lambda: _interned(df["light"].tolist(), lambda v: light_cell(v, lang)),
            "risk_reasons": lambda: _texts(df["reason_text"].tolist()),
            "days_in_stage": lambda: _ints(df["days_in_stage"]),
            "idle_days": lambda: _ints(df["idle_days"]),
            "follow_ups": lambda: _ints(df["follow_ups"]),
            "weighted_amount": lambda: _money(df["weighted_amount"]),
            "data_issues": lambda: _texts([issues.get(r) for r in rows]),
        }
        keys = [c.key for c in _L.sheet("projects").owned_columns if c.key in makers]
        cols = _resolve(info, keys)
        out += [_column(info, "projects", k, cols[k], rows, makers[k](), lang) for k in keys]
    info = tables.sheets.get("payments")
    if info is not None:
        df = results.payments
        rows = [int(r) for r in df["_row"].tolist()] if len(df) else []
        def status_cell(pair: tuple) -> Cell:
            st, text = pair
            return Cell(str(text), STATUS_STYLE.get(st)) if isinstance(text, str) and text else Cell(None)

        def status_cells() -> list[Cell]:
            return _interned(list(zip(df["status"].tolist(), df["status_text"].tolist())), status_cell)

        makers = {"status": status_cells, "overdue_days": lambda: _ints(df["overdue_days"])}
        keys = [c.key for c in _L.sheet("payments").owned_columns if c.key in makers]
        cols = _resolve(info, keys)
        out += [_column(info, "payments", k, cols[k], rows, makers[k](), lang) for k in keys]
    return out
