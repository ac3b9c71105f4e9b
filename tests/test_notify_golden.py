"""Golden robot messages: the exact JSON each platform's server receives, signatures and mentions.

The sample team (tests/support/nightly.sample): two red projects (张三's, Alice's), one yellow,
one won; 张三 is known on Config by mobile only, Alice by user id only, 王五 by both. Each
platform's request is received by a real HTTP server on 127.0.0.1; the bodies (signature fields
taken out and checked separately) must equal ``tests/golden/notify/<platform>.json``.
Regenerate after an intended change and review the diff:

    XLTRACK_REGEN_GOLDEN=1 python3 -m pytest -q tests/test_notify_golden.py
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
from pathlib import Path

import pytest

from tests.support.nightly import sample
from tests.support.robots import start_robots
from xltrack.notify.api import deliver, pretty
from xltrack.notify.http import Retry
from xltrack.notify.secret import load_secret
from xltrack.notify.webhook import parse
from xltrack.pipeline.models import Owner

GOLDEN = Path(__file__).parent / "golden" / "notify"
SECRET = "SEC0123456789abcdef0123456789abcdef"
NOW = 1764201600.25      # 2026-11-27 00:00:00.25 UTC


def _team():
    tables, results = sample()
    tables.pipeline.owners = [Owner(name="张三", mobile="138-0013-8000"), Owner(name="Alice", user_id="alice.w"),
                              Owner(name="王五", mobile="13900139000", user_id="wangwu")]
    return tables, results


@pytest.fixture(scope="module")
def received():
    srv = start_robots()
    try:
        tables, results = _team()
        hooks = [parse(srv.url(k), k) for k in ("wecom", "dingtalk", "feishu", "slack")]
        res = deliver(tables, results, hooks, secret=load_secret(environ={"XLTRACK_WEBHOOK_SECRET": SECRET}),
                      retry=Retry(timeout=5, retries=0), now=lambda: NOW)
        assert all(m.delivered for m in res.messages), res.messages
        return {k: srv.of(k) for k in ("wecom", "dingtalk", "feishu", "slack")}
    finally:
        srv.stop()


@pytest.mark.parametrize("kind", ["wecom", "dingtalk", "feishu", "slack"])
def test_the_exact_json_bodies(received, kind):
    bodies = []
    for hit in received[kind]:
        body = hit.body
        body.pop("timestamp", None), body.pop("sign", None)
        bodies.append(body)
    path = GOLDEN / f"{kind}.json"
    if os.environ.get("XLTRACK_REGEN_GOLDEN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(pretty(bodies))
    assert bodies == json.loads(path.read_text(encoding="utf-8"))


def test_dingtalk_signature_recomputed_from_the_timestamp(received):
    (hit,) = received["dingtalk"]
    assert hit.query["timestamp"] == "1764201600250"
    want = hmac.new(SECRET.encode(), f"1764201600250\n{SECRET}".encode(), hashlib.sha256).digest()
    assert hit.query["sign"] == base64.b64encode(want).decode()


def test_feishu_signature_recomputed_from_the_timestamp(received):
    (hit,) = received["feishu"]
    body = hit.body
    assert body["timestamp"] == "1764201600"
    want = hmac.new(f"1764201600\n{SECRET}".encode(), b"", hashlib.sha256).digest()
    assert body["sign"] == base64.b64encode(want).decode()


def test_mentions_on_each_platform(received):
    wecom_md, wecom_text = (h.body for h in received["wecom"])
    assert wecom_md["markdown"]["content"].endswith("请跟进：<@alice.w>")
    assert wecom_text == {"msgtype": "text",
                          "text": {"content": "请跟进：张三", "mentioned_mobile_list": ["13800138000"]}}
    ding = received["dingtalk"][0].body
    assert ding["at"] == {"atMobiles": ["13800138000"], "atUserIds": ["alice.w"], "isAtAll": False}
    assert ding["markdown"]["text"].endswith("请跟进：@13800138000 @alice.w")
    assert "请跟进：<at id=alice.w></at>" in json.dumps(received["feishu"][0].body, ensure_ascii=False)
    assert received["slack"][0].body["text"].endswith("请跟进：<@alice.w>")


def test_workbook_text_cannot_become_markup(received):
    """The sample's customer "Acme <b>Corp</b>" shows as typed, in full-width brackets, everywhere."""
    for kind, hits in received.items():
        text = json.dumps(hits[0].body, ensure_ascii=False)
        assert "Acme ＜b＞Corp＜/b＞" in text and "<b>" not in text, kind
