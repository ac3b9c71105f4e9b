"""KPIs checked against answers worked out by plain Python counting over the same rows."""
from __future__ import annotations

import datetime as dt
import json
import random
from collections import Counter, defaultdict

import pytest

from tests.support.tables_factory import make_tables
from xltrack.compute.api import compute
from xltrack.compute.kpis import period_bounds
from xltrack.issues import make_issue
from xltrack.pipeline import default_pipeline

AS_OF = dt.date(2026, 11, 18)
STAGES = ["lead", "discovery", "proposal", "negotiation", "won", "lost", "hold", None]
OWNERS = ["张三", "李四", "王五", None]
PROB = {s.key: s.probability for s in default_pipeline().stages}
KIND = {s.key: s.kind for s in default_pipeline().stages}


def day(rng: random.Random, lo: int, hi: int) -> str | None:
    return (AS_OF + dt.timedelta(days=rng.randint(lo, hi))).isoformat()


def random_rows(seed: int = 7, n: int = 150):
    rng = random.Random(seed)
    projects, acts, pays = [], [], []
    for i in range(n):
        stage = rng.choice(STAGES)
        row = dict(id=f"P-{i + 1:04d}", customer=f"C{i}", owner=rng.choice(OWNERS), stage=stage,
                   amount=rng.choice([None, 10_000.0, 55_500.5, 120_000.0, 1_000_000.0]),
                   probability=rng.choice([None, None, 0.3, 0.9]),
                   created=rng.choice([None, day(rng, -200, -1)]),
                   expected_close=rng.choice([None, day(rng, -40, 120)]),
                   next_step=rng.choice([None, "跟进"]), next_step_due=rng.choice([None, day(rng, -10, 10)]))
        if KIND.get(stage) in ("won", "lost"):
            row["closed"] = rng.choice([None, day(rng, -60, 0)])
        projects.append(row)
        for _ in range(rng.randint(0, 4)):
            acts.append(dict(project_id=row["id"], date=rng.choice([None, day(rng, -50, 0)]),
                             owner=rng.choice([None, "张三", "赵六"])))
        for _ in range(rng.randint(0, 2)):
            planned = rng.choice([None, 1000.0, 2500.0])
            paid = rng.random() < 0.4
            pays.append(dict(project_id=row["id"], planned_date=rng.choice([None, day(rng, -120, 60)]),
                             planned_amount=planned, actual_date=day(rng, -100, 0) if paid else None,
                             actual_amount=rng.choice([None, planned]) if paid else None))
    return projects, acts, pays


@pytest.fixture(scope="module")
def case():
    projects, acts, pays = random_rows()
    issues = [make_issue("bad-date", "zh", sheet="项目跟踪", cell="J2", field="created", value="x"),
              make_issue("bad-date", "zh", sheet="项目跟踪", cell="J3", field="created", value="y"),
              make_issue("unknown-owner", "zh", sheet="项目跟踪", cell="F4", field="owner", value="z")]
    res = compute(make_tables(projects, acts, pays, issues=issues), AS_OF)
    return projects, acts, pays, res


def d(s):
    return dt.date.fromisoformat(s) if s else None


def weighted(r):
    if r["amount"] is None or r["stage"] is None:
        return 0.0
    return r["amount"] * (r["probability"] if r["probability"] is not None else PROB[r["stage"]])


def test_totals(case):
    projects, _, _, res = case
    t = res.kpis["totals"]
    kinds = Counter(KIND.get(r["stage"]) for r in projects)
    assert t["projects"] == len(projects)
    assert t["open_count"] == kinds["open"] and t["won_count"] == kinds["won"]
    assert t["lost_count"] == kinds["lost"] and t["hold_count"] == kinds["hold"]
    assert t["unknown_stage_count"] == kinds[None]
    assert t["open_amount"] == pytest.approx(sum(r["amount"] or 0 for r in projects if KIND.get(r["stage"]) == "open"))
    assert t["weighted_amount"] == pytest.approx(sum(weighted(r) for r in projects if KIND.get(r["stage"]) == "open"), abs=0.01)
    assert t["win_rate"] == pytest.approx(kinds["won"] / (kinds["won"] + kinds["lost"]), abs=1e-4)
    cycles = [(d(r["closed"]) - d(r["created"])).days for r in projects
              if r["stage"] == "won" and r.get("closed") and r["created"] and d(r["closed"]) >= d(r["created"])]
    assert t["avg_cycle_days"] == pytest.approx(sum(cycles) / len(cycles), abs=0.01)
    lights = Counter(res.projects["light"])
    assert (t["red"], t["yellow"], t["green"]) == (lights["red"], lights["yellow"], lights["green"])
    live = [r for r in projects if KIND.get(r["stage"]) in ("open", None)]
    assert t["overdue_next_steps"] == sum(1 for r in live if r["next_step_due"] and d(r["next_step_due"]) < AS_OF)


