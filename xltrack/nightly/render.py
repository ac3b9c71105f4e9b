"""The digest as an email body: HTML that reads well in mail clients and on a phone, and plain text.

Why this HTML: mail clients (Outlook's Word engine above all, Gmail, the iOS and Android apps)
ignore ``<style>`` blocks, flexbox and media queries to various degrees, so the layout is nested
``role="presentation"`` tables with inline CSS only, one column at most 640 px wide (it shrinks
to the phone's width), system fonts with CJK fallbacks, and the light colours of
``layout.toml``. Every value that comes from the workbook is HTML-escaped.
"""
from __future__ import annotations

import datetime as dt
from html import escape
from typing import TYPE_CHECKING

from ..i18n import pick
from ..pipeline import layout
from .digest import MAX_RED, Digest

if TYPE_CHECKING:
    from .chart import InlineImage

SYMBOLS = {"CNY": "¥", "RMB": "¥", "JPY": "¥", "USD": "$", "EUR": "€", "GBP": "£", "HKD": "HK$"}
# two tiles a row: "¥45,786,000" in 18 px bold needs ~110 px, and a phone gives ~150 px per half
TILES_PER_ROW = 2
FONT = ('-apple-system,BlinkMacSystemFont,"Segoe UI","PingFang SC","Hiragino Sans GB",'
        '"Microsoft YaHei","Noto Sans CJK SC",Arial,sans-serif')


def money(amount: float | None, currency: str) -> str:
    """``¥1,234,567`` (whole units: a digest is read for the order of magnitude)."""
    if amount is None:
        return "—"
    sym = SYMBOLS.get((currency or "").upper())
    body = f"{amount:,.0f}"
    return f"{sym}{body}" if sym else f"{body} {currency}".strip()


def title(d: Digest) -> str:
    if d.owner:
        return pick(d.lang, "{owner}的销售日报", "Pipeline digest for {owner}", owner=d.owner)
    return pick(d.lang, "销售日报", "Pipeline digest")


def subject(d: Digest) -> str:
    """Team, date and the headline numbers, e.g. ``【销售一部】销售日报 2026-11-27：进行中 12 个 ¥3,400,000，红灯 3 个``."""
    nums = pick(d.lang, "进行中 {n} 个 {amt}，红灯 {red} 个", "{n} open {amt}, {red} red",
                n=d.open_count, amt=money(d.open_amount, d.currency), red=d.red_count)
    team = (pick(d.lang, "【{t}】", "[{t}] ", t=d.team) if d.team else "")
    return f"{team}{title(d)} {d.as_of.isoformat()}{pick(d.lang, '：', ': ')}{nums}"


def tiles(d: Digest) -> list[tuple[str, str, str]]:
    """(label, value, tone) where tone is red/yellow/neutral."""
    L = d.lang
    return [
        (pick(L, "进行中项目", "Open projects"), f"{d.open_count}", "neutral"),
        (pick(L, "进行中金额", "Open amount"), money(d.open_amount, d.currency), "neutral"),
        (pick(L, "加权金额", "Weighted"), money(d.weighted_amount, d.currency), "neutral"),
        (pick(L, "红灯", "Red"), f"{d.red_count}", "red" if d.red_count else "neutral"),
        (pick(L, "黄灯", "Yellow"), f"{d.yellow_count}", "yellow" if d.yellow_count else "neutral"),
        (pick(L, "逾期回款", "Overdue collections"), money(d.overdue_amount, d.currency),
         "red" if d.overdue_amount else "neutral"),
    ]


CHANGE_LABELS = {
    "new": ("新增", "new"), "advanced": ("推进", "advanced"), "moved_back": ("回退", "moved back"),
    "won": ("赢单", "won"), "lost": ("输单", "lost"), "slipped": ("成交日期推迟", "close date slipped"),
    "amount_changed": ("金额变化", "amount changed"), "newly_red": ("新变红", "newly red"),
}


def change_summary(d: Digest) -> str:
    """``赢单 1 · 推进 2``: the week's changes counted by kind, in a stable order."""
    order = list(CHANGE_LABELS) + sorted(k for k in d.change_counts if k not in CHANGE_LABELS)
    parts = []
    for code in order:
        n = d.change_counts.get(code)
        if n:
            zh, en = CHANGE_LABELS.get(code, (code, code))
            parts.append(f"{pick(d.lang, zh, en)} {n}")
    return " · ".join(parts)


LIGHTS = {"red": ("红灯", "red"), "yellow": ("黄灯", "yellow"), "green": ("绿灯", "green")}


