"""Sending to a real SMTP server on loopback (aiosmtpd): STARTTLS or implicit TLS, AUTH, retries."""
from __future__ import annotations

import email
import email.policy
import io
import logging

import openpyxl
import pytest

from tests.support.nightly import PASSWORD, USER, free_port, sample, start_smtp, workbook
from xltrack.errors import EXIT_SEND_FAILED, SendError
from xltrack.nightly.api import mail_refreshed
from xltrack.nightly.message import parse_address
from xltrack.nightly.settings import NightlySettings


@pytest.fixture
def server(tmp_path):
    srv = start_smtp(tmp_path)
    yield srv
    srv.stop()


@pytest.fixture
def password(monkeypatch):
    monkeypatch.setenv("XLTRACK_SMTP_PASSWORD", PASSWORD)


def _settings(srv, **kw) -> NightlySettings:
    base = dict(host=srv.host, port=srv.port, security="starttls", user=USER, ca_file=srv.cert,
                sender="bot@example.com", retries=2, backoff=0.001, timeout=5, recalc=False)
    return NightlySettings(**{**base, **kw})


def _send(tmp_path, settings, **kw):
    tables, results = sample()
    wb = workbook(tmp_path / "销售跟踪.xlsx")
    return mail_refreshed(wb, tables, results, to=[parse_address("boss@example.com")],
                          cc=[parse_address("经理 <cc@example.com>")], settings=settings, **kw)


def _parse(data: bytes):
    return email.message_from_bytes(data, policy=email.policy.default)


def test_starttls_auth_delivers_team_and_owner_digests(tmp_path, server, password, caplog):
    caplog.set_level(logging.INFO, logger="xltrack.nightly")
    res = _send(tmp_path, _settings(server), per_owner=True)
    assert res.sent == 3 and server.auth_attempts == 1 and len(server.auth_sessions) == 1
    got = {tuple(m.rcpt_tos): _parse(m.data) for m in server.messages}
    assert set(got) == {("boss@example.com", "cc@example.com"), ("zhang@example.com",), ("alice@example.com",)}
    assert {m.mail_from for m in server.messages} == {"bot@example.com"}

    team = got[("boss@example.com", "cc@example.com")]
    assert team["Subject"] == "【销售一部】销售日报 2026-11-27：进行中 3 个 ¥2,350,000，红灯 2 个"
    assert str(team["From"]) == "销售一部 · xltrack <bot@example.com>"
    html = team.get_body(("html",)).get_content()
    text = team.get_body(("plain",)).get_content()
    for body in (html, text):
        assert "华东电力 · 智能巡检平台 (P-0001)" in body and "12 天未跟进（红线 10 天）" in body
        assert "ERP rollout (P-0002)" in body
    (att,) = list(team.iter_attachments())
    assert att.get_filename() == "销售跟踪_2026-11-27.xlsx"
    ws = openpyxl.load_workbook(io.BytesIO(att.get_content()))["项目跟踪"]
    assert [c.value for c in ws["D"]] == ["状态灯", "红", "红"]

    zhang = got[("zhang@example.com",)]
    assert zhang["Subject"].startswith("【销售一部】张三的销售日报 2026-11-27")
    zb = zhang.get_body(("plain",)).get_content()
    assert "P-0001" in zb and "P-0002" not in zb, "an owner sees only their own red list"
    assert PASSWORD not in caplog.text


def test_implicit_tls_and_an_ascii_password(tmp_path, monkeypatch):
    """(The other tests use a password with Chinese characters: AUTH PLAIN in UTF-8.)"""
    monkeypatch.setenv("XLTRACK_SMTP_PASSWORD", "ascii-Pa55")
    srv = start_smtp(tmp_path, implicit_tls=True, password="ascii-Pa55")
    try:
        res = _send(tmp_path, _settings(srv, security="tls"))
    finally:
        srv.stop()
    assert res.sent == 1 and [m.rcpt_tos for m in srv.messages] == [["boss@example.com", "cc@example.com"]]


def test_plain_local_relay_without_login(tmp_path):
    srv = start_smtp(tmp_path, plain=True)
    try:
        res = _send(tmp_path, _settings(srv, security="none", user=None, ca_file=None))
    finally:
        srv.stop()
    assert res.sent == 1 and len(srv.messages) == 1 and srv.auth_attempts == 0


def test_server_down_retries_then_send_error_and_keeps_messages(tmp_path, password, caplog):
    caplog.set_level(logging.INFO, logger="xltrack.nightly")
    port = free_port()   # nothing listens there
    outbox = tmp_path / "outbox"
    s = NightlySettings(host="127.0.0.1", port=port, security="starttls", user=USER, sender="bot@example.com",
                        retries=2, backoff=0.001, timeout=2, recalc=False, outbox=outbox)
    with pytest.raises(SendError) as e:
        _send(tmp_path, s)
    assert e.value.exit_code == EXIT_SEND_FAILED == 6
    assert f"failed after 3 attempt(s) to 127.0.0.1:{port} (starttls)" in str(e.value)
    assert "The refreshed workbook is kept" in str(e.value)
    attempts = [r.getMessage() for r in caplog.records if "attempt" in r.getMessage()]
    assert len(attempts) == 3 and "retrying in 0.001 s" in attempts[0] and "giving up" in attempts[-1]
    assert (tmp_path / "销售跟踪.xlsx").is_file()
    (eml,) = outbox.glob("*.eml")
    assert _parse(eml.read_bytes())["Subject"].startswith("【销售一部】销售日报")


def test_login_refused_is_retried_and_the_password_never_logged(tmp_path, server, monkeypatch, caplog):
    caplog.set_level(logging.DEBUG)
    monkeypatch.setenv("XLTRACK_SMTP_PASSWORD", "wrong-Pa55word")
    with pytest.raises(SendError) as e:
        _send(tmp_path, _settings(server))
    assert len(server.auth_sessions) == 3 and server.messages == []
    assert "SMTPAuthenticationError: 535" in str(e.value)
    assert "wrong-Pa55word" not in str(e.value) and "wrong-Pa55word" not in caplog.text


def test_an_untrusted_certificate_is_refused(tmp_path, server, password):
    with pytest.raises(SendError, match="CERTIFICATE_VERIFY_FAILED|certificate verify failed"):
        _send(tmp_path, _settings(server, ca_file=None, retries=0))
    assert server.messages == []
