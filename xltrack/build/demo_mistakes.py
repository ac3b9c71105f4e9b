"""The typing mistakes injected into the demo data, each recorded with the issue it should raise.

Messy but readable values (text dates in several formats, "12万", "¥1,200,000", stage synonyms,
stray spaces, an owner's English name) expect no error; the others expect a catalog code from
:mod:`xltrack.issues`. Mistakes are placed on distinct cells chosen by the seeded generator, so a
demo workbook shows every light and every validation message.
"""
from __future__ import annotations

import datetime as dt
import random
from typing import Any, Callable

from . import demo_names as N
from .demo_data import DemoData, Mistake, formula_error


class _Injector:
    def __init__(self, data: DemoData, rng: random.Random, as_of: dt.date):
        self.data, self.rng, self.as_of = data, rng, as_of
        self.used: set[tuple[str, int]] = set()   # (sheet, index): one mistake per row

    def rows(self, sheet: str) -> list[dict[str, Any]]:
        return getattr(self.data, sheet)

    def pick(self, sheet: str, ok: Callable[[dict[str, Any]], bool] = lambda r: True) -> int | None:
        cands = [i for i, r in enumerate(self.rows(sheet)) if r and (sheet, i) not in self.used and ok(r)]
        if not cands:
            return None
        i = self.rng.choice(cands)
        self.used.add((sheet, i))
        return i

    def put(self, sheet: str, ok: Callable[[dict[str, Any]], bool], fld: str,
            make: Callable[[dict[str, Any]], Any], code: str | None, what: str) -> int | None:
        i = self.pick(sheet, ok)
        if i is None:
            return None
        row = self.rows(sheet)[i]
        row[fld] = make(row)
        self.data.mistakes.append(Mistake(sheet, i + 2, fld, row[fld], code, what))
        return i


def _ymd(d: dt.date) -> str:
    return f"{d.year}/{d.month}/{d.day}"


def _stage_is(data: DemoData, key: str, lang: str) -> Callable[[dict[str, Any]], bool]:
    name = data.pipeline.stage(key).name(lang)
    return lambda r: r.get("stage") == name


# language-specific spellings: (zh, en)
SYNONYM = ("商务谈判", "negotiating")          # an alias of the negotiation stage
NEAR_MISS_STAGE = ("商务洽淡", "Negotiaton")   # one typo away from the negotiation stage
TYPE_ALIAS = ("电联", "phone")
TYPE_UNKNOWN = ("短信", "SMS")