def change_text(d: Digest, c) -> str:
    """``阶段推进：方案制定 → 商务洽谈``, ``金额变化：¥300,000 → ¥350,000``, ``新增：线索获取``."""
    def fmt(v):
        if isinstance(v, float):
            return money(v, d.currency)
        if isinstance(v, str) and v in LIGHTS:
            return pick(d.lang, *LIGHTS[v])
        return "" if v is None else str(v)

    a, b = fmt(c.from_value), fmt(c.to_value)
    sep = pick(d.lang, "：", ": ")
    if a and b:
        return f"{c.text}{sep}{a} → {b}"
    return f"{c.text}{sep}{b}" if b else c.text


def project_name(customer: str, project: str, pid: str) -> str:
    head = " · ".join(p for p in (customer, project) if p) or pid
    return f"{head} ({pid})" if pid and head != pid else head


def _date(v: dt.date | None) -> str:
    return v.isoformat() if v else "—"


def _sections(d: Digest) -> dict[str, str]:
    L = d.lang
    return {
        "red": pick(L, "红灯项目（{n}）", "Red projects ({n})", n=d.red_count),
        "no_red": pick(L, "没有红灯项目。", "No red projects."),
        "more_red": pick(L, "……另有 {n} 个，见“风险清单”表。", "… and {n} more: see the Risk list sheet."),
        "changes": pick(L, "本周变化", "Changes this week"),
        "no_changes": pick(L, "与上周相比没有变化。", "No changes since last week."),
        "collections": pick(L, "本周到期及逾期回款（{amt}）", "Collections due this week and overdue ({amt})",
                            amt=money(d.collections_due, d.currency)),
        "no_collections": pick(L, "本周没有到期回款。", "Nothing due this week."),
        "issues": pick(L, "数据问题", "Data issues"),
        "issues_text": pick(L, "{e} 个错误，{w} 个警告（详见“数据问题”表）。",
                            "{e} errors, {w} warnings (see the Issues sheet).",
                            e=d.issue_errors, w=d.issue_warnings),
        "owner": pick(L, "负责人", "Owner"),
        "overdue": pick(L, "逾期 {n} 天", "{n} days overdue"),
        "footer": ("" if L == "zh" else " ").join(x for x in (
            pick(L, "由 xltrack 于每日刷新后生成。", "Generated by xltrack after the nightly refresh."),
            pick(L, "附件 {a} 为刷新后的工作簿。", "The refreshed workbook is attached ({a}).", a=d.attachment)
            if d.attachment else "", d.attachment_note) if x),
    }


def red_meta(d: Digest, it) -> str:
    s = _sections(d)
    return " · ".join(p for p in (f"{s['owner']} {it.owner}" if it.owner else "", it.stage,
                                  money(it.amount, d.currency) if it.amount is not None else "") if p)


def _collection_meta(d: Digest, c) -> str:
    s = _sections(d)
    status = c.status_text or (s["overdue"].format(n=c.overdue_days) if c.overdue_days else "")
    return " · ".join(p for p in (c.installment, _date(c.planned_date),
                                  money(c.outstanding, d.currency), status, c.owner) if p)


# ---------------------------------------------------------------------------------- plain text
def render_text(d: Digest, *, shown_red: int | None = None) -> str:
    s = _sections(d)
    shown = d.red[: MAX_RED if shown_red is None else shown_red]
    lines = [f"{(d.team + ' · ') if d.team else ''}{title(d)}", d.as_of.isoformat(), ""]
    lines += [f"{label}: {value}" for label, value, _ in tiles(d)]
    lines += ["", f"== {s['red']} =="]
    if not d.red:
        lines.append(s["no_red"])
    for n, it in enumerate(shown, 1):
        lines.append(f"{n}. {project_name(it.customer, it.project, it.id)}")
        lines.append(f"   {red_meta(d, it)}")
        lines += [f"   - {r}" for r in it.reasons]
    if len(d.red) > len(shown):
        lines.append(s["more_red"].format(n=len(d.red) - len(shown)))
    lines += ["", f"== {s['changes']} =="]
    if d.change_counts:
        lines += [change_summary(d)]
    lines += [f"- {project_name(c.customer, c.project, c.id)}: {change_text(d, c)}" for c in d.changes] or [s["no_changes"]]
    lines += ["", f"== {s['collections']} =="]
    lines += [f"- {project_name(c.customer, c.project, c.project_id)}: {_collection_meta(d, c)}"
              for c in d.collections] or [s["no_collections"]]
    lines += ["", f"== {s['issues']} ==", s["issues_text"], "", "-- ", s["footer"], ""]
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------- HTML
def _colors() -> dict[str, str]:
    c = layout().colors
    return {k: "#" + v.lstrip("#") for k, v in c.items()}


def _tile_html(label: str, value: str, tone: str, C: dict[str, str]) -> str:
    bg = {"red": C.get("red", "#FFC7CE"), "yellow": C.get("yellow", "#FFEB9C")}.get(tone, "#F2F4F7")
    fg = {"red": C.get("red_font", "#9C0006"), "yellow": C.get("yellow_font", "#9C5700")}.get(tone, "#1F2937")
    return (f'<td width="50%" valign="top" style="padding:4px;">'
            f'<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0">'
            f'<tr><td style="background:{bg};border-radius:6px;padding:10px 8px;">'
            f'<div style="font-size:12px;color:#4B5563;">{escape(label)}</div>'
            f'<div style="font-size:18px;font-weight:bold;color:{fg};">{escape(value)}</div>'
            f'</td></tr></table></td>')


