"""Every accepted written form of dates, amounts, probabilities, numbers and text."""
from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xltrack.normalize.values import (parse_amount, parse_date, parse_number, parse_probability,
                                      parse_text)
from xltrack.read import CellError

AS_OF = dt.date(2026, 11, 27)
D = dt.date(2026, 3, 5)


@pytest.mark.parametrize("raw", [
    dt.date(2026, 3, 5), dt.datetime(2026, 3, 5, 14, 30), 46086.0, 46086, 46086.6,
    "2026/3/5", "2026-03-05", "2026.3.5", "2026年3月5日", "3月5日", "20260305", 20260305.0,
    "2026-03-05 14:30", "2026/3/5 9:05:33", "2026-03-05T14:30:00", "2026年3月5日 14:30",
    "  2026-03-05 ", "２０２６－０３－０５", "２０２６年３月５日", "5 Mar 2026", "Mar 5, 2026",
    "March 5th, 2026", "46086", "2026 / 3 / 5", "5-Mar-2026", "05-March-2026",
])
def test_dates_accepted(raw):
    assert parse_date(raw, as_of=AS_OF) == (D, None, {})


@pytest.mark.parametrize("raw,order,expected", [
    ("3/5", "mdy", dt.date(2026, 3, 5)), ("3/5", "dmy", dt.date(2026, 5, 3)),
    ("03/05/2026", "mdy", dt.date(2026, 3, 5)), ("03/05/2026", "dmy", dt.date(2026, 5, 3)),
    ("3-5-26", "mdy", dt.date(2026, 3, 5)), ("3.5.2026", "dmy", dt.date(2026, 5, 3)),
])
def test_ambiguous_day_month_uses_configured_order_with_warning(raw, order, expected):
    assert parse_date(raw, as_of=AS_OF, order=order) == (expected, "ambiguous-date", {"order": order})


@pytest.mark.parametrize("raw,expected", [
    ("13/3/2026", dt.date(2026, 3, 13)),   # only one order is possible: no warning
    ("3/13/2026", dt.date(2026, 3, 13)),
    ("5/5/2026", dt.date(2026, 5, 5)),     # both orders agree
    ("12/25", dt.date(2026, 12, 25)),
])
def test_unambiguous_day_month(raw, expected):
    assert parse_date(raw, as_of=AS_OF, order="mdy") == (expected, None, {})
    assert parse_date(raw, as_of=AS_OF, order="dmy") == (expected, None, {})


@pytest.mark.parametrize("raw", ["someday", "2026-02-30", "2026-13-01", "3月35日", "5", 5.0, 12.5,
                                 "20261399", "next week", True, "1/2/3/4", "3026-03-05",
                                 dt.date(3026, 3, 5), dt.datetime(1066, 10, 14), "1899/12/31"])
def test_bad_dates(raw):
    assert parse_date(raw, as_of=AS_OF) == (None, "bad-date", {})


def test_blank_and_error_dates():
    assert parse_date(None, as_of=AS_OF) == (None, None, {})
    assert parse_date("   ", as_of=AS_OF) == (None, None, {})
    assert parse_date(CellError("#N/A"), as_of=AS_OF) == (None, "error-value", {})


@pytest.mark.parametrize("raw,expected", [
    (1200000, 1200000.0), (1200000.0, 1200000.0), ("¥1,200,000", 1200000.0),
    ("1,200.50元", 1200.5), ("120万", 1200000.0), ("1.2亿", 120000000.0), ("12k", 12000.0),
    ("12K", 12000.0), ("1.5M", 1500000.0), ("１２０万", 1200000.0), ("RMB 5000", 5000.0),
    ("人民币 5,000 元", 5000.0), ("5000块", 5000.0), ("$1.2m", 1200000.0), ("120万元", 1200000.0),
    ("0.07万", 700.0), ("￥３００", 300.0), ("CNY 1 200 000", 1200000.0), ("12w", 120000.0),
    ("3千", 3000.0), ("1.5百万", 1500000.0), ("0", 0.0),
])
def test_amounts_accepted(raw, expected):
    assert parse_amount(raw) == (expected, None, {})


@pytest.mark.parametrize("raw", ["abc", "12.3.4", "万", "¥", "1,2x", True, "一百万", float("nan")])
def test_bad_amounts(raw):
    assert parse_amount(raw) == (None, "bad-amount", {})


