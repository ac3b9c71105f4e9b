"""The one per-owner scoping rule (xltrack.team.scope): partitions, leads, issues and History."""
from __future__ import annotations

from hypothesis import given, settings, strategies as st

from xltrack.issues import Issue
from xltrack.pipeline import default_pipeline
from xltrack.pipeline.models import Owner
from xltrack.team import scope as S

from .support.tables_factory import make_tables

OWNERS = [Owner(name="张伟", team="华东", aliases=["Zhang"]), Owner(name="李娜", team="华东"),
          Owner(name="王芳", team="华南"), Owner(name="赵强")]          # 赵强: no team


def _pipeline(owners=OWNERS):
    return default_pipeline().model_copy(update={"owners": list(owners)})


def _tables(projects, activities=(), payments=(), **kw):
    return make_tables(list(projects), list(activities), list(payments), pipeline=_pipeline(), **kw)


def _union_and_overlap(masks):
    total = None
    for m in masks:
        total = m.astype(int) if total is None else total + m.astype(int)
    return total


owner_names = st.sampled_from(["张伟", "李娜", "王芳", "赵强", "朱铭", None])   # 朱铭: not on Config


@settings(max_examples=60, deadline=None)
@given(owners=st.lists(owner_names, min_size=0, max_size=25),
       acts=st.lists(st.tuples(st.integers(0, 30), owner_names), max_size=30),
       pays=st.lists(st.integers(0, 30), max_size=20),
       by=st.sampled_from(["owner", "team"]))
def test_scopes_partition_every_row(owners, acts, pays, by):
    projects = [{"id": f"P-{i % 20:04d}", "owner": o, "customer": f"客户{i}"} for i, o in enumerate(owners)]
    activities = [{"project_id": f"P-{p:04d}", "owner": o} for p, o in acts]
    payments = [{"project_id": f"P-{p:04d}"} for p in pays]
    t = _tables(projects, activities, payments)
    sels = [S.select(t, sc) for sc in S.all_scopes(t, by)]
    assert len({s.scope for s in sels}) == len(sels)
    for frame in ("projects", "activities", "payments"):
        n = len(getattr(t, frame))
        counts = _union_and_overlap([getattr(s, frame) for s in sels])
        if n:
            assert counts.tolist() == [1] * n, frame      # each row in exactly one scope
    # nothing of another owner: a scope's projects have its key, its activities and payments
    # belong to its projects (or, orphans, to its own key)
    keys = S.project_keys(t, by)
    first = {}
    for pid, k in zip(t.projects["id"], keys):
        first.setdefault(pid, k)
    for s in sels:
        assert set(keys[s.projects]) <= {s.scope.key}
        for pid in t.activities.loc[s.activities, "project_id"]:
            assert pid not in first or first[pid] == s.scope.key
        for pid in t.payments.loc[s.payments, "project_id"]:
            assert first.get(pid, S.UNASSIGNED) == s.scope.key


def test_unknown_and_blank_owner_are_unassigned_and_activities_follow_the_project():
    t = _tables([{"id": "P-0001", "owner": "张伟"}, {"id": "P-0002", "owner": "朱铭"},
                 {"id": "P-0003", "owner": None}, {"id": "P-0004", "owner": "王芳"}],
                [{"project_id": "P-0001", "owner": "王芳"},      # colleague's visit: 张伟's
                 {"project_id": "P-9999", "owner": "王芳"}],     # orphan: its own owner
                [{"project_id": "P-0004"}, {"project_id": "P-9999"}])
    scopes = S.all_scopes(t, "owner")
    assert [s.key for s in scopes] == ["张伟", "李娜", "王芳", "赵强", S.UNASSIGNED]
    zhang = S.select(t, S.Scope("owner", "张伟"))
    assert zhang.ids == {"P-0001"} and zhang.activities.tolist() == [True, False]
    wang = S.select(t, S.Scope("owner", "王芳"))
    assert wang.activities.tolist() == [False, True] and wang.payments.tolist() == [True, False]
    none = S.select(t, S.Scope("owner", S.UNASSIGNED))
    assert none.ids == {"P-0002", "P-0003"} and none.payments.tolist() == [False, True]
    assert S.Scope("owner", S.UNASSIGNED).label("zh") == "未分配负责人"


