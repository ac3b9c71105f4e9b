"""``xltrack report --format html``: one self-contained page (inline CSS, no scripts, no fetches).

Every value coming from the workbook is escaped (``html.escape``), so a customer named
``<script>`` is shown as text. Excel and WPS can open an HTML page as a sheet and would read a cell
beginning with ``=``, ``+``, ``-`` or ``@`` as a formula: such a cell is marked as text for them
(``mso-number-format:"\\@"``). Light colours are the workbook's (layout.toml ``[colors]``).
"""
from __future__ import annotations

from html import escape
from typing import Any

from ..compute import data_dates
from ..compute.results import Results
from ..pipeline import layout
from .json_out import to_dict
from .labels import LIGHT_WORD, RISK_COLUMNS, money, number, pct, stage_names, t
from .safe_text import TRIGGERS

AS_TEXT = """ style='mso-number-format:"\\@"'"""


def _table(head: list[str], rows: list[list[Any]], num_cols: set[int] | None = None) -> str:
    num_cols = num_cols or set()
    th = "".join(f"<th>{escape(h)}</th>" for h in head)
    body = []
    for r in rows:
        tds = []
        for i, c in enumerate(r):
            if isinstance(c, tuple):  # (text, css class) for a light cell
                tds.append(f'<td class="{c[1]}">{escape(str(c[0]))}</td>')
            else:
                cls = ' class="n"' if i in num_cols else ""
                text = str(c)
                if i not in num_cols and text.startswith(TRIGGERS):
                    cls += AS_TEXT
                tds.append(f"<td{cls}>{escape(text)}</td>")
        body.append("<tr>" + "".join(tds) + "</tr>")
    return f"<table><thead><tr>{th}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _css() -> str:
    c = layout().colors
    return (
        "body{font-family:system-ui,'Noto Sans CJK SC','Microsoft YaHei',sans-serif;margin:24px;color:#222}"
        "h1{font-size:20px}h2{font-size:16px;margin-top:24px;border-bottom:1px solid #ddd}"
        "table{border-collapse:collapse;margin:8px 0}th,td{border:1px solid #ccc;padding:3px 8px}"
        f"th{{background:#{c['user_header']};color:#{c['user_header_font']};font-weight:600}}"
        "td.n{text-align:right;font-variant-numeric:tabular-nums}"
        ".tiles{display:flex;flex-wrap:wrap;gap:8px}.tile{border:1px solid #ccc;padding:8px 12px;min-width:120px}"
        ".tile b{display:block;font-size:18px}"
        f".red{{background:#{c['red']};color:#{c['red_font']}}}"
        f".yellow{{background:#{c['yellow']};color:#{c['yellow_font']}}}"
        f".green{{background:#{c['green']};color:#{c['green_font']}}}"
    )


