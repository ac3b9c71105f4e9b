"""负责人 By owner: the leaderboard — points from stage advances first, then won amount.

Figures are the KPI figures (``kpis["by_owner"]``), so they agree with ``xltrack report``. With
50 owners the sheet has 50 rows; it is capped at ``MAX_ROWS`` owners (a visible line says how
many more) only to stay bounded against a column of typos in the owner field.
"""
from __future__ import annotations

from ..i18n import pick
from ..plan import Cell, SheetWrite
from . import kpis as K
from . import style as S
from .context import Ctx

MAX_ROWS = 500
HEADER_ROW = 5
WIDTHS = [6, 12, 9, 9, 9, 10, 16, 16, 8, 16, 8, 8, 10, 7, 7]

# (KPI key, style); the last two (red, yellow) get the light colours when non-zero.
FIELDS: list[tuple[str, S.Style | None]] = [
    ("points", S.Style(border=True, bold=True, num_format="0.#")),
    ("advances", S.INT),
    ("moves_back", S.INT),
    ("open_count", S.INT),
    ("open_amount", S.MONEY),
    ("weighted_amount", S.MONEY),
    ("won_count", S.INT),
    ("won_amount", S.MONEY),
    ("lost_count", S.INT),
    ("win_rate", S.PERCENT),
    ("follow_ups", S.INT),
    ("red", S.INT),
    ("yellow", S.INT),
]


def _labels(lang: str) -> list[str]:
    return (["排名", "负责人", "本期积分", "本期推进", "本期回退", "进行中项目", "进行中金额", "加权金额",
             "赢单数", "赢单金额", "输单数", "赢率", "本期跟进", "红灯", "黄灯"] if lang == "zh" else
            ["Rank", "Owner", "Points (period)", "Advances (period)", "Moves back (period)", "Open",
             "Open amount", "Weighted", "Won", "Won amount", "Lost", "Win rate", "Follow-ups (period)",
             "Red", "Yellow"])


UNIDENTIFIED = ("未识别负责人", "Unidentified owner")


def leaderboard(kpis: dict, lang: str) -> list[dict]:
    """One dict per owner (owner + FIELDS keys), best first; ties broken by name. The row of
    blank owners and names not on Config's owner list (``unidentified``) comes last, unranked."""
    out, rest = [], []
    for r in K.by_owner(kpis):
        owner = r.get("owner")
        d = {"owner": str(owner) if owner is not None else pick(lang, *UNIDENTIFIED),
             "unidentified": owner is None, "names": list(r.get("names") or [])}
        for key, _ in FIELDS:
            d[key] = K.num(r, key)
        (rest if owner is None else out).append(d)
    out.sort(key=lambda d: (-(d["points"] or 0), -(d["won_amount"] or 0), -(d["open_amount"] or 0), d["owner"]))
    return out + rest


def _unidentified_note(d: dict, lang: str) -> str:
    names = "、".join(d["names"]) if lang == "zh" else ", ".join(d["names"])
    if names:
        return pick(lang, "“{o}”：负责人为空或不在设置表的负责人名单中（{names}），见数据问题表",
                    "“{o}”: owner blank or not on the Config owner list ({names}); see the Issues sheet",
                    o=d["owner"], names=names)
    return pick(lang, "“{o}”：负责人为空，见数据问题表", "“{o}”: owner blank; see the Issues sheet", o=d["owner"])


def build(ctx: Ctx) -> SheetWrite:
    lang = ctx.lang
    name = S.sheet_name("by_owner", lang)
    board = leaderboard(ctx.results.kpis, lang)
    rows: list[list[Cell | None]] = S.title_rows(name, ctx.as_of, lang, ctx.team)
    rows.append([Cell(pick(lang, "按本期积分排名（每次阶段推进得分，分值见设置表），同分按赢单金额、进行中金额。",
                           "Ranked by points this period (earned per stage advance, see Config), "
                           "then won amount, then open amount."), S.NOTE)])
    rows.append(S.header(_labels(lang)))
    issues_link = S.internal_link(S.sheet_name("issues", lang), "A1")
    for rank, d in enumerate(board[:MAX_ROWS], start=1):
        first = [Cell(rank, S.INT), Cell(d["owner"], S.Style(border=True, bold=rank <= 3))]
        if d["unidentified"]:
            first = [Cell(None, S.INT), Cell(d["owner"], S.LINK, link=issues_link)]
        rows.append(first + [Cell(d[key], st) for key, st in FIELDS[:-2]]
                    + [Cell(d[x], S.light_style(x) if d[x] else S.INT) for x in ("red", "yellow")])
    for d in board[:MAX_ROWS]:
        if d["unidentified"]:
            rows.append([Cell(_unidentified_note(d, lang), S.NOTE, link=issues_link)])
    if not board:
        rows.append([Cell(pick(lang, "还没有负责人数据。", "No owners yet."), S.NOTE)])
    if len(board) > MAX_ROWS:
        rows.append(S.overflow_note(len(board) - MAX_ROWS, lang, "另有 {n} 位负责人未列出",
                                    "{n} more owners not shown"))
    return SheetWrite(key="by_owner", name=name, rows=rows,
                      col_widths={i + 1: w for i, w in enumerate(WIDTHS)}, freeze=(HEADER_ROW, 2))
