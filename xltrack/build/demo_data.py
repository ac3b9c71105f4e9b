"""Realistic demo data: a team's pipeline with the typing mistakes salespeople really make.

:func:`generate` is deterministic for a ``seed`` and an ``as_of`` date (the generator never reads
the clock). It builds a demo team (8–12 owners, added to the pipeline's owners), projects spread
over every stage, age and health (fresh, idle past the yellow or red threshold, stuck in a
stage), 5–15 follow-ups per project, payment plans for won and some negotiation projects (some
overdue), then injects a catalogue of mistakes. Each mistake is recorded in
:attr:`DemoData.mistakes` with its cell and the issue code a validator should report (``None``
when the value is messy but readable, e.g. "2026年3月5日"), so readers can test against it.
"""
from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass, field
from typing import Any

from ..i18n import pick
from ..pipeline.models import Owner, Pipeline
from . import demo_names as N
from .cells import Formula

SHEET_COLUMNS_FIRST_ROW = 2   # data starts on Excel row 2 (row 1 is the header)


@dataclass(frozen=True)
class Mistake:
    sheet: str         # layout sheet key: projects / activities / payments
    row: int           # Excel row
    field: str         # canonical field key
    value: Any         # what was written
    code: str | None   # issue code a validator should report; None = messy but readable
    what: str          # short description


@dataclass
class DemoData:
    pipeline: Pipeline
    projects: list[dict[str, Any]]
    activities: list[dict[str, Any]]
    payments: list[dict[str, Any]]
    mistakes: list[Mistake] = field(default_factory=list)

    def rows(self) -> dict[str, list[dict[str, Any]]]:
        return {"projects": self.projects, "activities": self.activities, "payments": self.payments}


STAGE_WEIGHTS = {"lead": 15, "discovery": 18, "proposal": 18, "negotiation": 17, "won": 17, "lost": 10, "hold": 5}
ENTRY_ORDER = [("discovery", "intent_confirmed"), ("proposal", "requirements_clarified"),
               ("proposal", "proposal_submitted"), ("negotiation", "negotiation_started"),
               ("won", "contract_signed")]


def _owners(rng: random.Random, lang: str) -> list[Owner]:
    n = rng.randint(8, 12)
    names: list[str] = []
    while len(names) < n:
        name = rng.choice(N.SURNAMES) + rng.choice(N.GIVEN)
        if name not in names:
            names.append(name)
    english = rng.sample(N.ENGLISH, n)
    out = []
    shared = {n[0] for n in names if sum(m[0] == n[0] for m in names) > 1}
    for i, name in enumerate(names):
        # "小周" only for a surname nobody else has: an alias names one owner (Config refuses two)
        aliases = [english[i]] + (["小" + name[0]] if i % 3 == 0 and name[0] not in shared else [])
        lead = i < len(N.TEAMS)   # the first owner of each team leads it
        out.append(Owner(name=name, aliases=aliases, team=N.TEAMS[i % len(N.TEAMS)],
                         email=f"{english[i].lower()}@example.com", role=(pick(lang, "组长", "Team lead") if lead else None),
                         mobile=f"1380013{8000 + i:04d}", user_id=english[i].lower()))
    return out


def _companies(rng: random.Random, n: int) -> list[str]:
    """``n`` distinct company names. Random picks first; once the pool of combinations runs short
    (large demos), a branch number keeps names distinct ("…有限公司（第3分公司）"), so any ``n``
    terminates."""
    pool = len(N.CITIES) * len(N.CORES) * len(N.INDUSTRIES) * len(N.SUFFIXES)
    seen: set[str] = set()
    out: list[str] = []
    tries = 0
    while len(out) < n and tries < 4 * min(n, pool):
        tries += 1
        name = rng.choice(N.CITIES) + rng.choice(N.CORES) + rng.choice(N.INDUSTRIES) + rng.choice(N.SUFFIXES)
        if name not in seen:
            seen.add(name)
            out.append(name)
    branch = 1
    while len(out) < n:
        branch += 1
        for base in list(out[: n - len(out)]):
            out.append(f"{base}（第{branch}分公司）")
    return out