def test_period(case):
    projects, acts, _, res = case
    per = res.kpis["period"]
    start = AS_OF.replace(day=1)
    inside = lambda s: s is not None and start <= d(s) <= AS_OF  # noqa: E731
    won = [r for r in projects if r["stage"] == "won" and inside(r.get("closed"))]
    lost = [r for r in projects if r["stage"] == "lost" and inside(r.get("closed"))]
    assert (per["start"], per["end"]) == (start.isoformat(), AS_OF.isoformat())
    assert per["won_count"] == len(won) and per["lost_count"] == len(lost)
    assert per["win_rate"] == (pytest.approx(len(won) / (len(won) + len(lost)), abs=1e-4) if won or lost else None)
    assert per["new"] == sum(1 for r in projects if inside(r["created"]))
    assert per["follow_ups"] == sum(1 for a in acts if inside(a["date"]))


def test_by_stage(case):
    projects, _, _, res = case
    rows = {s["stage"]: s for s in res.kpis["by_stage"]}
    assert list(rows) == [s.key for s in default_pipeline().stages]
    for key, s in rows.items():
        mine = [r for r in projects if r["stage"] == key]
        assert s["count"] == len(mine)
        assert s["amount"] == pytest.approx(sum(r["amount"] or 0 for r in mine))
        assert s["weighted_amount"] == pytest.approx(sum(weighted(r) for r in mine), abs=0.01)
        dis = res.projects.loc[res.projects["stage"] == key, "days_in_stage"].dropna().tolist()
        assert s["avg_days_in_stage"] == (pytest.approx(sum(dis) / len(dis), abs=0.01) if dis else None)


def test_by_owner(case):
    projects, acts, _, res = case
    rows = {o["owner"]: o for o in res.kpis["by_owner"]}
    owner_of = {r["id"]: r["owner"] for r in projects}
    start = AS_OF.replace(day=1)
    fu = Counter(a["owner"] or owner_of[a["project_id"]] for a in acts
                 if a["date"] and start <= d(a["date"]) <= AS_OF)
    for name in {r["owner"] for r in projects} | set(fu):
        o = rows[name]
        mine = [r for r in projects if r["owner"] == name]
        won = sum(1 for r in mine if r["stage"] == "won")
        lost = sum(1 for r in mine if r["stage"] == "lost")
        assert o["open_count"] == sum(1 for r in mine if KIND.get(r["stage"]) == "open")
        assert o["open_amount"] == pytest.approx(sum(r["amount"] or 0 for r in mine if KIND.get(r["stage"]) == "open"))
        assert (o["won_count"], o["lost_count"]) == (won, lost)
        assert o["win_rate"] == (pytest.approx(won / (won + lost), abs=1e-4) if won + lost else None)
        assert o["follow_ups"] == fu[name]
        assert o["red"] == int(((res.projects["owner"].isna() if name is None else res.projects["owner"] == name)
                                & (res.projects["light"] == "red")).sum())


def test_forecast(case):
    projects, _, _, res = case
    want = defaultdict(lambda: [0, 0.0, 0.0])
    for r in projects:
        if KIND.get(r["stage"]) == "open" and r["expected_close"]:
            m = want[r["expected_close"][:7]]
            m[0] += 1
            m[1] += r["amount"] or 0
            m[2] += weighted(r)
    got = res.kpis["forecast"]
    assert [f["month"] for f in got] == sorted(want)
    for f in got:
        assert f["count"] == want[f["month"]][0]
        assert f["amount"] == pytest.approx(want[f["month"]][1])
        assert f["weighted_amount"] == pytest.approx(want[f["month"]][2], abs=0.01)


