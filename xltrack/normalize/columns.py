"""Normalize one column of raw cells into a typed array plus located issues.

Most cells in a real workbook are already clean typed values (a date cell, a number cell), so
each loop dispatches on the exact type first and only hands strings (and odd types) to the
parsers in :mod:`.values`. Dates become day ordinals (0 = missing) so the DataFrame column is built
with one numpy operation instead of one pandas conversion per cell.
"""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np
import pandas as pd

from .lookup import Resolver
from .text import nfkc
from .values import (ERROR_TEXTS, YEAR_MAX, YEAR_MIN, parse_amount, parse_date, parse_number,
                     parse_probability, parse_text)

_UNIX_ORDINAL = dt.date(1970, 1, 1).toordinal()


@dataclass(slots=True)
class Problem:
    """A problem in one cell, before it is located and worded (see :mod:`.tables`)."""

    index: int                # position in the column (data row index)
    code: str
    value: Any
    normalized: Any = None
    suggestion: str | None = None
    extra: dict | None = None


def ordinals_to_datetime64(ords: "list[int] | np.ndarray") -> np.ndarray:
    a = np.asarray(ords, dtype="int64")
    out = (a - _UNIX_ORDINAL).astype("datetime64[D]").astype("datetime64[ns]")
    out[a == 0] = np.datetime64("NaT")
    return out


_DATE_TYPES = frozenset({dt.datetime, dt.date})
_ORD_MIN, _ORD_MAX = dt.date(YEAR_MIN, 1, 1).toordinal(), dt.date(YEAR_MAX, 12, 31).toordinal()


def date_column(col: list[Any], *, as_of: dt.date, order: str,
                problems: list[Problem]) -> np.ndarray:
    """Day ordinals (0 when blank or invalid). One comprehension classifies every cell (a date
    cell gives its ordinal, a blank 0, anything else -1); only those others (text, numbers,
    errors) reach :func:`~.values.parse_date`."""
    out = np.asarray([v.toordinal() if type(v) in _DATE_TYPES else (0 if v is None or v == "" else -1)
                      for v in col], dtype="int64")
    if not len(out):
        return out
    rest = out == -1
    bad = (out > 0) & ((out < _ORD_MIN) | (out > _ORD_MAX))
    for i in np.flatnonzero(bad).tolist():          # a typo year in a real date cell
        out[i] = 0
        problems.append(Problem(i, "bad-date", col[i]))
    if rest.any():
        out[rest] = 0
        for i in np.flatnonzero(rest).tolist():
            v = col[i]
            val, code, extra = parse_date(v, as_of=as_of, order=order)
            if val is not None:
                out[i] = val.toordinal()
            if code:
                problems.append(Problem(i, code, v, val, extra=extra))
    return out


def _float_column(col: list[Any], parse: Callable, problems: list[Problem], *,
                  typed_ok: Callable[[float], bool]) -> np.ndarray:
    out = np.full(len(col), np.nan)
    for i, v in enumerate(col):
        t = type(v)
        if t is float and typed_ok(v):
            out[i] = v
        elif v is not None and v != "":
            val, code, extra = parse(v)
            if val is not None:
                out[i] = val
            if code:
                problems.append(Problem(i, code, v, val, extra=extra))
    return out


def money_column(col: list[Any], problems: list[Problem], unit: float = 1.0) -> np.ndarray:
    """Amounts; ``unit`` is the header's unit (``（万元）`` → 10,000) for plain numbers."""
    if unit != 1.0:
        return _float_column(col, lambda v: parse_amount(v, unit), problems, typed_ok=lambda f: False)
    return _float_column(col, parse_amount, problems, typed_ok=lambda f: 0 <= f < math.inf)


def number_column(col: list[Any], problems: list[Problem]) -> np.ndarray:
    return _float_column(col, parse_number, problems, typed_ok=lambda f: not math.isnan(f))


def percent_column(col: list[Any], problems: list[Problem]) -> np.ndarray:
    return _float_column(col, parse_probability, problems, typed_ok=lambda f: 0 <= f <= 1)


def odd_indices(values: list[Any], *ok: type) -> np.ndarray:
    """Positions of values whose exact type is not ``str``/None or one of ``ok`` (C-speed scan)."""
    types = np.fromiter(map(type, values), dtype=object, count=len(values))
    mask = (types != str) & (types != type(None))
    for t in ok:
        mask &= types != t
    return np.flatnonzero(mask)


