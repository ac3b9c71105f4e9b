"""``xltrack notify`` end to end: the demo workbook, a real HTTP server on 127.0.0.1 as each robot."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json

import pytest

import xltrack  # noqa: F401  (used as xltrack.notify below)
from tests.support.nightly import book, demo_book  # noqa: F401  (fixtures)
from tests.support.robots import HANG, KEYS, start_robots
from xltrack.cli import cli
from xltrack.cli.errors import run_cli

SECRET = "SECf00dcafe0123456789abcdef-机器人"


@pytest.fixture
def robots(monkeypatch):
    srv = start_robots()
    for k, v in {"XLTRACK_WEBHOOK_BACKOFF": "0.01", "XLTRACK_WEBHOOK_RETRIES": "1",
                 "XLTRACK_WEBHOOK_TIMEOUT": "2"}.items():
        monkeypatch.setenv(k, v)
    monkeypatch.delenv("XLTRACK_WEBHOOK_SECRET", raising=False)
    monkeypatch.delenv("XLTRACK_WEBHOOK", raising=False)
    yield srv
    srv.stop()


def _run(capsys, *args) -> tuple[int, str, str]:
    code = run_cli(cli, ["notify", *map(str, args)])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_dry_run_writes_the_bodies_and_never_touches_the_workbook(book, tmp_path, capsys):
    before = book.read_bytes()
    out = tmp_path / "bodies"
    code, stdout, err = _run(capsys, book, "--as-of", "2026-11-27", "--dry-run", out,
                             "--webhook", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k1",
                             "--webhook", "https://oapi.dingtalk.com/robot/send?access_token=t1")
    assert code == 0, err
    assert sorted(p.name for p in out.iterdir()) == ["01-team-wecom.json", "02-team-dingtalk.json"]
    wecom = json.loads((out / "01-team-wecom.json").read_text("utf-8"))
    content = wecom["markdown"]["content"]
    assert content.startswith("## 销售一部 · 销售日报 2026-11-27\n> 进行中项目：**")
    assert len(content.encode("utf-8")) <= 4096 and "……另有 " in content
    assert f"已写入 {out / '01-team-wecom.json'}（列出 " in stdout
    assert book.read_bytes() == before


@pytest.mark.parametrize("kind", ["wecom", "dingtalk", "feishu", "slack"])
def test_each_platform_receives_its_message(book, robots, capsys, monkeypatch, kind):
    monkeypatch.setenv("XLTRACK_WEBHOOK_SECRET", SECRET)
    before = book.read_bytes()
    code, stdout, err = _run(capsys, book, "--as-of", "2026-11-27", "--webhook", robots.url(kind), "--kind", kind)
    assert code == 0, err
    (hit,) = robots.hits
    body = hit.body
    assert hit.headers["Content-Type"] == "application/json; charset=utf-8"
    text = json.dumps(body, ensure_ascii=False)
    assert "销售一部 · 销售日报 2026-11-27" in text and "红灯项目（" in text
    if kind == "dingtalk":       # 加签: in the query, milliseconds, keyed by the secret
        ts = hit.query["timestamp"]
        want = hmac.new(SECRET.encode(), f"{ts}\n{SECRET}".encode(), hashlib.sha256).digest()
        assert hit.query["sign"] == base64.b64encode(want).decode() and len(ts) == 13
    if kind == "feishu":         # 签名校验: in the body, seconds, keyed by timestamp + secret
        ts = body["timestamp"]
        want = hmac.new(f"{ts}\n{SECRET}".encode(), b"", hashlib.sha256).digest()
        assert body["sign"] == base64.b64encode(want).decode() and len(ts) == 10
    if kind in ("wecom", "slack"):
        assert "sign" not in body and "sign" not in hit.query
    masked = KEYS[kind][:4] + "****"
    assert f"已发送（团队）→ http://127.0.0.1:{robots.port}" in stdout and masked in stdout
    everything = stdout + err
    assert SECRET not in everything and KEYS[kind] not in everything
    assert book.read_bytes() == before


def test_a_500_then_200_is_retried_and_delivered(book, robots, capsys):
    robots.replies = [(502, "bad gateway")]
    code, stdout, err = _run(capsys, book, "--as-of", "2026-11-27", "--webhook", robots.url("wecom"), "--kind", "wecom")
    assert code == 0, err
    assert len(robots.hits) == 2 and robots.hits[0].raw == robots.hits[1].raw
    assert "attempt 1 failed (HTTP 502, bad gateway); retrying" in err and "delivered (attempt 2)" in err


def test_a_refusal_exits_6_after_sending_the_others(book, robots, capsys):
    robots.replies = [(200, '{"errcode":310000,"errmsg":"keywords not in content"}')]
    second = f"http://127.0.0.1:{robots.port}/robot/send?access_token=second0robot"
    code, stdout, err = _run(capsys, book, "--as-of", "2026-11-27", "--webhook", robots.url("dingtalk"),
                             "--webhook", second, "--kind", "dingtalk")
    assert code == 6
    assert [h.query["access_token"] for h in robots.hits] == [KEYS["dingtalk"], "second0robot"]  # the 2nd still got it
    assert "xltrack: 1 条机器人消息未送达（其余已发送）：" in err
    assert "team → http://127.0.0.1:" in err and "errcode 310000: keywords not in content" in err
    assert "已发送（团队）" in stdout


def test_a_hanging_server_times_out_and_exits_6(book, robots, capsys, monkeypatch):
    monkeypatch.setenv("XLTRACK_WEBHOOK_TIMEOUT", "0.3")
    robots.replies = [HANG, HANG]
    code, stdout, err = _run(capsys, book, "--as-of", "2026-11-27", "--webhook", robots.url("slack"), "--kind", "slack")
    assert code == 6 and len(robots.hits) == 2                 # first attempt + one retry, then it stops
    assert "timed out" in err and KEYS["slack"] not in err


@pytest.mark.parametrize("url,kind", [("https://qyapi.weixin.qq.com/cgi-bin/webhook/send", None),
                                      ("http://127.0.0.1:9/robot/send", "dingtalk")])
def test_a_url_without_a_key_is_a_usage_error_and_nothing_is_read_or_sent(book, capsys, url, kind, robots):
    code, stdout, err = _run(capsys, book, "--webhook", url, *(["--kind", kind] if kind else []))
    assert code == 2 and "webhook 地址缺少密钥" in err and robots.hits == []


def test_no_webhook_at_all_is_a_usage_error(book, capsys, robots):
    code, _, err = _run(capsys, book)
    assert code == 2 and "没有机器人 webhook 地址" in err


def test_the_secret_comes_from_a_file_and_the_environment_names_the_robots(book, robots, capsys, monkeypatch, tmp_path):
    f = tmp_path / "robot.secret"
    f.write_text(SECRET + "\n", encoding="utf-8")
    monkeypatch.setenv("XLTRACK_WEBHOOK", robots.url("feishu"))
    code, stdout, err = _run(capsys, book, "--as-of", "2026-11-27", "--kind", "feishu", "--secret-file", f)
    assert code == 0, err
    body = robots.hits[0].body
    want = hmac.new(f"{body['timestamp']}\n{SECRET}".encode(), b"", hashlib.sha256).digest()
    assert body["sign"] == base64.b64encode(want).decode()


def test_the_secret_is_not_an_option(book, capsys):
    code, _, err = _run(capsys, book, "--webhook", "https://oapi.dingtalk.com/robot/send?access_token=t",
                        "--secret", "x")
    assert code == 2 and "No such option '--secret'" in err


def test_per_owner_messages_hold_only_what_that_owner_may_read(book, robots, capsys):
    """Each salesperson's message lists only their projects; a team lead's, their team's
    (xltrack.team.scope.reader_scope, the rule of the per-owner e-mail)."""
    import datetime as dt
    import re

    import xltrack.notify.api  # noqa: F401  — the subpackage imported first: xltrack.notify is still callable
    from xltrack.normalize.api import read_workbook
    from xltrack.team.scope import reader_scope

    res = xltrack.notify(book, [robots.url("wecom")], kind="wecom", per_owner=True, as_of=dt.date(2026, 11, 27))
    labels = [m.label for m in res.messages]
    assert labels[0] == "team" and len(labels) > 3 and all(m.delivered for m in res.messages)
    pipeline = read_workbook(book, as_of=dt.date(2026, 11, 27)).pipeline
    team_of = {o.name: o.team for o in pipeline.owners}
    md = [h.body["markdown"]["content"] for h in robots.hits if h.body["msgtype"] == "markdown"]
    leads = 0
    seen: dict[str, str] = {}
    for content, label in zip(md[1:], labels[1:]):
        name = label.partition(":")[2]
        assert f"{name}的销售日报" in content
        scope = reader_scope(pipeline, name)
        allowed = {name} if scope.by == "owner" else {o for o, t in team_of.items() if t == scope.key}
        leads += scope.by == "team"
        listed = re.findall(r"\*\*[^*]+\((P-\d{4})\)\*\* 负责人 (\S+)", content)
        assert {owner for _, owner in listed} <= allowed, content     # nobody else's projects
        if scope.by == "owner":
            for pid, _ in listed:
                assert seen.setdefault(pid, name) == name                      # one salesperson per project
    assert leads >= 1