def _section_head(text: str, C: dict[str, str]) -> str:
    return (f'<tr><td style="padding:18px 16px 6px 16px;font-size:16px;font-weight:bold;'
            f'color:{C.get("user_header", "#1F4E78")};border-bottom:2px solid '
            f'{C.get("user_header", "#1F4E78")};">{escape(text)}</td></tr>')


def _item(main: str, meta: str, extra_lines: list[str], color: str) -> str:
    extra = "".join(f'<div style="font-size:13px;color:{color};">• {escape(x)}</div>' for x in extra_lines)
    return (f'<tr><td style="padding:8px 16px;border-bottom:1px solid #E5E7EB;">'
            f'<div style="font-size:14px;font-weight:bold;color:#111827;">{escape(main)}</div>'
            f'<div style="font-size:13px;color:#4B5563;">{escape(meta)}</div>{extra}</td></tr>')


def _para(text: str) -> str:
    return f'<tr><td style="padding:8px 16px;font-size:14px;color:#4B5563;">{escape(text)}</td></tr>'


def _image_html(image: "InlineImage") -> str:
    """The inline picture: ``width`` set for Outlook, shrunk to the screen elsewhere, with alt text."""
    return (f'<tr><td style="padding:8px 12px;"><img src="{escape(image.src)}" width="{image.width}" '
            f'height="{image.height}" alt="{escape(image.alt)}" style="display:block;width:100%;'
            f'max-width:{image.width}px;height:auto;border:0;"></td></tr>')


def render_html(d: Digest, *, shown_red: int | None = None, image: "InlineImage | None" = None) -> str:
    C = _colors()
    s = _sections(d)
    shown = d.red[: MAX_RED if shown_red is None else shown_red]
    tile_list = tiles(d)
    tile_rows = "".join(
        "<tr>" + "".join(_tile_html(*t, C) for t in tile_list[i:i + TILES_PER_ROW]) + "</tr>"
        for i in range(0, len(tile_list), TILES_PER_ROW))
    red_font = C.get("red_font", "#9C0006")
    rows = [
        f'<tr><td style="background:{C.get("user_header", "#1F4E78")};padding:16px;color:#FFFFFF;">'
        f'<div style="font-size:13px;opacity:0.9;">{escape(d.team)}</div>'
        f'<div style="font-size:20px;font-weight:bold;">{escape(title(d))}</div>'
        f'<div style="font-size:13px;">{escape(d.as_of.isoformat())}</div></td></tr>',
        f'<tr><td style="padding:8px 12px;"><table role="presentation" width="100%" cellpadding="0" '
        f'cellspacing="0" border="0">{tile_rows}</table></td></tr>',
    ]
    if image is not None:
        rows.append(_image_html(image))
    rows += [
        _section_head(s["red"], C),
    ]
    rows += [_item(project_name(it.customer, it.project, it.id), red_meta(d, it), it.reasons, red_font)
             for it in shown] or [_para(s["no_red"])]
    if len(d.red) > len(shown):
        rows.append(_para(s["more_red"].format(n=len(d.red) - len(shown))))
    rows.append(_section_head(s["changes"], C))
    if d.change_counts:
        rows.append(_para(change_summary(d)))
    rows += [_item(project_name(c.customer, c.project, c.id), change_text(d, c), [], "#4B5563")
             for c in d.changes] or [_para(s["no_changes"])]
    rows.append(_section_head(s["collections"], C))
    rows += [_item(project_name(c.customer, c.project, c.project_id), _collection_meta(d, c), [], "#4B5563")
             for c in d.collections] or [_para(s["no_collections"])]
    rows.append(_section_head(s["issues"], C))
    rows.append(_para(s["issues_text"]))
    rows.append(f'<tr><td style="padding:16px;font-size:12px;color:#9CA3AF;">{escape(s["footer"])}</td></tr>')
    html_lang = "zh-CN" if d.lang == "zh" else "en"
    return (
        f'<!DOCTYPE html>\n<html lang="{html_lang}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<title>{escape(subject(d))}</title></head>\n'
        f'<body style="margin:0;padding:0;background:#F3F4F6;">\n'
        f'<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" '
        f'style="background:#F3F4F6;"><tr><td align="center" style="padding:12px 6px;">\n'
        f'<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" '
        f'style="max-width:640px;background:#FFFFFF;border-collapse:collapse;font-family:{escape(FONT)};">\n'
        + "\n".join(rows) +
        '\n</table>\n</td></tr></table>\n</body></html>\n')