def test_collections(case):
    _, _, pays, res = case
    c = res.kpis["collections"]
    for name in ("month", "quarter"):
        start, end = period_bounds(AS_OF, name)
        inside = lambda s: s is not None and start <= d(s) <= end  # noqa: E731
        planned = sum(p["planned_amount"] or 0 for p in pays if inside(p["planned_date"]))
        collected = 0.0
        for p in pays:
            if inside(p["actual_date"]):
                collected += p["actual_amount"] if p["actual_amount"] is not None else (p["planned_amount"] or 0)
        assert c[name]["planned"] == pytest.approx(planned) and c[name]["collected"] == pytest.approx(collected)
    overdue = [p for p in pays if p["actual_date"] is None and p["actual_amount"] is None
               and p["planned_date"] and d(p["planned_date"]) < AS_OF]
    assert c["overdue_count"] == len(overdue)
    assert c["overdue_amount"] == pytest.approx(sum(p["planned_amount"] or 0 for p in overdue))
    assert c["max_overdue_days"] == max((AS_OF - d(p["planned_date"])).days for p in overdue)


def test_issue_counts_and_json_ready(case):
    *_, res = case
    assert res.kpis["issues"] == {"error": 2, "warning": 1, "total": 3,
                                  "by_code": {"bad-date": 2, "unknown-owner": 1}}
    json.dumps(res.kpis, allow_nan=False)  # no NaN, no dates: the contract is plain JSON


def test_conversion_reached_points_and_cycle_by_hand():
    pipe = default_pipeline()
    rows = [
        dict(id="P-1", stage="lead", owner="张三", created="2026-10-01"),
        dict(id="P-2", stage="discovery", owner="张三", created="2026-10-01", intent_confirmed="2026-11-03"),
        dict(id="P-3", stage="proposal", owner="李四", created="2026-09-01", requirements_clarified="2026-11-10"),
        dict(id="P-4", stage="won", owner="李四", amount=100.0, created="2026-08-01", contract_signed="2026-11-11"),
        dict(id="P-5", stage="lost", owner="张三", created="2026-08-01", closed="2026-11-12",
             requirements_clarified="2026-09-15"),
        dict(id="P-6", stage="hold", owner="王五", created="2026-08-01"),
    ]
    res = compute(make_tables(rows, pipeline=pipe), AS_OF)
    st = {s["stage"]: s for s in res.kpis["by_stage"]}
    # reached: lead 6 (all with a stage), discovery: P-2,3,4,5 = 4, proposal: P-3,4,5 = 3,
    # negotiation: P-4 = 1, won: P-4 = 1
    assert [st[k]["reached"] for k in ("lead", "discovery", "proposal", "negotiation", "won")] == [6, 4, 3, 1, 1]
    assert st["lead"]["conversion"] == pytest.approx(4 / 6, abs=1e-4)
    assert st["discovery"]["conversion"] == 0.75 and st["proposal"]["conversion"] == pytest.approx(1 / 3, abs=1e-4)
    assert st["negotiation"]["conversion"] == 1.0 and st["won"]["conversion"] is None
    # advances in November: P-2 → discovery (1 pt, 张三), P-3 → proposal (2, 李四), P-4 → won (5, 李四)
    own = {o["owner"]: o for o in res.kpis["by_owner"]}
    assert (own["张三"]["points"], own["李四"]["points"], own["王五"]["points"]) == (1, 7, 0)
    assert res.kpis["period"]["points"] == 8 and res.kpis["period"]["advances"] == 3
    assert res.kpis["totals"]["avg_cycle_days"] == (dt.date(2026, 11, 11) - dt.date(2026, 8, 1)).days
    assert res.kpis["totals"]["win_rate"] == 0.5


@pytest.mark.parametrize("period, start, end", [
    ("week", "2026-11-16", "2026-11-22"), ("month", "2026-11-01", "2026-11-30"),
    ("quarter", "2026-10-01", "2026-12-31")])
def test_period_bounds(period, start, end):
    assert period_bounds(AS_OF, period) == (d(start), d(end))


def test_empty_workbook_gives_zeros_and_nulls():
    res = compute(make_tables([]), AS_OF)
    t = res.kpis["totals"]
    assert t["projects"] == 0 and t["win_rate"] is None and t["avg_cycle_days"] is None
    assert res.kpis["forecast"] == [] and res.kpis["collections"]["max_overdue_days"] is None
    json.dumps(res.kpis, allow_nan=False)
