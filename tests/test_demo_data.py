"""Demo data: deterministic, realistic spread, and every planted mistake where it says it is."""
from __future__ import annotations

import datetime as dt
import re
from collections import Counter

import pytest
from python_calamine import CalamineWorkbook

from xltrack.build.api import init
from xltrack.build.cells import Formula
from xltrack.build.demo_data import generate
from xltrack.issues import CATALOG
from xltrack.pipeline import default_pipeline, layout

AS_OF = dt.date(2026, 11, 27)


@pytest.fixture(scope="module")
def data():
    return generate(rows=60, seed=7, as_of=AS_OF, pipeline=default_pipeline())


def test_deterministic_for_seed_and_date():
    a = generate(rows=20, seed=1, as_of=AS_OF, pipeline=default_pipeline())
    b = generate(rows=20, seed=1, as_of=AS_OF, pipeline=default_pipeline())
    c = generate(rows=20, seed=2, as_of=AS_OF, pipeline=default_pipeline())
    assert (a.projects, a.activities, a.payments, a.mistakes) == (b.projects, b.activities, b.payments, b.mistakes)
    assert a.projects != c.projects


def test_team_and_names_look_real(data):
    owners = data.pipeline.owners
    assert 8 <= len(owners) <= 12 and len({o.name for o in owners}) == len(owners)
    assert all(re.fullmatch(r"[\u4e00-\u9fff]{2,3}", o.name) and o.email and o.team for o in owners)
    customers = [p["customer"] for p in data.projects if p.get("customer")]
    assert len(set(customers)) == len(customers) and all(c.endswith("公司") for c in customers)


def test_spread_of_stages_ages_and_amounts(data):
    stage_names = {s.zh for s in data.pipeline.stages}
    stages = Counter(p["stage"] for p in data.projects if p["stage"] in stage_names)
    assert set(stages) == stage_names                       # every stage shows up at 60 rows
    amounts = [p["amount"] for p in data.projects if isinstance(p["amount"], int)]
    assert min(amounts) < 200_000 and max(amounts) > 2_000_000
    ages = [(AS_OF - p["created"]).days for p in data.projects if isinstance(p["created"], dt.date)]
    assert min(ages) < 20 and max(ages) > 120
    overdue = [p for p in data.projects if isinstance(p.get("next_step_due"), dt.date) and p["next_step_due"] < AS_OF]
    assert overdue


def test_activities_per_project(data):
    per = Counter(a["project_id"] for a in data.activities if a)
    blank_ids = {f"P-{m.row - 1:04d}" for m in data.mistakes if m.code == "id-assigned"}
    moved = {m.value for m in data.mistakes if m.code == "duplicate-id"}
    for p in data.projects:
        if p["id"] and p["id"] not in moved:
            assert 4 <= per[p["id"]] <= 15, p["id"]            # 5–15, one may have gone to P-9999
    assert not blank_ids & set(per)                           # a project without an ID has no log yet
    assert sum(1 for a in data.activities if not a) == 1      # one wholly blank row


def test_payments_for_won_and_negotiation_some_overdue(data):
    stage_of: dict = {}
    for p in data.projects:   # the first row of an ID: a planted duplicate ID reuses it further down
        stage_of.setdefault(p["id"], p["stage"])
    won, neg = data.pipeline.stage("won").zh, data.pipeline.stage("negotiation").zh
    assert {stage_of[y["project_id"]].strip() for y in data.payments} <= {won, neg, "商务谈判"}
    overdue = [y for y in data.payments if isinstance(y["planned_date"], dt.date) and y["planned_date"] < AS_OF
               and y.get("actual_date") is None]
    collected = [y for y in data.payments if y.get("actual_date")]
    assert overdue and collected


