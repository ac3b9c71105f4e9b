"""Delivery against a real HTTP server on 127.0.0.1: retries, refusals, a server that never answers."""
from __future__ import annotations

import json
import logging

import pytest

from tests.support.robots import HANG, KEYS, start_robots
from xltrack.notify.http import Retry, post
from xltrack.notify.platforms import platform
from xltrack.notify.webhook import parse

FAST = Retry(timeout=1.0, retries=2, backoff=0.01, backoff_max=0.01)
BODY = json.dumps({"msgtype": "markdown", "markdown": {"content": "## 测试"}}, ensure_ascii=False).encode()


@pytest.fixture
def robots():
    srv = start_robots()
    yield srv
    srv.stop()


def _post(srv, kind="wecom", retry=FAST):
    h = parse(srv.url(kind), kind)
    return post(h.url, BODY, shown_as=h.masked, answer=platform(kind).answer, retry=retry)


def test_a_500_is_retried_and_the_second_attempt_delivers(robots, caplog):
    robots.replies = [(500, "internal error")]
    with caplog.at_level(logging.INFO, logger="xltrack.notify"):
        got = _post(robots)
    assert got.delivered and got.attempts == 2 and len(robots.hits) == 2
    assert robots.hits[0].raw == robots.hits[1].raw == BODY
    assert "attempt 1 failed (HTTP 500" in caplog.text and "retrying" in caplog.text


def test_a_platform_refusal_is_not_retried_and_its_code_is_reported(robots):
    robots.replies = [(200, '{"errcode":310000,"errmsg":"sign not match, more: [https://ding-doc.dingtalk.com]"}')]
    got = _post(robots, "dingtalk")
    assert not got.delivered and got.attempts == 1 and len(robots.hits) == 1
    assert got.detail == "HTTP 200, errcode 310000: sign not match, more: [https://ding-doc.dingtalk.com]"


def test_feishu_and_slack_refusals(robots):
    robots.replies = [(200, '{"code":19021,"msg":"sign match fail or timestamp is not within one hour"}'),
                      (400, '{"code":9499,"msg":"Bad Request","data":{}}'), (404, "no_service")]
    a, b = _post(robots, "feishu"), _post(robots, "feishu")
    c = _post(robots, "slack")
    assert a.detail.startswith("HTTP 200, code 19021: sign match fail") and not a.delivered
    assert b.detail == "HTTP 400, code 9499: Bad Request" and b.attempts == 1
    assert c.detail == "HTTP 404, no_service" and not c.delivered


def test_a_server_that_never_answers_times_out_every_attempt(robots):
    robots.replies = [HANG, HANG, HANG]
    got = _post(robots, retry=Retry(timeout=0.3, retries=2, backoff=0.01))
    assert not got.delivered and got.detail == "timed out"
    assert got.attempts == 3 and len(robots.hits) == 3      # bounded: retries + 1 attempts, no more


def test_a_refused_connection_is_retried_then_reported(robots, caplog):
    url = robots.url("wecom")
    robots.stop()                       # nothing listens on the port any more
    with caplog.at_level(logging.INFO, logger="xltrack.notify"):
        got = post(url, BODY, shown_as=parse(url, "wecom").masked, answer=platform("wecom").answer, retry=FAST)
    assert not got.delivered and got.status is None and got.attempts == 3
    assert "Connection refused" in got.detail
    assert KEYS["wecom"] not in caplog.text and "key=693a****" in caplog.text
