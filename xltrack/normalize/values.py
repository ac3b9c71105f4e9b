"""Parsers for what people type into date, amount, probability, number and text cells.

Each parser takes one raw cell value (as read: str, float, int, bool, date, datetime, None or a
:class:`~xltrack.read.CellError`) and returns ``(value, issue_code_or_None, extra)``: the
normalized value (None when blank or not understood), the catalog code of the problem if any, and
a dict of details for the message (e.g. the date order used). Parsers never raise.

Typed cells take a fast path; only strings are parsed. Every parser is idempotent: parsing its
own output gives the same value back (checked by property tests).
"""
from __future__ import annotations

import datetime as dt
import math
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from .text import clean_text, nfkc

Result = tuple[Any, "str | None", dict]
_NONE: Result = (None, None, {})

EXCEL_EPOCH = dt.date(1899, 12, 30)
YEAR_MIN, YEAR_MAX = 1900, 2199  # the span a tracking date can have (and datetime64[ns] can hold)
# Serial numbers accepted as dates: 1950-01-01 … 2199-12-31. A number outside is a typo, not a date.
SERIAL_MIN, SERIAL_MAX = 18264, 109574


# Excel's error values. A cell read through xlwings shows them as this text, so the text counts too.
ERROR_TEXTS = frozenset({"#N/A", "#REF!", "#VALUE!", "#DIV/0!", "#NAME?", "#NUM!", "#NULL!",
                         "#SPILL!", "#CALC!", "#GETTING_DATA", "#FIELD!", "#BLOCKED!", "#UNKNOWN!"})


def is_error(v: Any) -> bool:
    """An Excel error value: a :class:`~xltrack.read.CellError` or its exact text (``#N/A``)."""
    return type(v).__name__ == "CellError" or (type(v) is str and v.strip() in ERROR_TEXTS)


def is_blank(v: Any) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


# ---------------------------------------------------------------------------------- dates ----
_TIME = r"(?:[ T]*(\d{1,2})[:：](\d{2})(?:[:：](\d{2})(?:\.\d+)?)?\s*(?:[ap]\.?m\.?)?)?"
_YMD = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?" + _TIME + r"$", re.I)
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})" + _TIME + r"$")
_MD_CN = re.compile(r"^(\d{1,2})\s*月\s*(\d{1,2})\s*日?" + _TIME + r"$")
_ABY = re.compile(r"^(\d{1,2})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{4}|\d{2})" + _TIME + r"$")
_AB = re.compile(r"^(\d{1,2})\s*[/]\s*(\d{1,2})" + _TIME + r"$")
_MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1)}
_DMON = re.compile(r"^(\d{1,2})[\s-]([a-z]{3})[a-z]*\.?[\s,-]*(\d{4})" + _TIME + r"$", re.I)
_MOND = re.compile(r"^([a-z]{3})[a-z]*\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})" + _TIME + r"$", re.I)


def _mk(y: int, m: int, d: int) -> dt.date | None:
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def serial_to_date(x: float) -> dt.date | None:
    if not (SERIAL_MIN <= x <= SERIAL_MAX):
        return None
    return EXCEL_EPOCH + dt.timedelta(days=int(math.floor(x)))


def _ordered(a: int, b: int, y: int, order: str) -> Result:
    m, d = (a, b) if order == "mdy" else (b, a)
    when = _mk(y, m, d)
    if when is None:  # the configured order is impossible; the other one may not be
        alt = _mk(y, b, a) if order == "mdy" else _mk(y, a, b)
        return (alt, None, {}) if alt else (None, "bad-date", {})
    if a != b and a <= 12 and b <= 12:
        return when, "ambiguous-date", {"order": order}
    return when, None, {}


def parse_date(v: Any, *, as_of: dt.date, order: str = "mdy") -> Result:
    """A date cell: real dates, Excel serials, and the written forms listed in the module doc.
    Years outside 1900–2199 are typos (``3026-03-05``), reported as ``bad-date``."""
    val, code, extra = _parse_date(v, as_of=as_of, order=order)
    if val is not None and not (YEAR_MIN <= val.year <= YEAR_MAX):
        return None, "bad-date", {}
    return val, code, extra