def test_negative_amounts_are_kept_with_a_warning():
    assert parse_amount(-5.0) == (-5.0, "negative-amount", {})
    assert parse_amount("-3万") == (-30000.0, "negative-amount", {})
    assert parse_amount("(300)") == (-300.0, "negative-amount", {})
    assert parse_amount(CellError("#REF!")) == (None, "error-value", {})
    assert parse_amount("  ") == (None, None, {})


@pytest.mark.parametrize("raw,expected", [
    ("60%", 0.6), ("0.6", 0.6), ("60", 0.6), (60, 0.6), (0.6, 0.6), ("６０％", 0.6), ("100%", 1.0),
    (1, 1.0), (0, 0.0), ("0%", 0.0), (" 75 % ", 0.75),
])
def test_probabilities_accepted(raw, expected):
    value, code, _ = parse_probability(raw)
    assert code is None and value == pytest.approx(expected)


@pytest.mark.parametrize("raw", ["150%", "150", -0.1, "-5%", "high", True, 101])
def test_bad_probabilities(raw):
    assert parse_probability(raw) == (None, "bad-probability", {})


def test_numbers_and_text():
    assert parse_number("12") == (12.0, None, {})
    assert parse_number(3.0) == (3.0, None, {})
    assert parse_number("x") == (None, "bad-number", {})
    assert parse_text("  华为  ") == ("华为", None, {})
    assert parse_text("   ") == (None, None, {})
    assert parse_text(1001.0) == ("1001", None, {})
    assert parse_text(dt.datetime(2026, 3, 5)) == ("2026-03-05", None, {})
    assert parse_text(CellError("#VALUE!")) == (None, "error-value", {})


# -------------------------------------------------------------------- properties (hypothesis) --
dates = st.dates(min_value=dt.date(1951, 1, 1), max_value=dt.date(2199, 12, 31))
raw_cells = st.one_of(st.none(), st.text(max_size=12), st.floats(allow_nan=False), st.integers(-10**9, 10**9),
                      dates, st.sampled_from(["120万", "60%", "2026/3/5", "¥1,200", "3/5", "1.2亿"]))


@settings(max_examples=150, deadline=None)
@given(raw_cells)
def test_normalizing_twice_changes_nothing(raw):
    for parse in (lambda v: parse_date(v, as_of=AS_OF), parse_amount, parse_probability,
                  parse_number, parse_text):
        once, _, _ = parse(raw)
        if once is not None:
            twice, code, _ = parse(once)
            assert twice == once
            assert code in (None, "negative-amount")


DATE_FORMATS = ["{y}-{m:02d}-{d:02d}", "{y}/{m}/{d}", "{y}.{m}.{d}", "{y}年{m}月{d}日", "{y}{m:02d}{d:02d}",
                "{y}-{m:02d}-{d:02d} 10:30", "{y}/{m}/{d} 23:59:59"]


@settings(max_examples=100, deadline=None)
@given(dates, st.sampled_from(DATE_FORMATS))
def test_format_then_parse_date(d, fmt):
    text = fmt.format(y=d.year, m=d.month, d=d.day)
    assert parse_date(text, as_of=AS_OF) == (d, None, {})


@settings(max_examples=100, deadline=None)
@given(dates)
def test_excel_serial_round_trip(d):
    serial = float((d - dt.date(1899, 12, 30)).days)
    assert parse_date(serial, as_of=AS_OF) == (d, None, {})


@settings(max_examples=150, deadline=None)
@given(st.integers(0, 10**11), st.sampled_from(["plain", "comma", "yen", "yuan", "wan", "yi", "k"]))
def test_format_then_parse_amount(cents, style):
    value = cents / 100
    text = {
        "plain": f"{value:.2f}", "comma": f"{value:,.2f}", "yen": f"¥{value:,.2f}",
        "yuan": f"{value:,.2f}元", "wan": f"{value / 10**4:.6f}万", "yi": f"{value / 10**8:.10f}亿",
        "k": f"{value / 1000:.5f}k",
    }[style]
    parsed, code, _ = parse_amount(text)
    assert code is None
    assert parsed == pytest.approx(value, abs=0.005)
