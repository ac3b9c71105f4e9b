"""飞书 / Lark custom robot: an ``interactive`` card, owners @-mentioned with ``<at id=…></at>``.

The card: a header (red when there are red projects, green otherwise) with the title, the KPI
figures as two-column fields, then the red projects in ``lark_md``. Signed with 签名校验 when a
secret is set (:func:`xltrack.notify.sign.feishu`: ``timestamp`` and ``sign`` in the body).
Custom robots can @ a person only by their user id / open id (the Config owner's ``user_id``);
a mobile number is not enough on 飞书.

Limit: the request body is at most 20 KB (飞书开放平台 · 自定义机器人使用指南
https://open.feishu.cn/document/client-docs/bot-v3/add-custom-bot ; over it the robot answers
code 9499 / 11232-style errors). xltrack keeps the whole JSON body, signature included, within
20,000 bytes.
"""
from __future__ import annotations

from ..model import Message
from ..sign import feishu as feishu_sign
from .markup import dumps, esc, json_code

LIMIT = 20000
UNIT = "bytes"
RATE = ((5, 1.0), (100, 60.0))   # 5 a second, 100 a minute
SOURCE = "https://open.feishu.cn/document/client-docs/bot-v3/add-custom-bot (请求体大小不能超过 20 KB)"
SIGNATURE_BYTES = 80   # "timestamp":"1764201600","sign":"<44 base64 characters>", added after fitting


def _red_md(msg: Message, shown: int) -> str:
    lines = [f"**{esc(msg.red_heading)}**"]
    if not msg.red:
        lines.append(esc(msg.no_red))
    for n, r in enumerate(msg.red[:shown], 1):
        lines.append(f"{n}. **{esc(r.name)}** {esc(r.meta)}")
        lines.append(f"<font color='red'>{esc(r.reasons)}</font>")
    if len(msg.red) > shown:
        lines.append(f"<font color='grey'>{esc(msg.more(len(msg.red) - shown))}</font>")
    ids = [m.user_id for m in msg.mentions if m.user_id]
    if ids:
        lines.append(esc(msg.mention_lead) + " ".join(f"<at id={esc(i)}></at>" for i in ids))
    return "\n".join(lines)


def bodies(msg: Message, shown: int) -> list[dict]:
    fields = [{"is_short": True, "text": {"tag": "lark_md", "content": f"**{esc(label)}**\n{esc(value)}"}}
              for label, value, _ in msg.kpis]
    card = {
        "config": {"wide_screen_mode": True},
        "header": {"template": "red" if msg.red else "green",
                   "title": {"tag": "plain_text", "content": msg.title}},
        "elements": [{"tag": "div", "fields": fields}, {"tag": "hr"},
                     {"tag": "div", "text": {"tag": "lark_md", "content": _red_md(msg, shown)}}],
    }
    return [{"msg_type": "interactive", "card": card}]


def size(body: dict) -> int:
    return len(dumps(body)) + SIGNATURE_BYTES


def sign(url: str, body: dict, secret: str | None, now: float) -> tuple[str, dict]:
    if not secret:
        return url, body
    ts = int(now)
    return url, {"timestamp": str(ts), "sign": feishu_sign(secret, ts), **body}


def answer(status: int, text: str) -> tuple[bool, str]:
    code, message = json_code(text, "code", "StatusCode")
    return (status == 200 and code == 0), f"code {code}: {message}" if code is not None else message
