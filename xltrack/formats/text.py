"""``xltrack report --format table``: readable terminal text in the workbook's language.

Column widths count East Asian wide characters as two cells so zh tables line up.
"""
from __future__ import annotations

import unicodedata
from typing import Any

from ..compute import data_dates
from ..compute.results import Results
from .json_out import to_dict
from .labels import LIGHT_WORD, RISK_COLUMNS, money, number, pct, stage_names, t


def _width(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


def _cut(s: str, w: int) -> str:
    if _width(s) <= w:
        return s
    out = ""
    for ch in s:
        if _width(out + ch) > w - 1:
            return out + "…"
        out += ch
    return out


def grid(head: list[str], rows: list[list[str]], right: set[int] | None = None, max_w: int = 48) -> str:
    right = right or set()
    cells = [[_cut(str(c), max_w) for c in r] for r in [head, *rows]]
    widths = [max(_width(r[i]) for r in cells) for i in range(len(head))]

    def line(r: list[str]) -> str:
        parts = []
        for i, c in enumerate(r):
            pad = " " * (widths[i] - _width(c))
            parts.append(pad + c if i in right else c + pad)
        return "  ".join(parts).rstrip()

    sep = "  ".join("-" * w for w in widths)
    return "\n".join([line(cells[0]), sep, *(line(r) for r in cells[1:])])


def kv(pairs: list[tuple[str, str]]) -> str:
    """Label/value lines, values right-aligned in one column."""
    lw = max((_width(k) for k, _ in pairs), default=0)
    vw = max((_width(v) for _, v in pairs), default=0)
    return "\n".join(k + " " * (lw - _width(k) + 2 + vw - _width(v)) + v for k, v in pairs)


def to_table(results: Results) -> str:
    d = to_dict(results)
    lang = d.get("lang", results.lang)
    tot, per = d["totals"], d["period"]
    out: list[str] = []
    warn = data_dates.message(d.get("data_dates"), d["as_of"], lang)
    if warn:
        out.append(warn)
    out.append(f"{t(lang, 'title')} · {t(lang, 'as_of')} {d['as_of']} · {d['currency']}")
    out.append(f"{t(lang, 'period')}: {t(lang, per['name'])} {per['start']} ~ {per['end']}")
    out.append("")
    out.append(f"## {t(lang, 'totals')}")
    pairs: list[tuple[str, Any]] = [
        ("projects", tot["projects"]), ("open_count", tot["open_count"]),
        ("open_amount", money(tot["open_amount"])), ("weighted_amount", money(tot["weighted_amount"])),
        ("won_count", tot["won_count"]), ("won_amount", money(tot["won_amount"])),
        ("lost_count", tot["lost_count"]), ("win_rate", pct(tot["win_rate"])),
        ("avg_cycle_days", number(tot["avg_cycle_days"])),
        ("lights", f"{tot['red']} / {tot['yellow']} / {tot['green']}"),
        ("overdue_next_steps", tot["overdue_next_steps"]),
    ]
    out.append(kv([(t(lang, k), str(v)) for k, v in pairs]))
    out.append("")
    out.append(f"## {t(lang, per['name'])}")
    pairs = [("new", per["new"]), ("won_count", per["won_count"]), ("won_amount", money(per["won_amount"])),
             ("lost_count", per["lost_count"]), ("win_rate", pct(per["win_rate"])),
             ("follow_ups", per["follow_ups"]), ("points", number(per["points"]))]
    out.append(kv([(t(lang, k), str(v)) for k, v in pairs]))
    out.append("")
    out.append(f"## {t(lang, 'by_stage')}")
    head = [t(lang, k) for k in ("stage", "count", "amount", "weighted_amount", "avg_days_in_stage",
                                 "avg_dwell_days", "conversion", "red", "yellow")]
    rows = [[s["name"], str(s["count"]), money(s["amount"]), money(s["weighted_amount"]),
             number(s["avg_days_in_stage"]), number(s["avg_dwell_days"]), pct(s["conversion"]),
             str(s["red"]), str(s["yellow"])] for s in d["by_stage"]]
    out.append(grid(head, rows, right=set(range(1, 9))))
    out.append("")
    out.append(f"## {t(lang, 'by_owner')}")
    head = [t(lang, k) for k in ("owner", "open_count", "open_amount", "weighted_amount", "won_count",
                                 "lost_count", "win_rate", "follow_ups", "red", "points")]
    rows = [[o["owner"] or t(lang, "no_owner"), str(o["open_count"]), money(o["open_amount"]),
             money(o["weighted_amount"]), str(o["won_count"]), str(o["lost_count"]), pct(o["win_rate"]),
             str(o["follow_ups"]), str(o["red"]), number(o["points"])] for o in d["by_owner"]]
    out.append(grid(head, rows, right=set(range(1, 10))))
    out.append("")
    out.append(f"## {t(lang, 'forecast')}")
    rows = [[f["month"], str(f["count"]), money(f["amount"]), money(f["weighted_amount"])] for f in d["forecast"]]
    out.append(grid([t(lang, "month_col"), t(lang, "count"), t(lang, "amount"), t(lang, "weighted_amount")],
                    rows, right={1, 2, 3}) if rows else t(lang, "none"))
    out.append("")
    c = d["collections"]
    out.append(f"## {t(lang, 'collections')}")
    rows = [[t(lang, name), money(c[name]["planned"]), money(c[name]["collected"]), pct(c[name]["rate"])]
            for name in ("month", "quarter")]
    out.append(grid(["", t(lang, "planned"), t(lang, "collected"), t(lang, "rate")], rows, right={1, 2, 3}))
    out.append(f"{t(lang, 'overdue_amount')}: {money(c['overdue_amount'])} · {t(lang, 'overdue_count')}: "
               f"{c['overdue_count']} · {t(lang, 'max_overdue_days')}: {number(c['max_overdue_days'])} · "
               f"{t(lang, 'outstanding')}: {money(c['outstanding'])}")
    out.append("")
    ch = d["changes"]
    out.append(f"## {t(lang, 'changes')}")
    if ch["baseline"] is None:
        out.append(t(lang, "no_baseline"))
    else:
        keys = ["new", "advanced", "moved_back", "won", "lost", "slipped", "amount_changed", "newly_red"]
        out.append(f"{t(lang, 'baseline')}: {ch['baseline']} · " +
                   " · ".join(f"{t(lang, k)} {ch[k]}" for k in keys))
    out.append("")
    iss = d["issues"]
    out.append(f"## {t(lang, 'issues')}: {t(lang, 'error')} {iss['error']} · {t(lang, 'warning')} {iss['warning']}")
    out.append("")
    out.append(f"## {t(lang, 'risks', n=len(d['risks']), total=d['risks_total'])}")
    li = 0 if lang == "zh" else 1
    names = stage_names(d)
    rows = [[r["id"] or "", LIGHT_WORD[r["light"]][li], r["customer"] or "", r["owner"] or "",
             names.get(r["stage"], r["stage"] or ""), money(r["amount"]),
             ("；" if lang == "zh" else "; ").join(r["reasons"])] for r in d["risks"]]
    out.append(grid([t(lang, k) for k in RISK_COLUMNS], rows, right={5}, max_w=400)
               if rows else t(lang, "none"))
    return "\n".join(out) + "\n"