def text_array(col: "list[Any] | tuple", problems: list[Problem]) -> np.ndarray:
    """Trimmed text as an object array; ``""`` and whitespace-only cells are blank (None).

    A column read from a file is usually all text (``""`` when empty): it is trimmed with a C-level
    ``map`` and its blanks found with one numpy comparison instead of a per-cell comprehension
    (0.9 s → 0.3 s for the 3 million text cells of a 50,000-project workbook). The result stays an
    array: the frame column and the "holds a value" mask are built from it without copies to lists.
    """
    try:                      # all text: no separate pass to learn the types
        out = list(map(str.strip, col))
        kinds = {str}
    except TypeError:         # a number, date, error or None somewhere
        kinds = set(map(type, col))
        out = [(v.strip() or None) if type(v) is str else v for v in col]
    if ERROR_TEXTS.intersection(out):
        for i, v in enumerate(out):
            if v in ERROR_TEXTS:
                out[i] = None
                problems.append(Problem(i, "error-value", v))
    if kinds - {str, type(None)}:
        for i in odd_indices(out).tolist():
            v = out[i]
            val, code, _ = parse_text(v)
            out[i] = val
            if code:
                problems.append(Problem(i, code, v))
    a = np.empty(len(out), dtype=object)
    a[:] = out
    if kinds <= {str} and "" in out:
        a[a == ""] = None
    return a


def text_column(col: list[Any], problems: list[Problem]) -> list[str | None]:
    """Trimmed text as a list (see :func:`text_array`)."""
    return text_array(col, problems).tolist()


def distinct_texts(col: "list[Any] | tuple", problems: list[Problem]
                   ) -> tuple[np.ndarray, list[str | None]] | None:
    """For a column of few distinct texts (IDs, names): (codes, trimmed text per code), where code
    -1 is an empty cell, with error texts reported; None when a cell is not text (then use
    :func:`text_array`). Trimming and checking each distinct text once, after one hash pass
    (``factorize``), is 3× cheaper than doing it per cell on 500,000 cells of 50,000 IDs."""
    raw = np.empty(len(col), dtype=object)
    raw[:] = col
    codes, uniques = pd.factorize(raw)     # None -> -1; True == 1.0 would merge: not text, so None
    uniques = uniques.tolist()
    if any(type(u) is not str for u in uniques):
        return None
    texts: list[str | None] = [u.strip() or None for u in uniques]
    bad = [k for k, t in enumerate(texts) if t in ERROR_TEXTS]
    if bad:
        for i in np.flatnonzero(np.isin(codes, bad)).tolist():
            problems.append(Problem(i, "error-value", texts[codes[i]]))
        for k in bad:
            texts[k] = None
    return codes, texts


def _take(values: list[Any], codes: np.ndarray) -> np.ndarray:
    table = np.empty(len(values) + 1, dtype=object)
    table[:] = values + [None]
    return table[codes]                    # code -1 -> None


def id_array(col: "list[Any] | tuple", problems: list[Problem]) -> np.ndarray:
    """Trimmed IDs; full-width ``ＰＯ－１`` and ``P-1`` are the same ID (NFKC, per distinct text)."""
    found = distinct_texts(col, problems)
    if found is None:
        a = text_array(col, problems)
        wide = {t: nfkc(t) for t in set(a.tolist()) if t is not None and not t.isascii()}
        if wide:
            b = np.empty(len(a), dtype=object)
            b[:] = [wide.get(t, t) for t in a.tolist()]
            return b
        return a
    codes, texts = found
    return _take([t if t is None or t.isascii() else nfkc(t) for t in texts], codes)


def lookup_column(col: list[Any], resolver: Resolver, unknown_code: str, problems: list[Problem], *,
                  keep_unknown: bool) -> tuple[np.ndarray, np.ndarray]:
    """Resolve names; unknown names give ``unknown_code`` (with a suggestion on a near miss).

    ``keep_unknown``: keep the trimmed text when not resolved (owners), else None (stages, types).
    An empty resolver (no owners configured) accepts every name as typed.
    Returns (trimmed texts, resolved values) as object arrays.
    """
    found = distinct_texts(col, problems)
    if found is None:
        texts = text_array(col, problems)
        codes, uniques = pd.factorize(texts)   # one resolution per distinct text
        distinct: list[str | None] = uniques.tolist()
    else:
        codes, distinct = found
        texts = _take(distinct, codes)
    if not resolver:
        return texts, texts
    resolved = [resolver.resolve(t) if t is not None else (None, None) for t in distinct]
    values = [(val or t) if keep_unknown else val for t, (val, _) in zip(distinct, resolved)]
    out = _take(values, codes)
    unknown = [k for k, (val, _) in enumerate(resolved) if val is None and distinct[k] is not None]
    if unknown:
        for i in np.flatnonzero(np.isin(codes, unknown)).tolist():
            problems.append(Problem(i, unknown_code, col[i], None, resolved[codes[i]][1]))
    return texts, out


def nonblank_mask(col: list[Any]) -> np.ndarray:
    return np.fromiter((v is not None and not (type(v) is str and not v.strip()) for v in col),
                       dtype=bool, count=len(col))

