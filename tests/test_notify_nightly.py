"""``xltrack nightly --webhook``: the demo workbook refreshed, the e-mail to a loopback SMTP server
(aiosmtpd) and the robot message to a loopback HTTP server — both, from one run."""
from __future__ import annotations

import email
import email.policy
import re

import pytest

from tests.support.nightly import book, demo_book, free_port, smtp_env  # noqa: F401  (fixtures)
from tests.support.robots import start_robots
from xltrack.cli import cli
from xltrack.cli.errors import run_cli


@pytest.fixture
def robots(monkeypatch):
    srv = start_robots()
    monkeypatch.setenv("XLTRACK_WEBHOOK_BACKOFF", "0.01")
    monkeypatch.setenv("XLTRACK_WEBHOOK_RETRIES", "1")
    for k in ("XLTRACK_WEBHOOK", "XLTRACK_WEBHOOK_KIND", "XLTRACK_WEBHOOK_SECRET", "XLTRACK_NIGHTLY_CONFIG"):
        monkeypatch.delenv(k, raising=False)
    yield srv
    srv.stop()


def _run(capsys, *args):
    code = run_cli(cli, ["nightly", *map(str, args)])
    out = capsys.readouterr()
    return code, out.out, out.err


def _red_count(mail: bytes) -> int:
    subject = str(email.message_from_bytes(mail, policy=email.policy.default)["Subject"])
    return int(re.search(r"红灯 (\d+) 个", subject).group(1))


def test_nightly_sends_the_mail_and_the_robot_message(book, smtp_env, robots, capsys):
    code, stdout, err = _run(capsys, book, "--to", "boss@example.com", "--as-of", "2026-11-27",
                             "--webhook", robots.url("wecom"), "--webhook-kind", "wecom")
    assert code == 0, err
    (mail,) = smtp_env.messages
    (hit,) = robots.hits
    content = hit.body["markdown"]["content"]
    red = _red_count(mail.data)
    assert f"**红灯项目（{red}）**" in content          # the robot and the mail tell the same story
    assert "已发送给 boss@example.com：" in stdout and "已发送（团队）→ http://127.0.0.1:" in stdout


def test_robots_from_the_environment_and_per_owner(book, smtp_env, robots, capsys, monkeypatch):
    monkeypatch.setenv("XLTRACK_WEBHOOK", robots.url("dingtalk"))
    monkeypatch.setenv("XLTRACK_WEBHOOK_KIND", "dingtalk")
    code, stdout, err = _run(capsys, book, "--to", "boss@example.com", "--per-owner", "--as-of", "2026-11-27")
    assert code == 0, err
    titles = [h.body["markdown"]["title"] for h in robots.hits]
    assert titles[0].startswith("【销售一部】销售日报 2026-11-27：") and len(titles) > 3
    assert all("的销售日报 2026-11-27" in t for t in titles[1:])
    assert len(smtp_env.messages) >= 2


def test_the_robot_still_gets_the_digest_when_the_mail_fails(book, robots, capsys, monkeypatch, smtp_env):
    monkeypatch.setenv("XLTRACK_SMTP_PORT", str(free_port()))      # nothing listens there
    code, stdout, err = _run(capsys, book, "--to", "boss@example.com", "--as-of", "2026-11-27",
                             "--webhook", robots.url("feishu"), "--webhook-kind", "feishu")
    assert code == 6 and smtp_env.messages == []
    assert len(robots.hits) == 1 and robots.hits[0].body["msg_type"] == "interactive"


def test_a_robot_refusal_exits_6_after_the_mail_went_out(book, smtp_env, robots, capsys):
    robots.replies = [(200, '{"errcode":93000,"errmsg":"invalid webhook url"}')]
    code, stdout, err = _run(capsys, book, "--to", "boss@example.com", "--as-of", "2026-11-27",
                             "--webhook", robots.url("wecom"), "--webhook-kind", "wecom")
    assert code == 6 and len(smtp_env.messages) == 1
    assert "errcode 93000: invalid webhook url" in err


def test_a_robot_url_without_its_key_stops_before_the_refresh(book, capsys, smtp_env):
    before = book.read_bytes()
    code, _, err = _run(capsys, book, "--to", "boss@example.com",
                        "--webhook", "https://oapi.dingtalk.com/robot/send")
    assert code == 2 and "钉钉 webhook 地址缺少密钥" in err
    assert book.read_bytes() == before and smtp_env.messages == []


def test_dry_run_writes_the_robot_bodies_beside_the_eml_files(book, capsys, tmp_path):
    out = tmp_path / "preview"
    code, stdout, err = _run(capsys, book, "--to", "boss@example.com", "--as-of", "2026-11-27", "--dry-run", out,
                             "--from", "bot@example.com", "--no-recalc", "--attach", "none",
                             "--webhook", "https://open.feishu.cn/open-apis/bot/v2/hook/abcd-1234")
    assert code == 0, err
    assert sorted(p.name for p in out.iterdir()) == ["01-team-feishu.json", "01-team.eml"]


def test_the_secret_cannot_be_written_in_the_config_file(book, capsys, tmp_path):
    cfg = tmp_path / "nightly.toml"
    cfg.write_text('to = ["boss@example.com"]\nwebhook = "https://oapi.dingtalk.com/robot/send?access_token=t"\n'
                   'webhook_secret = "SECxyz"\n', encoding="utf-8")
    code, _, err = _run(capsys, book, "--config", cfg)
    assert code == 3 and "the robot secret must not be written in the config file (key webhook_secret)" in err
    assert "SECxyz" not in err
