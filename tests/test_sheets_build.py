"""build_sheets: every owned sheet of layout.toml, in both languages, and the same input → equal output."""
from __future__ import annotations

import copy

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.support.sheets_case import make_case
from xltrack.pipeline import layout
from xltrack.sheets import build_sheets


def test_every_owned_sheet_in_both_languages():
    for lang in ("zh", "en"):
        sheets = build_sheets(*make_case(lang))
        owned = [s for s in layout().sheets if s.kind == "owned"]
        assert sorted(s.key for s in sheets) == sorted(s.key for s in owned)
        names = {s.key: s.name(lang) for s in owned}
        assert all(sw.name == names[sw.key] for sw in sheets)
        for sw in sheets:
            if sw.key != "history":
                note = sw.rows[1][0].value
                assert ("请勿手工编辑" in note) if lang == "zh" else ("do not edit" in note)
                assert "2026-11-27" in note


def test_same_input_gives_equal_sheets():
    a = build_sheets(*make_case())
    b = build_sheets(*make_case())
    assert a == b


def test_inputs_are_not_modified():
    tables, results = make_case()
    before = (tables.projects.copy(), results.projects.copy(), copy.deepcopy(results.kpis))
    build_sheets(tables, results)
    pd.testing.assert_frame_equal(tables.projects, before[0])
    pd.testing.assert_frame_equal(results.projects, before[1])
    assert results.kpis == before[2]


lights = st.sampled_from(["red", "yellow", "green"])
stages = st.sampled_from(["lead", "discovery", "proposal", "negotiation", "won", "lost"])


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(lights, stages, st.one_of(st.none(), st.floats(0, 1e9)),
                          st.sampled_from(["甲", "乙", "丙", None])), max_size=30))
def test_any_projects_give_well_formed_sheets(rows):
    projects = [(f"P-{i}", "c", "p", owner, stage, float("nan") if amt is None else amt, light,
                 ["r"] if light != "green" else [], 1.0, 1.0, None, pd.NaT)
                for i, (light, stage, amt, owner) in enumerate(rows)]
    t, r = make_case(projects=projects, payments=[], issues=[])
    sheets = build_sheets(t, r)
    assert sheets == build_sheets(t, r)
    risk = next(s for s in sheets if s.key == "risk_list")
    listed = [row for row in risk.rows[5:] if len(row) > 2]
    assert len(listed) == sum(1 for x in rows if x[0] != "green")
    dash = next(s for s in sheets if s.key == "dashboard")
    for chart in dash.charts:
        for s in chart.series:
            assert len(s.cat_cache) == len(s.val_cache) > 0


def test_frozen_rows_end_at_each_list_header():
    from xltrack.sheets.style import HEADER
    for sw in build_sheets(*make_case()):
        if sw.key in ("dashboard", "collections", "history"):
            continue
        assert sw.freeze is not None, sw.key
        assert sw.rows[sw.freeze[0] - 1][0].style == HEADER, sw.key
