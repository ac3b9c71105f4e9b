"""The structural checker (tests/support/package_check.py) catches what Excel repairs and a schema
validator does not see: each check is proved on a corrupted copy of a refreshed workbook."""
from __future__ import annotations

import datetime as dt
import re

import pytest

from tests.support import hostile as H
from tests.support.package_check import problems
from xltrack.build.api import init
from xltrack.refresh import refresh

AS_OF = dt.date(2026, 11, 27)


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    p = init(tmp_path_factory.mktemp("pc") / "book.xlsx", lang="en", demo=True, as_of=AS_OF)
    refresh(p, as_of=AS_OF, backup=False)
    return p


def _part(book, name):
    return dict(H.members_by_name(book))[name]


def _sub(data: bytes, old: bytes, new: bytes) -> bytes:
    assert old in data, old
    return data.replace(old, new, 1)


def test_a_refreshed_workbook_has_no_problem(book):
    assert problems(book) == []


CORRUPTIONS = {
    "style index": (lambda b: {H.sheet_part(b, "Projects"): re.sub(rb'(<c r="[A-Z]+\d+"[^>]*?\ss=")\d+"', rb'\g<1>9999"',
                                                                     _part(b, H.sheet_part(b, "Projects")), count=1)},
                    "style index 9999 beyond the"),
    "table column name": (lambda b: {"xl/tables/table1.xml": re.sub(rb'(<tableColumn [^>]*?name=")[^"]*"', rb'\1Renamed"',
                                                                    _part(b, "xl/tables/table1.xml"), count=1)},
                          "column 1 is named 'Renamed' but its header cell holds 'ID'"),
    "defined name on a missing sheet": (lambda b: {"xl/workbook.xml": _sub(_part(b, "xl/workbook.xml"), b"'Config'!", b"'Gone'!")},
                                        "refers to a missing sheet 'Gone'"),
    "invalid defined name": (lambda b: {"xl/workbook.xml": _sub(_part(b, "xl/workbook.xml"), b'name="xlt_owners"', b'name="1 bad"')},
                             "defined name not valid: '1 bad'"),
    "chart range on a missing sheet": (lambda b: {"xl/charts/chart1.xml": _sub(_part(b, "xl/charts/chart1.xml"), b"<c:f>'Dashboard'!", b"<c:f>'Dashbord'!")},
                                       "on a missing sheet 'Dashbord'"),
    "duplicate cell": (lambda b: {H.sheet_part(b, "Projects"): re.sub(rb'(<c r="A2"[^>]*?(?:/>|>.*?</c>))', rb"\1\1",
                                                                    _part(b, H.sheet_part(b, "Projects")), count=1, flags=re.S)},
                       "cell A2 out of order in row 2"),
    "rows out of order": (lambda b: {H.sheet_part(b, "Projects"): _sub(_part(b, H.sheet_part(b, "Projects")), b'<row r="3"', b'<row r="1"')},
                          "row 1 after row 2"),
    "part without a content type": (lambda b: {"[Content_Types].xml": re.sub(rb'<Override PartName="/xl/charts/chart1.xml"[^>]*/>', b"",
                                                                             _part(b, "[Content_Types].xml"))},
                                    "no content type: xl/charts/chart1.xml"),
    "dangling relationship": (lambda b: {"xl/charts/chart2.xml": None}, "dangling relationship in xl/drawings/_rels/"),
    "not well-formed": (lambda b: {"xl/styles.xml": _part(b, "xl/styles.xml")[:-20]}, "not well-formed: xl/styles.xml"),
}


@pytest.mark.parametrize("fault", sorted(CORRUPTIONS))
def test_each_check_catches_its_corrupted_copy(fault, book, tmp_path):
    change, expected = CORRUPTIONS[fault]
    bad = H.rewrite(book, tmp_path / "bad.xlsx", change(book))
    found = problems(bad)
    assert any(expected in p for p in found), found
