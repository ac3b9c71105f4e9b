"""The robot message as platform-neutral lines, built from the nightly digest.

The figures and the red list come from :func:`xltrack.nightly.digest.build_digest` (the same
tiles, the same red projects in the same order, the same per-owner scoping as the e-mail), and
the words from :mod:`xltrack.nightly.render` — so a robot message never disagrees with the mail.
Every line here is plain text in the workbook's language; each platform's formatter escapes it
and adds its own markup. Workbook text is made one line and clipped to :data:`CLIP` characters
(a whole character, never a byte of one), so no typed cell can stretch or break a message.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..i18n import pick
from ..nightly.digest import Digest
from ..nightly.render import project_name, red_meta, subject, tiles, title

CLIP = 80
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Mention:
    """An owner to notify: by mobile number (企业微信, 钉钉) or by the platform's user id."""
    name: str
    mobile: str | None = None
    user_id: str | None = None


@dataclass(frozen=True, slots=True)
class RedLine:
    name: str       # 华东电力 · 智能巡检平台 (P-0001)
    meta: str       # 负责人 张三 · 商务洽谈 · ¥1,200,000
    reasons: str    # 12 天未跟进（红线 10 天）；下一步已逾期 3 天
    owner: str


@dataclass(slots=True)
class Message:
    lang: str
    label: str                          # "team" or "owner:<name>"
    title: str                          # 销售一部 · 销售日报 2026-11-27
    headline: str                       # the e-mail subject: title and headline numbers
    kpis: list[tuple[str, str, str]]    # (label, value, tone red/yellow/neutral)
    red_heading: str                    # 红灯项目（24）
    red: list[RedLine] = field(default_factory=list)
    no_red: str = ""
    mentions: list[Mention] = field(default_factory=list)
    mention_lead: str = ""              # 请跟进：

    @property
    def has_red(self) -> bool:
        return bool(self.red)

    def more(self, n: int) -> str:
        """The line that replaces the ``n`` red projects a size limit left out."""
        return pick(self.lang, "……另有 {n} 个红灯项目，见工作簿的“风险清单”表。",
                    "… and {n} more red projects: see the Risk list sheet.", n=n)


def one_line(text: object, limit: int = CLIP) -> str:
    """Workbook text as one line of at most ``limit`` characters (an ellipsis marks a clip)."""
    s = _SPACE.sub(" ", str(text or "")).strip()
    return s if len(s) <= limit else s[: limit - 1].rstrip() + "…"


def build_message(d: Digest, mentions: list[Mention] | None = None) -> Message:
    """The message of one digest (the team's, or one owner's with ``d.owner`` set)."""
    L = d.lang
    team = one_line(d.team, 40)
    head = f"{team} · {title(d)}" if team else title(d)
    red = [RedLine(name=one_line(project_name(one_line(it.customer), one_line(it.project), one_line(it.id, 30)),
                                 2 * CLIP),
                   meta=one_line(red_meta(d, it), 2 * CLIP),
                   reasons=pick(L, "；", "; ").join(one_line(r) for r in it.reasons),
                   owner=it.owner)
           for it in d.red]
    return Message(
        lang=L, label=f"owner:{d.owner}" if d.owner else "team",
        title=f"{head} {d.as_of.isoformat()}", headline=one_line(subject(d), 2 * CLIP),
        kpis=[(label, value, tone) for label, value, tone in tiles(d)],
        red_heading=pick(L, "红灯项目（{n}）", "Red projects ({n})", n=d.red_count),
        red=red, no_red=pick(L, "没有红灯项目。", "No red projects."),
        mentions=list(mentions or []), mention_lead=pick(L, "请跟进：", "Please follow up: "))


def mentions_for(d: Digest, owners: list, only: str | None = None) -> list[Mention]:
    """Who to @: the owners of the red projects (in list order) — or, for one reader's message,
    ``only`` that reader when they have red projects — when Config gives a mobile or a user id.

    ``owners`` are the Config sheet's owner entries (name, mobile, user_id)."""
    by_name = {o.name: o for o in owners}
    names = [only] if only is not None and d.red else [] if only is not None else [it.owner for it in d.red]
    out: list[Mention] = []
    seen: set[str] = set()
    for name in names:
        o = by_name.get(name)
        if o is None or name in seen:
            continue
        seen.add(name)
        mobile = _mobile(o.mobile)
        user_id = one_line(o.user_id or "", 64) or None
        if mobile or user_id:
            out.append(Mention(name=o.name, mobile=mobile, user_id=user_id))
    return out


def _mobile(v: object) -> str | None:
    """``138 0013 8000`` / ``138-0013-8000`` → ``13800138000``; None when it holds no digits."""
    if isinstance(v, float) and v.is_integer():   # a number typed into Excel: 13800138000.0
        v = int(v)
    s = re.sub(r"[\s\-()]", "", str(v or ""))
    return s if re.fullmatch(r"\+?\d{5,20}", s) else None