def _amount(rng: random.Random) -> int:
    return int(round(math.exp(rng.uniform(math.log(50_000), math.log(6_000_000))) / 1000) * 1000)


def _between(rng: random.Random, a: dt.date, b: dt.date) -> dt.date:
    return a + dt.timedelta(days=rng.randint(0, max(0, (b - a).days)))


def _project(rng: random.Random, i: int, company: str, owner: Owner, pipeline: Pipeline,
             as_of: dt.date, lang: str) -> tuple[dict[str, Any], dt.date]:
    """One clean project row and the date of its last follow-up."""
    stage = pipeline.stage(rng.choices(list(STAGE_WEIGHTS), weights=list(STAGE_WEIGHTS.values()))[0])
    d = dt.timedelta
    open_ = stage.kind == "open"
    health = rng.choices(["fresh", "yellow", "red", "stuck"], weights=[62, 16, 11, 11])[0] if open_ else "fresh"
    in_stage = {"fresh": rng.randint(1, 12), "yellow": rng.randint(5, 20), "red": rng.randint(10, 30),
                "stuck": rng.randint(50, 90)}[health]
    entered = as_of - d(days=in_stage)
    created = entered - d(days=rng.randint(0, 10) if stage.key == "lead" else rng.randint(15, 120))
    if stage.kind in ("won", "lost", "hold"):
        entered = as_of - d(days=rng.randint(3, 120))
        created = entered - d(days=rng.randint(30, 150))
    y, r = stage.idle_yellow or 7, stage.idle_red or 14
    idle = {"fresh": rng.randint(0, max(0, y - 2)), "yellow": rng.randint(y, r - 1), "red": rng.randint(r, r + 25),
            "stuck": rng.randint(0, y)}[health]
    last = max(created, as_of - d(days=idle)) if open_ else max(created, entered - d(days=rng.randint(0, 5)))
    domain = rng.choice(N.DOMAINS)
    p: dict[str, Any] = {
        "id": f"P-{i:04d}", "customer": company,
        "contact": rng.choice(N.SURNAMES) + rng.choice(N.TITLES) + f"（{rng.choice(N.DEPTS)}）",
        "project": company[2:4] + domain + "项目", "requirement": rng.choice(N.NEEDS), "owner": owner.name,
        "stage": stage.name(lang), "amount": _amount(rng), "created": created,
    }
    # milestones of every stage passed, dated between created and the entry of the current stage
    passed = [m for s, m in ENTRY_ORDER if pipeline.stage(s).order <= stage.order and stage.kind in ("open", "won")]
    if stage.kind in ("lost", "hold"):
        passed = [m for _, m in ENTRY_ORDER[: rng.randint(0, 3)]]
    dates = sorted(_between(rng, created, entered) for _ in passed)
    if passed and stage.kind in ("open", "won"):
        dates[-1] = entered
    p.update(dict(zip(passed, dates)))
    if open_:
        p["expected_close"] = as_of + d(days=rng.randint(10, 150))
        if rng.random() < 0.12:
            p["expected_close"] = as_of - d(days=rng.randint(3, 40))
        if rng.random() < 0.92:
            p["next_step"] = rng.choice(N.NEXT_STEPS)
            overdue = rng.random() < 0.2
            p["next_step_due"] = as_of + d(days=-rng.randint(1, 12) if overdue else rng.randint(1, 14))
        if rng.random() < 0.25:
            p["risk_note"] = rng.choice(N.RISK_NOTES)
        if rng.random() < 0.1:
            p["probability"] = rng.choice([0.3, 0.6, 0.8, 0.9])
        if rng.random() < 0.2:
            p["last_follow_up"] = last
    elif stage.kind == "won":
        p["closed"] = entered
        if rng.random() < 0.5:
            p["delivery_accepted"] = min(as_of, entered + d(days=rng.randint(20, 60)))
    elif stage.kind == "lost":
        p["closed"] = entered
        p["lost_reason"] = rng.choice(N.LOST_REASONS)
    else:
        p["notes"] = rng.choice(N.HOLD_NOTES)
    return p, last