def _parse_date(v: Any, *, as_of: dt.date, order: str) -> Result:
    t = type(v)
    if t is dt.datetime:
        return v.date(), None, {}
    if t is dt.date:
        return v, None, {}
    if v is None:
        return _NONE
    if t is float or t is int:
        if t is float and v.is_integer() or t is int:
            n = int(v)
            if 19000101 <= n <= 21991231:  # 20260305 typed as a number
                d = _mk(n // 10000, n // 100 % 100, n % 100)
                return (d, None, {}) if d else (None, "bad-date", {})
        d = serial_to_date(float(v))
        return (d, None, {}) if d else (None, "bad-date", {})
    if is_error(v):
        return None, "error-value", {}
    if t is bool:
        return None, "bad-date", {}
    if isinstance(v, dt.date):  # pandas Timestamp and other subclasses
        return (v.date() if isinstance(v, dt.datetime) else v), None, {}
    s = clean_text(nfkc(str(v)))
    if not s:
        return _NONE
    if m := _YMD.match(s) or _COMPACT.match(s):
        d = _mk(int(m[1]), int(m[2]), int(m[3]))
        return (d, None, {}) if d else (None, "bad-date", {})
    if m := _MD_CN.match(s):
        d = _mk(as_of.year, int(m[1]), int(m[2]))
        return (d, None, {}) if d else (None, "bad-date", {})
    if m := _ABY.match(s):
        y = int(m[3])
        y = y + 2000 if y < 100 else y
        return _ordered(int(m[1]), int(m[2]), y, order)
    if m := _AB.match(s):
        return _ordered(int(m[1]), int(m[2]), as_of.year, order)
    if m := _DMON.match(s):
        mon = _MONTHS.get(m[2].lower())
        d = _mk(int(m[3]), mon, int(m[1])) if mon else None
        return (d, None, {}) if d else (None, "bad-date", {})
    if m := _MOND.match(s):
        mon = _MONTHS.get(m[1].lower())
        d = _mk(int(m[3]), mon, int(m[2])) if mon else None
        return (d, None, {}) if d else (None, "bad-date", {})
    try:
        n = float(s)
    except ValueError:
        return None, "bad-date", {}
    return _parse_date(n, as_of=as_of, order=order)


# -------------------------------------------------------------------------------- numbers ----
_UNITS = [  # longest first
    ("百万", Decimal(10) ** 6), ("千万", Decimal(10) ** 7), ("万元", Decimal(10) ** 4),
    ("亿元", Decimal(10) ** 8), ("万", Decimal(10) ** 4), ("亿", Decimal(10) ** 8),
    ("千", Decimal(1000)), ("mm", Decimal(10) ** 6), ("bn", Decimal(10) ** 9),
    ("k", Decimal(1000)), ("m", Decimal(10) ** 6), ("w", Decimal(10) ** 4), ("b", Decimal(10) ** 9),
]
_CURRENCY_WORDS = re.compile(
    r"(人民币|美元|美金|欧元|港币|港元|日元|rmb|cny|usd|eur|hkd|jpy|gbp|yuan|dollars?|元整|元|块钱|块|"
    r"[¥$€£￥])", re.I)
_NUM = re.compile(r"^([-+]?)(\d+(?:\.\d*)?|\.\d+)$")


def _to_decimal(s: str) -> tuple[Decimal | None, bool]:
    """Parse a written number with an optional unit word; returns (value, had_unit)."""
    s = nfkc(s).strip().lower()
    neg = False
    if s.startswith("(") and s.endswith(")"):
        neg, s = True, s[1:-1]
    yuan = "元" in s or "块" in s   # "8,000元" says its unit even in a 万元 column
    s = _CURRENCY_WORDS.sub("", s)
    s = re.sub(r"[\s,_'’]", "", s)
    if s.startswith("-"):
        neg, s = not neg, s[1:]
    s = s.lstrip("+")
    mult, had_unit = Decimal(1), yuan
    for unit, factor in _UNITS:
        if s.endswith(unit):
            s, mult, had_unit = s[: -len(unit)], factor, True
            break
    s = s.rstrip(".") if s.count(".") == 1 and s.endswith(".") else s
    if not _NUM.match(s):
        return None, had_unit
    try:
        val = Decimal(s) * mult
    except InvalidOperation:
        return None, had_unit
    return (-val if neg else val), had_unit


def unit_factor(label: str) -> float:
    """The multiplier a header's unit note implies: ``预计金额（万元）`` → 10,000; none → 1."""
    m = re.search(r"[（(\[【]([^)）\]】]*)[)）\]】]\s*$", nfkc(label))
    if not m:
        return 1.0
    note = _CURRENCY_WORDS.sub("", m[1].strip().lower()).strip()
    for unit, factor in _UNITS:
        if note == unit:
            return float(factor)
    return 1.0


def _number(v: Any) -> tuple[float | None, bool]:
    """(float, ok) for a typed or written plain number; (None, True) when blank."""
    t = type(v)
    if t is float or t is int:
        return (None if math.isnan(v) else float(v)), not (t is float and math.isnan(v))
    if v is None:
        return None, True
    if t is bool or is_error(v):
        return None, False
    d, _ = _to_decimal(str(v))
    if d is None:
        return (None, True) if not str(v).strip() else (None, False)
    return float(d), True


def parse_amount(v: Any, unit: float = 1.0) -> Result:
    """An amount: numbers, ``¥1,200,000``, ``1,200.50元``, ``120万``, ``1.2亿``, ``12k``, ``1.5M``.

    ``unit``: the column's unit from its header (``预计金额（万元）`` → 10,000) applies to plain
    numbers; an amount written with its own unit (``120万``) means exactly that.
    """
    t = type(v)
    if t is float or t is int:
        if t is float and (math.isnan(v) or math.isinf(v)):
            return None, "bad-amount", {}
        f = float(v) * unit
        return (f, "negative-amount", {}) if f < 0 else (f, None, {})
    if v is None:
        return _NONE
    if is_error(v):
        return None, "error-value", {}
    if t is bool:
        return None, "bad-amount", {}
    if isinstance(v, str) and not v.strip():
        return _NONE
    d, had_unit = _to_decimal(str(v))
    if d is None:
        return None, "bad-amount", {}
    f = float(d if had_unit or unit == 1.0 else d * Decimal(str(unit)))
    return (f, "negative-amount", {}) if f < 0 else (f, None, {})


def parse_number(v: Any) -> Result:
    """A plain number (counts, integers); written forms with units are accepted too."""
    if is_error(v):
        return None, "error-value", {}
    if isinstance(v, str) and not v.strip():
        return _NONE
    f, ok = _number(v)
    return (f, None, {}) if ok else (None, "bad-number", {})


def parse_probability(v: Any) -> Result:
    """A probability as 0..1: ``60%`` → 0.6, ``0.6`` → 0.6, ``60`` → 0.6 (numbers above 1 are percent)."""
    if v is None:
        return _NONE
    if is_error(v):
        return None, "error-value", {}
    t = type(v)
    if t is float or t is int:
        f = float(v)
    elif t is bool:
        return None, "bad-probability", {}
    else:
        s = nfkc(str(v)).strip()
        if not s:
            return _NONE
        pct = s.endswith("%")
        d, _ = _to_decimal(s.rstrip("%").strip())
        if d is None:
            return None, "bad-probability", {}
        f = float(d / 100) if pct else float(d)
        if pct:
            return (f, None, {}) if 0 <= f <= 1 else (None, "bad-probability", {})
    if math.isnan(f) or f < 0 or f > 100:
        return None, "bad-probability", {}
    return (f / 100 if f > 1 else f), None, {}


def parse_text(v: Any) -> Result:
    """Text: trimmed (inner spaces and line breaks are the user's); numbers become their text."""
    t = type(v)
    if is_error(v):
        return None, "error-value", {}
    if t is str:
        s = v.strip()
        return (s or None), None, {}
    if v is None:
        return _NONE
    if t is float:
        return (str(int(v)) if v.is_integer() else repr(v)), None, {}
    if isinstance(v, dt.datetime):
        return (v.date().isoformat() if v.time() == dt.time() else v.isoformat(sep=" ")), None, {}
    if isinstance(v, dt.date):
        return v.isoformat(), None, {}
    return str(v), None, {}
