"""钉钉 加签 and 飞书 签名校验, recomputed here from the platforms' documented recipes."""
from __future__ import annotations

import base64
import hashlib
import hmac
import urllib.parse

from xltrack.notify import sign

SECRET = "SEC3a7b9c2d4e6f8a0b1c3d5e7f9a1b3c5d7e9f1a3b5c7d9e1f3a5b7c9d1e3f5a7"


def test_dingtalk_signs_timestamp_newline_secret_keyed_by_the_secret():
    ts = 1764201600123   # milliseconds
    expected = base64.b64encode(hmac.new(SECRET.encode(), f"{ts}\n{SECRET}".encode(), hashlib.sha256).digest())
    assert sign.dingtalk(SECRET, ts) == expected.decode()


def test_feishu_signs_an_empty_message_keyed_by_timestamp_newline_secret():
    ts = 1764201600      # seconds
    expected = base64.b64encode(hmac.new(f"{ts}\n{SECRET}".encode(), b"", hashlib.sha256).digest())
    assert sign.feishu(SECRET, ts) == expected.decode()
    assert sign.feishu(SECRET, ts) != sign.dingtalk(SECRET, ts)


def test_the_dingtalk_signature_is_url_encoded_once_in_the_query():
    from xltrack.notify.platforms import dingtalk
    url, body = dingtalk.sign("https://oapi.dingtalk.com/robot/send?access_token=t", {"x": 1}, SECRET, 1764201600.5)
    q = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)
    assert q["timestamp"] == ["1764201600500"] and q["access_token"] == ["t"] and body == {"x": 1}
    assert q["sign"] == [sign.dingtalk(SECRET, 1764201600500)]          # decodes back exactly
    assert "+" not in url.split("sign=")[1] and "/" not in url.split("sign=")[1]


def test_without_a_secret_nothing_is_added():
    from xltrack.notify.platforms import dingtalk, feishu
    ding, hook = "https://x/robot/send?access_token=t", "https://x/open-apis/bot/v2/hook/t"
    assert dingtalk.sign(ding, {}, None, 1.0) == (ding, {})
    assert feishu.sign(hook, {"a": 1}, None, 1.0) == (hook, {"a": 1})