def _activities(rng: random.Random, p: dict[str, Any], last: dt.date, pipeline: Pipeline,
                owners: list[Owner], lang: str) -> list[dict[str, Any]]:
    n = rng.randint(5, 15)
    created: dt.date = p["created"]
    dates = sorted([_between(rng, created, last) for _ in range(n - 1)] + [last])
    types = pipeline.activity_types
    out = []
    for day in dates:
        out.append({"project_id": p["id"], "date": day, "type": rng.choice(types).name(lang),
                    "owner": p["owner"] if rng.random() < 0.9 else rng.choice(owners).name,
                    "summary": rng.choice(N.SUMMARIES),
                    "next_step": rng.choice(N.NEXT_STEPS) if rng.random() < 0.6 else None})
    return out


INSTALLMENTS = {"zh": ("首付款", "到货款", "尾款"), "en": ("Deposit", "On delivery", "Final")}


def _payments(rng: random.Random, p: dict[str, Any], as_of: dt.date, lang: str) -> list[dict[str, Any]]:
    d = dt.timedelta
    start = p.get("contract_signed") or p.get("expected_close") or as_of
    out = []
    for name, share, after in zip(INSTALLMENTS[lang], (0.3, 0.6, 0.1), (7, 60, 120)):
        planned = start + d(days=after)
        row: dict[str, Any] = {"project_id": p["id"], "installment": name, "planned_date": planned,
                               "planned_amount": round(p["amount"] * share, 2)}
        # most installments are paid, late ones less often: a few overdue, most collected
        if planned < as_of and rng.random() < (0.8 if (as_of - planned).days > 14 else 0.4):
            row["actual_date"] = min(as_of, planned + d(days=rng.randint(-3, 12)))
            row["actual_amount"] = row["planned_amount"]
        out.append(row)
    return out


def generate(*, rows: int = 60, seed: int = 7, as_of: dt.date, pipeline: Pipeline, lang: str = "zh") -> DemoData:
    """Demo data for ``rows`` projects, deterministic for (rows, seed, as_of, pipeline, lang).

    ``lang`` picks the stage, activity type and installment names (companies and people stay
    Chinese: it is a Chinese sales team's workbook either way).
    """
    rng = random.Random(f"{seed}:{rows}:{as_of.isoformat()}")
    owners = _owners(rng, lang)
    pipe = pipeline.model_copy(deep=True)
    pipe.owners = [*pipe.owners, *owners]
    weights = [rng.uniform(0.5, 2.0) for _ in owners]
    projects, activities, payments = [], [], []
    for i, company in enumerate(_companies(rng, rows), start=1):
        owner = rng.choices(owners, weights=weights)[0]
        p, last = _project(rng, i, company, owner, pipe, as_of, lang)
        projects.append(p)
        activities.extend(_activities(rng, p, last, pipe, owners, lang))
        kind = next(s.kind for s in pipe.stages if s.name(lang) == p["stage"])
        if kind == "won" or (p["stage"] == pipe.stage("negotiation").name(lang) and rng.random() < 0.5):
            payments.extend(_payments(rng, p, as_of, lang))
    activities.sort(key=lambda a: (a["date"], a["project_id"]))
    data = DemoData(pipe, projects, activities, payments)
    from .demo_mistakes import inject
    inject(data, rng, as_of, lang)
    return data


def formula_error() -> Formula:
    """A lookup formula that failed (#N/A), as people leave in workbooks."""
    return Formula("=NA()", "#N/A")
