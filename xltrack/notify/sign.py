"""Robot signatures: 钉钉 加签 and 飞书 签名校验 (both HMAC-SHA256, base64; they differ in key and message).

- 钉钉 (open.dingtalk.com, 自定义机器人安全设置 · 加签): ``timestamp`` in milliseconds; the string
  ``timestamp + "\\n" + secret`` is signed with HMAC-SHA256 *keyed by the secret*, base64-encoded,
  then URL-encoded; ``timestamp`` and ``sign`` go into the webhook URL's query. The server refuses
  a timestamp more than an hour away from its clock (errcode 310000).
- 飞书 (open.feishu.cn, 自定义机器人使用指南 · 签名校验): ``timestamp`` in *seconds*; HMAC-SHA256
  *keyed by* ``timestamp + "\\n" + secret`` over an **empty** message, base64; ``timestamp`` (a
  string) and ``sign`` go into the JSON body. Also refused beyond an hour (code 19021).

The clock is read by the caller (:mod:`.api`) and passed in, so a test recomputes the signature
from the timestamp it received.
"""
from __future__ import annotations

import base64
import hashlib
import hmac


def dingtalk(secret: str, timestamp_ms: int) -> str:
    """The 钉钉 ``sign`` value (base64, not yet URL-encoded: the query encoder does that once)."""
    message = f"{timestamp_ms}\n{secret}".encode("utf-8")
    digest = hmac.new(secret.encode("utf-8"), message, hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def feishu(secret: str, timestamp_s: int) -> str:
    """The 飞书/Lark ``sign`` value."""
    key = f"{timestamp_s}\n{secret}".encode("utf-8")
    digest = hmac.new(key, b"", hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")
