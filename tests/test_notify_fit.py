"""Each platform's size limit, met by leaving out whole red-project lines ("另有 N 个")."""
from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest

from xltrack.compute.results import Results
from xltrack.nightly.digest import build_digest
from xltrack.notify.fit import fit
from xltrack.notify.model import build_message
from xltrack.notify.platforms import platform
from xltrack.pipeline import default_pipeline
from xltrack.tables import Tables

AS_OF = dt.date(2026, 11, 27)


def many_red(n: int, lang: str = "zh") -> tuple[Tables, Results]:
    """``n`` red projects with long Chinese customer names and six reasons each."""
    pipe = default_pipeline()
    pipe.team = "华东大区销售一部"
    ids = [f"P-{i:04d}" for i in range(1, n + 1)]
    projects = pd.DataFrame({
        "id": ids, "customer": [f"江苏省苏州市工业园区第{i}号智能制造装备集团股份有限公司" for i in range(1, n + 1)],
        "project": [f"数字化工厂二期 MES 与 WMS 一体化建设项目（第 {i} 标段）" for i in range(1, n + 1)],
        "owner": ["张三"] * n, "stage": ["negotiation"] * n, "amount": [1_000_000.0 + i for i in range(n)],
        "_row": list(range(2, n + 2))})
    tables = Tables(lang=lang, pipeline=pipe, projects=projects, activities=pd.DataFrame(),
                    payments=pd.DataFrame(), issues=[], sheets={})
    reasons = ["本阶段已停留 75 天（红线 45 天）", "20 天未跟进（红线 10 天）", "下一步已逾期 9 天",
               "预计成交日期已过 30 天", "缺少必填：下一步计划", "回款逾期 12 天"]
    res = pd.DataFrame({"id": ids, "_row": projects["_row"], "stage": projects["stage"], "stage_kind": ["open"] * n,
                        "owner": projects["owner"], "amount": projects["amount"], "light": ["red"] * n,
                        "reasons": [reasons] * n, "weighted_amount": projects["amount"] * 0.6})
    return tables, Results(as_of=AS_OF, lang=lang, currency="CNY", projects=res, payments=pd.DataFrame(), kpis={})


def _measured(kind: str, body: dict) -> tuple[str, int]:
    """The text the limit bounds, and its size, measured here independently of the formatter."""
    if kind == "wecom":
        text = body["markdown"]["content"]
        return text, len(text.encode("utf-8"))
    if kind == "dingtalk":
        text = body["markdown"]["text"]
        return text, len(text.encode("utf-8"))
    if kind == "feishu":
        text = body["card"]["elements"][-1]["text"]["content"]
        signed = {"timestamp": "1764201600", "sign": "x" * 44, **body}
        return text, len(json.dumps(signed, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
    return body["text"], len(body["text"])


@pytest.mark.parametrize("kind,limit", [("wecom", 4096), ("dingtalk", 20000), ("feishu", 20000), ("slack", 4000)])
def test_a_team_with_many_red_projects_is_cut_by_whole_lines(kind, limit):
    tables, results = many_red(120)
    d = build_digest(tables, results)
    msg = build_message(d)
    bodies, shown = fit(msg, platform(kind))
    text, size = _measured(kind, bodies[0])
    assert size <= limit
    assert 0 < shown < 50                          # cut by size, before the 50-line cap
    assert f"另有 {120 - shown} 个红灯项目" in text
    # whole lines, in the digest's (risk list) order: the first ``shown`` projects are there with
    # their full name and reasons, the next one not at all
    for it in d.red[:shown]:
        assert f"{it.customer} · {it.project} ({it.id})" in text
    assert d.red[shown].id not in text
    assert text.count("下一步已逾期 9 天") == shown
    # one more project would not have fitted
    assert platform(kind).size(platform(kind).bodies(msg, shown + 1)[0]) > limit


def test_nothing_is_cut_when_it_fits_and_the_cap_is_the_e_mails():
    tables, results = many_red(3)
    bodies, shown = fit(build_message(build_digest(tables, results)), platform("wecom"))
    assert shown == 3 and "另有" not in bodies[0]["markdown"]["content"]
    tables, results = many_red(60)
    _, shown = fit(build_message(build_digest(tables, results)), platform("dingtalk"))
    assert shown <= 50


def test_english_workbook_says_and_n_more():
    tables, results = many_red(120, lang="en")
    bodies, shown = fit(build_message(build_digest(tables, results)), platform("wecom"))
    assert f"… and {120 - shown} more red projects: see the Risk list sheet." in bodies[0]["markdown"]["content"]