def to_html(results: Results) -> str:
    d = to_dict(results)
    lang = d.get("lang", results.lang)
    tot, per, c, ch = d["totals"], d["period"], d["collections"], d["changes"]
    li = 0 if lang == "zh" else 1
    tiles = [("open_count", tot["open_count"]), ("open_amount", money(tot["open_amount"])),
             ("weighted_amount", money(tot["weighted_amount"])), ("won_amount", money(tot["won_amount"])),
             ("win_rate", pct(tot["win_rate"])), ("avg_cycle_days", number(tot["avg_cycle_days"])),
             ("lights", f"{tot['red']} / {tot['yellow']} / {tot['green']}"),
             ("overdue_amount", money(c["overdue_amount"]))]
    parts = [
        "<!DOCTYPE html>", f'<html lang="{"zh-CN" if lang == "zh" else "en"}"><head><meta charset="utf-8">',
        f"<title>{escape(t(lang, 'title'))} {escape(d['as_of'])}</title><style>{_css()}</style></head><body>",
        *([f'<p class="yellow">{escape(warn)}</p>'] if (warn := data_dates.message(d.get("data_dates"), d["as_of"], lang)) else []),
        f"<h1>{escape(t(lang, 'title'))} · {escape(t(lang, 'as_of'))} {escape(d['as_of'])} · {escape(d['currency'])}</h1>",
        f"<p>{escape(t(lang, 'period'))}: {escape(t(lang, per['name']))} {per['start']} ~ {per['end']}</p>",
        '<div class="tiles">' + "".join(f'<div class="tile">{escape(t(lang, k))}<b>{escape(str(v))}</b></div>'
                                        for k, v in tiles) + "</div>",
        f"<h2>{escape(t(lang, 'by_stage'))}</h2>",
        _table([t(lang, k) for k in ("stage", "count", "amount", "weighted_amount", "avg_days_in_stage",
                                     "avg_dwell_days", "conversion", "red", "yellow")],
               [[s["name"], s["count"], money(s["amount"]), money(s["weighted_amount"]),
                 number(s["avg_days_in_stage"]), number(s["avg_dwell_days"]), pct(s["conversion"]),
                 s["red"], s["yellow"]] for s in d["by_stage"]], set(range(1, 9))),
        f"<h2>{escape(t(lang, 'by_owner'))}</h2>",
        _table([t(lang, k) for k in ("owner", "open_count", "open_amount", "weighted_amount", "won_count",
                                     "lost_count", "win_rate", "follow_ups", "red", "points")],
               [[o["owner"] or t(lang, "no_owner"), o["open_count"], money(o["open_amount"]),
                 money(o["weighted_amount"]), o["won_count"], o["lost_count"], pct(o["win_rate"]),
                 o["follow_ups"], o["red"], number(o["points"])] for o in d["by_owner"]], set(range(1, 10))),
        f"<h2>{escape(t(lang, 'forecast'))}</h2>",
        _table([t(lang, "month_col"), t(lang, "count"), t(lang, "amount"), t(lang, "weighted_amount")],
               [[f["month"], f["count"], money(f["amount"]), money(f["weighted_amount"])] for f in d["forecast"]],
               {1, 2, 3}),
        f"<h2>{escape(t(lang, 'collections'))}</h2>",
        _table(["", t(lang, "planned"), t(lang, "collected"), t(lang, "rate")],
               [[t(lang, n), money(c[n]["planned"]), money(c[n]["collected"]), pct(c[n]["rate"])]
                for n in ("month", "quarter")], {1, 2, 3}),
        f"<p>{escape(t(lang, 'overdue_count'))}: {c['overdue_count']} · "
        f"{escape(t(lang, 'max_overdue_days'))}: {number(c['max_overdue_days'])}</p>",
        f"<h2>{escape(t(lang, 'changes'))}</h2>",
    ]
    if ch["baseline"] is None:
        parts.append(f"<p>{escape(t(lang, 'no_baseline'))}</p>")
    else:
        keys = ["new", "advanced", "moved_back", "won", "lost", "slipped", "amount_changed", "newly_red"]
        parts.append(f"<p>{escape(t(lang, 'baseline'))}: {ch['baseline']}</p>")
        parts.append(_table([t(lang, k) for k in keys], [[ch[k] for k in keys]], set(range(len(keys)))))
    iss = d["issues"]
    parts.append(f"<h2>{escape(t(lang, 'issues'))}</h2><p>{escape(t(lang, 'error'))} {iss['error']} · "
                 f"{escape(t(lang, 'warning'))} {iss['warning']}</p>")
    parts.append(f"<h2>{escape(t(lang, 'risks', n=len(d['risks']), total=d['risks_total']))}</h2>")
    names = stage_names(d)
    parts.append(_table([t(lang, k) for k in RISK_COLUMNS],
                        [[r["id"] or "", (LIGHT_WORD[r["light"]][li], r["light"]), r["customer"] or "",
                          r["owner"] or "", names.get(r["stage"], r["stage"] or ""), money(r["amount"]),
                          ("；" if lang == "zh" else "; ").join(r["reasons"])]
                         for r in d["risks"]], {5}))
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
