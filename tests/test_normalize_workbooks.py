"""Whole workbooks: the messy demo workbook gives exactly its injected issues, and a copy re-saved
by LibreOffice (its own XML flavour: shared strings, its styles, its number formats) validates the
same as the original."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from xltrack.normalize.api import validate
from xltrack.pipeline import default_pipeline

from .support.libreoffice import convert

AS_OF = dt.date(2026, 11, 27)


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    build = __import__("xltrack.build.api", fromlist=["init"])
    path = tmp_path_factory.mktemp("demo") / "demo.xlsx"
    build.init(path, demo=True, rows=60, seed=7, as_of=AS_OF)
    return path


def _located(tables):
    return sorted((i.sheet, i.row, i.field, i.code) for i in tables.issues)


def test_demo_workbook_gives_exactly_the_injected_issues(demo):
    from xltrack.build.demo_data import generate

    data = generate(rows=60, seed=7, as_of=AS_OF, pipeline=default_pipeline())
    tables = validate(demo, as_of=AS_OF)
    names = {k: info.name for k, info in tables.sheets.items()}
    expected = sorted((names[m.sheet], m.row, m.field, m.code) for m in data.mistakes if m.code)
    assert _located(tables) == expected
    # messy but readable values were understood, in the cell they were typed in
    for m in data.mistakes:
        if m.code is None and m.sheet == "projects" and m.field in ("amount", "created"):
            row = tables.projects.loc[tables.projects["_row"] == m.row].iloc[0]
            assert pd.notna(row[m.field]), (m.what, m.value)
    assert len(tables.projects) == 60


@pytest.mark.libreoffice
def test_libreoffice_resave_validates_the_same(demo, tmp_path):
    resaved = convert(demo, "xlsx", tmp_path / "lo")
    assert resaved.read_bytes() != demo.read_bytes()
    a, b = validate(demo, as_of=AS_OF), validate(resaved, as_of=AS_OF)
    assert [i.to_dict() for i in b.issues] == [i.to_dict() for i in a.issues]
    for key in ("projects", "activities", "payments"):
        pd.testing.assert_frame_equal(getattr(b, key), getattr(a, key))
    assert b.sheet_names == a.sheet_names and b.lang == a.lang
