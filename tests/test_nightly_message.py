"""The EmailMessage: encoded Chinese, structure, and no header injection from workbook text."""
from __future__ import annotations

import email
import email.policy
from pathlib import Path

import pytest

from tests.support.nightly import sample, workbook
from xltrack.nightly.api import mail_refreshed
from xltrack.nightly.attachment import prepare_attachment
from xltrack.nightly.message import build_message, clean_header, parse_address
from xltrack.nightly.settings import NightlySettings
from tests.support.nightly import AS_OF


def _parse(data: bytes):
    return email.message_from_bytes(data, policy=email.policy.default)


def test_parse_address_accepts_plain_and_named_and_refuses_the_rest():
    assert parse_address("boss@example.com").addr_spec == "boss@example.com"
    a = parse_address("张经理 <boss@example.com>")
    assert (a.display_name, a.addr_spec) == ("张经理", "boss@example.com")
    for bad in ("boss@example.com\r\nBcc: evil@x.com", "a@b.com, c@d.com", "no-at-sign", "a b@c.com",
                "boss@example.com\nX-Evil: 1", "<a@b.com>>", ""):
        with pytest.raises(ValueError):
            parse_address(bad)


def test_clean_header_flattens_control_characters():
    assert clean_header("A\r\nBcc: evil@x.com\tZ\x00") == "A Bcc: evil@x.com Z"


def test_structure_and_chinese_encoding(tmp_path):
    tables, results = sample()
    att = prepare_attachment(workbook(tmp_path / "销售跟踪.xlsx"), tmp_path, attach="xlsx", as_of=AS_OF)
    msg = build_message(subject="【销售一部】销售日报 2026-11-27：红灯 2 个", text="正文", html="<p>正文</p>",
                        sender=parse_address("Sales bot <bot@example.com>"), to=[parse_address("a@example.com")],
                        cc=[parse_address("张三 <z@example.com>")], attachment=att)
    raw = msg.as_bytes()
    assert raw.isascii(), "every header and body is 7-bit on the wire"
    m = _parse(raw)
    assert m["Subject"] == "【销售一部】销售日报 2026-11-27：红灯 2 个"
    assert m.get_content_type() == "multipart/mixed"
    assert [p.get_content_type() for p in m.walk()] == [
        "multipart/mixed", "multipart/alternative", "text/plain", "text/html",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"]
    assert m.get_body(("plain",)).get_content().strip() == "正文"
    (part,) = list(m.iter_attachments())
    assert part.get_filename() == "销售跟踪_2026-11-27.xlsx"
    assert m["Auto-Submitted"] == "auto-generated" and m["Cc"].addresses[0].display_name == "张三"


def test_workbook_text_cannot_inject_headers(tmp_path):
    """A team name and an owner e-mail from the Config sheet carrying CR/LF + Bcc."""
    tables, results = sample(team="销售一部\r\nBcc: evil@attacker.example", owner_email="zhang@example.com\r\nBcc: evil@attacker.example")
    tables.projects.loc[0, "customer"] = "华东电力\r\nX-Injected: yes"
    out = tmp_path / "out"
    res = mail_refreshed(workbook(tmp_path / "t.xlsx"), tables, results, to=[parse_address("boss@example.com")],
                         per_owner=True, dry_run=out, settings=NightlySettings(sender="bot@example.com"))
    labels = [m.label for m in res.messages]
    assert labels == ["team", "owner:Alice"], "the owner with a forged e-mail gets no message"
    for item in res.messages:
        raw = item.eml.read_bytes()
        m = _parse(raw)
        assert m["Bcc"] is None and m["X-Injected"] is None
        assert b"\r\nBcc:" not in raw and b"\nX-Injected" not in raw
        assert "evil@attacker.example" not in [a.addr_spec for h in ("To", "Cc") for a in (m[h].addresses if m[h] else ())]
        assert "evil@attacker.example" not in item.recipients
    team = _parse(res.messages[0].eml.read_bytes())
    assert team["Subject"].startswith("【销售一部 Bcc: evil@attacker.example】")


def test_a_workbook_over_the_size_limit_is_left_out_with_a_note(tmp_path, caplog):
    import logging

    caplog.set_level(logging.WARNING, logger="xltrack.nightly")
    tables, results = sample()
    res = mail_refreshed(workbook(tmp_path / "销售跟踪.xlsx"), tables, results, to=[parse_address("a@example.com")],
                         dry_run=tmp_path / "o", settings=NightlySettings(sender="b@example.com", max_attachment_mb=0.001))
    m = _parse(res.messages[0].eml.read_bytes())
    assert res.attachment is None and list(m.iter_attachments()) == []
    text = m.get_body(("plain",)).get_content()
    assert "工作簿过大（" in text and "上限 0.001 MB），未作为附件发送：销售跟踪.xlsx" in text
    assert "over max_attachment_mb" in caplog.text


def test_footer_names_the_attachment_or_not(tmp_path):
    tables, results = sample()
    wb = workbook(tmp_path / "销售跟踪.xlsx")
    s = NightlySettings(sender="b@example.com")
    for attach, want in (("xlsx", "附件 销售跟踪_2026-11-27.xlsx 为刷新后的工作簿。"), ("none", "由 xltrack 于每日刷新后生成。\n")):
        res = mail_refreshed(wb, tables, results, to=[parse_address("a@example.com")], attach=attach,
                             dry_run=tmp_path / attach, settings=s)
        text = _parse(res.messages[0].eml.read_bytes()).get_body(("plain",)).get_content().replace("\r\n", "\n")
        assert want in text


from hypothesis import given, settings as hsettings, strategies as st  # noqa: E402

HEADERS = {"Subject", "From", "To", "Date", "Message-ID", "Auto-Submitted", "X-Mailer", "MIME-Version",
           "Content-Type"}


@hsettings(max_examples=60, deadline=None)
@given(team=st.text(alphabet=st.sampled_from("销售A b:\r\n\t<>@,;\"=?\x00\u2028Bcc"), max_size=40),
       body=st.text(max_size=60))
def test_no_text_can_add_a_header(team, body):
    """Whatever a team name or workbook text holds, the message has exactly the headers we set."""
    msg = build_message(subject=f"【{team}】销售日报", text=body, html=f"<p>{body}</p>",
                        sender=parse_address("bot@example.com", display_name=clean_header(team)),
                        to=[parse_address("a@example.com")])
    m = _parse(msg.as_bytes())
    assert set(m.keys()) == HEADERS
    assert m["Subject"] == clean_header(f"【{team}】销售日报")
    assert [a.addr_spec for a in m["To"].addresses] == ["a@example.com"]
