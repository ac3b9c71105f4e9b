"""企业微信 group robot: ``markdown`` message, owners @-mentioned by user id or mobile.

Limit: the markdown ``content`` is at most 4,096 bytes of UTF-8 (企业微信开发者中心 ·
群机器人配置说明 https://developer.work.weixin.qq.com/document/path/91770 ; over it the robot
answers errcode 40058 "markdown.content exceed max length 4096").

Mentions: markdown content may hold ``<@userid>``; ``mentioned_mobile_list`` is honoured only by
``text`` messages, so owners known only by mobile are @-mentioned in one short ``text`` message
sent right after the digest.
"""
from __future__ import annotations

from ..model import Message
from .markup import esc, json_code, kpi_line

LIMIT = 4096
UNIT = "bytes"
RATE = ((20, 60.0),)     # (messages, seconds): 20 a minute
SOURCE = "https://developer.work.weixin.qq.com/document/path/91770 (markdown.content 最长不超过 4096 个字节)"
TEXT_LIMIT = 2048   # a text message's content (same page)
TONE = {"red": "warning", "yellow": "comment"}


def _content(msg: Message, shown: int) -> str:
    lines = [f"## {esc(msg.title)}"]
    for label, value, tone in msg.kpis:
        v = f'<font color="{TONE[tone]}">{esc(value)}</font>' if tone in TONE else f"**{esc(value)}**"
        lines.append("> " + kpi_line(esc(label), v, msg.lang))
    lines += ["", f"**{esc(msg.red_heading)}**"]
    if not msg.red:
        lines.append(f'<font color="info">{esc(msg.no_red)}</font>')
    for n, r in enumerate(msg.red[:shown], 1):
        lines.append(f"{n}. **{esc(r.name)}** {esc(r.meta)}")
        lines.append(f'<font color="warning">{esc(r.reasons)}</font>')
    if len(msg.red) > shown:
        lines.append(f'<font color="comment">{esc(msg.more(len(msg.red) - shown))}</font>')
    ids = [m.user_id for m in msg.mentions if m.user_id]
    if ids:
        lines += ["", esc(msg.mention_lead) + " ".join(f"<@{esc(i)}>" for i in ids)]
    return "\n".join(lines)


def bodies(msg: Message, shown: int) -> list[dict]:
    out = [{"msgtype": "markdown", "markdown": {"content": _content(msg, shown)}}]
    by_mobile = [m for m in msg.mentions if m.mobile and not m.user_id]
    if by_mobile:
        text = msg.mention_lead + "、".join(m.name for m in by_mobile)
        out.append({"msgtype": "text", "text": {"content": text,
                                                 "mentioned_mobile_list": [m.mobile for m in by_mobile]}})
    return out


def size(body: dict) -> int:
    return len(body["markdown"]["content"].encode("utf-8"))


def sign(url: str, body: dict, secret: str | None, now: float) -> tuple[str, dict]:
    return url, body   # 企业微信 robots are not signed: the key is the credential


def answer(status: int, text: str) -> tuple[bool, str]:
    code, message = json_code(text, "errcode")
    return (status == 200 and code == 0), f"errcode {code}: {message}" if code is not None else message