def test_every_mistake_kind_is_planted(data):
    codes = {m.code for m in data.mistakes}
    assert codes - {None} <= set(CATALOG)
    assert codes - {None} == set(CATALOG) - {"bad-config", "bad-number", "projects-elsewhere", "merge-conflict",
                                             "merge-deleted", "merge-moved"}
    whats = " ".join(m.what for m in data.mistakes if m.code is None)
    for kind in ("2026/3/5", "2026年3月5日", "3月5日", "12万", "¥1,200,000", "商务谈判", "stray spaces"):
        assert kind in whats
    assert "商务洽淡" in [m.value for m in data.mistakes]


def test_mistakes_are_in_the_workbook_where_recorded(tmp_path):
    d = generate(rows=40, seed=11, as_of=AS_OF, pipeline=default_pipeline())
    path = init(tmp_path / "d.xlsx", demo=True, rows=40, seed=11, as_of=AS_OF)
    wb = CalamineWorkbook.from_path(str(path))
    for m in d.mistakes:
        sheet = layout().sheet(m.sheet)
        grid = wb.get_sheet_by_name(sheet.name("zh")).to_python(skip_empty_area=False)
        col = [c.key for c in sheet.columns].index(m.field)
        got = grid[m.row - 1][col]
        if m.value is None:
            assert got in ("", None), m
        elif isinstance(m.value, Formula):   # calamine shows error cells as ""; openpyxl has the cached value
            import openpyxl
            ws = openpyxl.load_workbook(path, data_only=True)[sheet.name("zh")]
            assert ws.cell(m.row, col + 1).value == "#N/A", m
        elif isinstance(m.value, (dt.date, dt.datetime)):
            assert got == m.value or (isinstance(got, dt.datetime) and got.date() == m.value), m
        else:
            assert got == m.value, m


def test_small_and_large_row_counts():
    small = generate(rows=3, seed=7, as_of=AS_OF, pipeline=default_pipeline())
    assert len(small.projects) == 3
    big = generate(rows=800, seed=7, as_of=AS_OF, pipeline=default_pipeline())
    assert len(big.projects) == 800 and len({p["customer"] for p in big.projects if p.get("customer")}) >= 797


def test_english_demo_uses_english_lists():
    d = generate(rows=40, seed=7, as_of=AS_OF, pipeline=default_pipeline(), lang="en")
    en_stages = {s.en for s in d.pipeline.stages}
    typed = Counter(p["stage"] for p in d.projects)
    assert sum(n for s, n in typed.items() if s in en_stages) >= 36
    assert {"negotiating", "Negotiaton"} <= set(typed)
    assert {a["type"] for a in d.activities if a} <= {t.en for t in d.pipeline.activity_types} | {"phone", "SMS"}
    assert {y["installment"] for y in d.payments} <= {"Deposit", "On delivery", "Final"}


def test_validator_reports_exactly_the_planted_mistakes(tmp_path):
    """End to end with the real reader (issue 3): every planted mistake, at its cell, and nothing else."""
    from xltrack.normalize.api import validate
    from xltrack.pipeline.config_sheet import col_letter
    for lang in ("zh", "en"):
        d = generate(rows=60, seed=7, as_of=AS_OF, pipeline=default_pipeline(), lang=lang)
        path = init(tmp_path / f"{lang}.xlsx", demo=True, rows=60, seed=7, as_of=AS_OF, lang=lang)
        found = {(i.sheet, i.cell, i.code) for i in validate(path, as_of=AS_OF).issues}
        planted = set()
        for m in d.mistakes:
            sheet = layout().sheet(m.sheet)
            cell = col_letter([c.key for c in sheet.columns].index(m.field) + 1) + str(m.row)
            if m.code:
                planted.add((sheet.name(lang), cell, m.code))
        assert found == planted, lang


def test_company_names_stay_distinct_beyond_the_pool_of_combinations():
    """A 50,000-project demo (benchmarks) once looped forever looking for unused names."""
    import random

    from xltrack.build import demo_names as N
    from xltrack.build.demo_data import _companies

    pool = len(N.CITIES) * len(N.CORES) * len(N.INDUSTRIES) * len(N.SUFFIXES)
    n = pool + 500
    names = _companies(random.Random(3), n)
    assert len(names) == n == len(set(names))
