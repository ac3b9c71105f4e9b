"""Slack incoming webhook: one ``text`` in mrkdwn, owners @-mentioned with ``<@USERID>``.

Limit: Slack recommends at most 4,000 characters in ``text`` and truncates beyond 40,000
(https://api.slack.com/methods/chat.postMessage#truncating); xltrack keeps to 4,000 characters.
Slack answers ``ok`` (text, HTTP 200) or an error word such as ``invalid_payload`` with a 4xx.
"""
from __future__ import annotations

from ..model import Message
from .markup import esc, kpi_line

LIMIT = 4000
UNIT = "characters"
RATE = ((1, 1.0),)       # about one a second
SOURCE = "https://api.slack.com/methods/chat.postMessage#truncating (limit text to 4,000 characters)"


def _e(text: str) -> str:
    return esc(text).replace("&", "&amp;")   # Slack's three control characters: & < >


def _text(msg: Message, shown: int) -> str:
    lines = [f"*{_e(msg.title)}*"]
    lines += [kpi_line(_e(label), f"*{_e(value)}*", msg.lang) for label, value, _ in msg.kpis]
    lines += ["", f"*{_e(msg.red_heading)}*"]
    if not msg.red:
        lines.append(_e(msg.no_red))
    for n, r in enumerate(msg.red[:shown], 1):
        lines.append(f"{n}. *{_e(r.name)}* {_e(r.meta)}")
        lines.append(f"      _{_e(r.reasons)}_")
    if len(msg.red) > shown:
        lines.append(_e(msg.more(len(msg.red) - shown)))
    ids = [m.user_id for m in msg.mentions if m.user_id]
    if ids:
        lines += ["", _e(msg.mention_lead) + " ".join(f"<@{_e(i)}>" for i in ids)]
    return "\n".join(lines)


def bodies(msg: Message, shown: int) -> list[dict]:
    return [{"text": _text(msg, shown)}]


def size(body: dict) -> int:
    return len(body["text"])


def sign(url: str, body: dict, secret: str | None, now: float) -> tuple[str, dict]:
    return url, body   # the URL is the credential


def answer(status: int, text: str) -> tuple[bool, str]:
    word = text.strip()[:200]
    return (status == 200 and word == "ok"), word