def inject(data: DemoData, rng: random.Random, as_of: dt.date, lang: str = "zh") -> None:
    """Apply the mistakes in place and record them in ``data.mistakes``."""
    data.activities.insert(rng.randrange(len(data.activities) + 1), {})   # a wholly blank row
    m = _Injector(data, rng, as_of)
    P, A, Y = "projects", "activities", "payments"
    has = lambda f: (lambda r: isinstance(r.get(f), dt.date))   # noqa: E731
    open_names = {s.name(lang) for s in data.pipeline.open_stages}
    k = 0 if lang == "zh" else 1
    # -- projects: IDs first (they decide which activities/payments follow)
    for _ in range(2):
        i = m.put(P, lambda r: True, "id", lambda r: None, "id-assigned", "blank ID")
        if i is not None:
            old = f"P-{i + 1:04d}"
            data.activities[:] = [a for a in data.activities if a.get("project_id") != old]
            data.payments[:] = [p for p in data.payments if p.get("project_id") != old]
    first_half = {id(x) for x in data.projects[: len(data.projects) // 2]}
    src = m.pick(P, lambda r: r.get("id") is not None and id(r) in first_half)
    if src is not None:
        dup_id, later = data.projects[src]["id"], {id(x) for x in data.projects[src + 1:]}
        i = m.put(P, lambda r: r.get("id") is not None and id(r) in later, "id", lambda r: dup_id,
                  "duplicate-id", "duplicate ID (the later row)")
        if i is not None:
            old = f"P-{i + 1:04d}"
            for a in data.activities + data.payments:
                if a.get("project_id") == old:
                    a["project_id"] = dup_id
    m.put(P, has("created"), "created", lambda r: _ymd(r["created"]), None, "date as text 2026/3/5")
    m.put(P, has("next_step_due"), "next_step_due",
          lambda r: f"{r['next_step_due'].year}年{r['next_step_due'].month}月{r['next_step_due'].day}日",
          None, "date as text 2026年3月5日")
    m.put(P, lambda r: isinstance(r.get("expected_close"), dt.date) and r["expected_close"].year == as_of.year,
          "expected_close", lambda r: f"{r['expected_close'].month}月{r['expected_close'].day}日", None,
          "date without year 3月5日")
    m.put(P, lambda r: r.get("stage") in open_names and has("created")(r), "expected_close",
          lambda r: r["created"] - dt.timedelta(days=10), "date-order", "expected close before created")
    m.put(P, lambda r: isinstance(r.get("amount"), int) and r["amount"] >= 10_000, "amount",
          lambda r: f"{round(r['amount'] / 10_000)}万", None, "amount as 12万")
    m.put(P, lambda r: isinstance(r.get("amount"), int), "amount", lambda r: f"¥{r['amount']:,}", None,
          "amount as ¥1,200,000")
    m.put(P, lambda r: True, "amount", lambda r: "待定", "bad-amount", "amount is text")
    m.put(P, lambda r: True, "amount", lambda r: formula_error(), "error-value", "formula showing #N/A")
    m.put(P, lambda r: r.get("stage") in open_names, "probability", lambda r: "150%", "bad-probability",
          "probability over 100%")
    m.put(P, _stage_is(data, "negotiation", lang), "stage", lambda r: SYNONYM[k], None, "stage synonym 商务谈判")
    m.put(P, _stage_is(data, "proposal", lang), "stage", lambda r: f" {r['stage']} ", None, "stage with stray spaces")
    m.put(P, lambda r: r.get("stage") in open_names, "stage", lambda r: NEAR_MISS_STAGE[k], "unknown-stage",
          "near-miss stage typo 商务洽淡")
    m.put(P, lambda r: True, "owner", lambda r: f" {r['owner']} ", None, "owner with stray spaces")
    by_name = {o.name: o for o in data.pipeline.owners}
    m.put(P, lambda r: bool(by_name.get(r.get("owner", ""), None) and by_name[r["owner"]].aliases), "owner",
          lambda r: by_name[r["owner"]].aliases[0], None, "owner by English name")
    m.put(P, lambda r: str(r.get("owner", ""))[-1:] in N.NEAR_MISS, "owner",
          lambda r: r["owner"][:-1] + N.NEAR_MISS[r["owner"][-1]], "unknown-owner", "near-miss owner typo")
    m.put(P, lambda r: True, "customer", lambda r: None, "missing-required", "blank customer")
    # -- activities
    act = lambda r: isinstance(r.get("date"), dt.date)   # noqa: E731
    m.put(A, act, "date", lambda r: f"{r['date'].year}.{r['date'].month}.{r['date'].day}", None, "date 2026.3.5")
    m.put(A, lambda r: act(r) and r["date"].day <= 12 and r["date"].day != r["date"].month, "date",
          lambda r: f"{r['date'].month:02d}/{r['date'].day:02d}/{r['date'].year}", "ambiguous-date",
          "ambiguous date 03/05/2026")
    m.put(A, act, "date", lambda r: dt.datetime.combine(r["date"], dt.time(14, 30)), None, "date with a time")
    m.put(A, act, "date", lambda r: as_of + dt.timedelta(days=3), "future-date", "activity in the future")
    m.put(A, act, "date", lambda r: "下周三", "bad-date", "date as words")
    m.put(A, lambda r: True, "type", lambda r: TYPE_ALIAS[k], None, "activity type alias 电联")
    m.put(A, lambda r: True, "type", lambda r: TYPE_UNKNOWN[k], "unknown-activity-type", "unknown activity type")
    m.put(A, lambda r: True, "project_id", lambda r: "P-9999", "unknown-project", "activity for a missing project")
    m.put(A, lambda r: True, "summary", lambda r: "-客户说下周再联系", None, "text that looks like a formula")
    # -- payments
    m.put(Y, lambda r: isinstance(r.get("planned_date"), dt.date), "planned_date",
          lambda r: r["planned_date"].strftime("%Y%m%d"), None, "date as 20260305")
    m.put(Y, lambda r: isinstance(r.get("planned_amount"), float) and r["planned_amount"] >= 10_000,
          "planned_amount", lambda r: f"{r['planned_amount'] / 10_000:g}万", None, "amount as 30万")
    m.put(Y, lambda r: r.get("actual_amount") is not None, "actual_amount", lambda r: -5000.0,
          "negative-amount", "negative amount")
    # planted last, so the rows chosen for the mistakes above stay the same
    m.put(P, lambda r: r.get("stage") in open_names and isinstance(r.get("created"), dt.date), "created",
          lambda r: None, "missing-created", "open project without a created date")