def test_team_scopes_and_names():
    t = _tables([{"id": "P-0001", "owner": "张伟"}, {"id": "P-0002", "owner": "李娜"},
                 {"id": "P-0003", "owner": "王芳"}, {"id": "P-0004", "owner": "赵强"}])
    assert [s.key for s in S.all_scopes(t, "team")] == ["华东", "华南", S.UNASSIGNED]
    assert S.select(t, S.Scope("team", "华东")).ids == {"P-0001", "P-0002"}
    assert S.select(t, S.Scope("team", S.UNASSIGNED)).ids == {"P-0004"}   # owner without a team
    p = _pipeline()
    assert S.scope_for(p, "zhang", "owner") == S.Scope("owner", "张伟")      # alias, any case
    assert S.scope_for(p, "华南", "team") == S.Scope("team", "华南")
    assert S.scope_for(p, "李娜", "team") == S.Scope("team", "华东")          # an owner's team
    for name, by in (("朱铭", "owner"), ("西北", "team"), ("赵强", "team")):
        try:
            S.scope_for(p, name, by)
        except S.ScopeError as e:
            assert str(e) == name
        else:
            raise AssertionError(name)


class _LeadOwner(Owner):
    role: str | None = None


def test_team_lead_reads_the_team_everyone_else_their_own_rows():
    owners = [_LeadOwner(name="张伟", team="华东", role="组长"), _LeadOwner(name="李娜", team="华东"),
              _LeadOwner(name="王芳", team="华南", role="Lead")]
    p = _pipeline(owners)
    assert S.reader_scope(p, "张伟") == S.Scope("team", "华东")
    assert S.reader_scope(p, "李娜") == S.Scope("owner", "李娜")
    assert S.reader_scope(p, "王芳") == S.Scope("team", "华南")


def test_issues_history_and_results_follow_the_rows():
    history = [["记录", "日期", "项目编号"], ["元数据", None, "id_high_water"],
               ["刷新", "2026-11-20", None], ["已删除", "2026-11-20", "P-0009"], ["状态", "2026-11-20", "P-0001"], ["状态", "2026-11-20", "P-0002"]]
    issues = [Issue("bad-amount", "项目跟踪", "H2", "amount", "x", "m", row=2),
              Issue("bad-amount", "项目跟踪", "H3", "amount", "y", "m", row=3),
              Issue("bad-date", "沟通记录", "B2", "date", "z", "m", row=2),
              Issue("bad-config", "设置", "G12", None, "v", "m", row=12)]
    t = _tables([{"id": "P-0001", "owner": "张伟"}, {"id": "P-0002", "owner": "王芳"}],
                [{"project_id": "P-0002", "owner": "王芳"}], history_rows=history, issues=issues)
    sel = S.select(t, S.Scope("owner", "张伟"))
    scoped = S.filter_tables(t, sel)
    assert scoped.projects["id"].tolist() == ["P-0001"] and scoped.activities.empty
    assert [i.cell for i in scoped.issues] == ["H2", "G12"]
    assert [r[2] for r in scoped.history_rows] == ["项目编号", "id_high_water", None, "P-0001"]
    import pandas as pd
    changes = pd.DataFrame({"id": ["P-0001", "P-0002"], "change": ["new", "won"]})
    assert S.filter_by_id(changes, sel.ids)["change"].tolist() == ["new"]


def test_the_demo_workbook_partitions(tmp_path):
    import datetime as dt

    import xltrack

    book = xltrack.init(tmp_path / "demo.xlsx", demo=True, as_of=dt.date(2026, 11, 27))
    t = xltrack.read_workbook(book, as_of=dt.date(2026, 11, 27))
    for by in ("owner", "team"):
        sels = [S.select(t, sc) for sc in S.all_scopes(t, by)]
        for frame in ("projects", "activities", "payments"):
            assert _union_and_overlap([getattr(s, frame) for s in sels]).tolist() == [1] * len(getattr(t, frame))
    unassigned = S.select(t, S.Scope("owner", S.UNASSIGNED))
    assert set(t.projects.loc[unassigned.projects, "owner"].dropna()) == {"朱铭"}   # the demo's typo
