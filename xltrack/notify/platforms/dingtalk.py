"""钉钉 custom robot: ``markdown`` message, owners @-mentioned with ``at.atMobiles`` / ``at.atUserIds``.

Signed with 加签 when a secret is set (:func:`xltrack.notify.sign.dingtalk`: ``timestamp`` and
``sign`` in the query). A mention needs both the ``at`` list and ``@mobile`` (or ``@userid``) in
the text, which 钉钉 then shows as the person's name.

Limit: 钉钉's custom-robot pages document the rate (20 messages a minute per robot) but no size
for ``markdown.text``; integrations keep to 20,000 bytes, and so does xltrack (UTF-8 bytes of
the text) — a digest that long is cut well before anyone would scroll it.
"""
from __future__ import annotations

from ..model import Message
from ..sign import dingtalk as dingtalk_sign
from ..webhook import with_query
from .markup import esc, json_code, kpi_line

LIMIT = 20000
UNIT = "bytes"
RATE = ((20, 60.0),)     # (messages, seconds): 20 a minute
SOURCE = ("https://open.dingtalk.com/document/orgapp/custom-robot-access "
          "(no documented size; 20,000 bytes is the figure integrations use)")


def _text(msg: Message, shown: int) -> str:
    lines = [f"### {esc(msg.title)}"]
    lines += ["- " + kpi_line(esc(label), f"**{esc(value)}**", msg.lang) for label, value, _ in msg.kpis]
    lines.append(f"#### {esc(msg.red_heading)}")
    if not msg.red:
        lines.append(esc(msg.no_red))
    for n, r in enumerate(msg.red[:shown], 1):
        lines.append(f"{n}. **{esc(r.name)}** {esc(r.meta)}  \n   {esc(r.reasons)}")
    if len(msg.red) > shown:
        lines.append(esc(msg.more(len(msg.red) - shown)))
    at = [m.mobile or m.user_id for m in msg.mentions if m.mobile or m.user_id]
    if at:
        lines.append(esc(msg.mention_lead) + " ".join(f"@{esc(a)}" for a in at))
    return "\n\n".join(lines)   # 钉钉 markdown needs a blank line to break a line


def bodies(msg: Message, shown: int) -> list[dict]:
    return [{"msgtype": "markdown",
             "markdown": {"title": msg.headline, "text": _text(msg, shown)},
             "at": {"atMobiles": [m.mobile for m in msg.mentions if m.mobile],
                    "atUserIds": [m.user_id for m in msg.mentions if m.user_id and not m.mobile],
                    "isAtAll": False}}]


def size(body: dict) -> int:
    return len(body["markdown"]["text"].encode("utf-8"))


def sign(url: str, body: dict, secret: str | None, now: float) -> tuple[str, dict]:
    if not secret:
        return url, body
    ts = int(now * 1000)
    return with_query(url, timestamp=str(ts), sign=dingtalk_sign(secret, ts)), body


def answer(status: int, text: str) -> tuple[bool, str]:
    code, message = json_code(text, "errcode")
    return (status == 200 and code == 0), f"errcode {code}: {message}" if code is not None else message
