"""``xltrack nightly`` end to end: the demo workbook, refresh, then mail to a loopback SMTP server."""
from __future__ import annotations

import datetime as dt
import email
import email.policy
import io

import openpyxl
import pytest

from tests.support.nightly import (PASSWORD, book, demo_book, free_port,  # noqa: F401  (fixtures)
                                   set_cached_value, smtp_env)
from xltrack.cli import cli
from xltrack.cli.errors import run_cli

AS_OF = dt.date(2026, 11, 27)


def _run(capsys, *args) -> tuple[int, str, str]:
    code = run_cli(cli, ["nightly", *map(str, args)])
    out = capsys.readouterr()
    return code, out.out, out.err


def _lights(data) -> dict[str, str]:
    """ID → light text on the Projects sheet, from a path or bytes."""
    src = io.BytesIO(data) if isinstance(data, bytes) else data
    ws = openpyxl.load_workbook(src, data_only=True)["项目跟踪"]
    header = [c.value for c in ws[1]]
    i, j = header.index("项目编号"), header.index("状态灯")
    return {r[i]: r[j] for r in ws.iter_rows(min_row=2, values_only=True) if r[i]}


def _parse(data: bytes):
    return email.message_from_bytes(data, policy=email.policy.default)


def test_dry_run_writes_eml_files_and_refreshes(book, tmp_path, capsys):
    before = _lights(book)
    out = tmp_path / "preview"
    code, stdout, err = _run(capsys, book, "--to", "boss@example.com", "--per-owner", "--as-of", "2026-11-27",
                             "--dry-run", out, "--from", "bot@example.com", "--no-recalc")
    assert code == 0, err
    emls = sorted(p.name for p in out.glob("*.eml"))
    assert emls[0] == "01-team.eml" and len(emls) > 2 and all(n.endswith(".eml") for n in emls)
    assert f"已写入 {out / '01-team.eml'}：【销售一部】销售日报 2026-11-27：进行中 " in stdout
    assert "附件：销售跟踪_2026-11-27.xlsx（公式将在打开时重新计算）" in stdout
    assert "marked for full recalculation on open" in err
    after = _lights(book)
    assert set(after.values()) >= {"红", "黄"} and after != before, "the workbook itself was refreshed"


def test_sends_through_starttls_and_auth_with_the_refreshed_workbook(book, smtp_env, capsys):
    code, stdout, err = _run(capsys, book, "--to", "boss@example.com", "--cc", "vp@example.com",
                             "--as-of", "2026-11-27")
    assert code == 0, err
    (rcv,) = smtp_env.messages
    assert rcv.rcpt_tos == ["boss@example.com", "vp@example.com"]
    msg = _parse(rcv.data)
    assert msg["Subject"].startswith("【销售一部】销售日报 2026-11-27：进行中 ")
    assert "已发送给 boss@example.com, vp@example.com：【销售一部】销售日报" in stdout
    refreshed = _lights(book)
    red_ids = sorted(k for k, v in refreshed.items() if v == "红")
    text = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    assert all(f"({pid})" in text and f"({pid})" in html for pid in red_ids)
    att = next(msg.iter_attachments()).get_content()
    assert _lights(att) == refreshed
    assert PASSWORD not in stdout + err


def test_server_down_exits_6_and_keeps_the_refreshed_workbook(book, smtp_env, monkeypatch, capsys):
    port = free_port()
    monkeypatch.setenv("XLTRACK_SMTP_PORT", str(port))
    code, stdout, err = _run(capsys, book, "--to", "boss@example.com", "--as-of", "2026-11-27")
    assert code == 6
    assert f"xltrack: mail not sent: 1 of 1 message(s) failed after 2 attempt(s) to 127.0.0.1:{port} (starttls)" in err
    assert "retrying in 0.001 s" in err and "giving up" in err
    assert "红" in _lights(book).values(), "the refresh is kept"


def test_config_file_and_cli_precedence(book, smtp_env, tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("XLTRACK_MAIL_FROM")
    cfg = tmp_path / "nightly.toml"
    cfg.write_text('[mail]\nfrom = "cfg@example.com"\nteam = "华东大区"\nto = ["boss@example.com"]\n'
                   '[smtp]\nhost = "unused.invalid"\n', encoding="utf-8")
    code, _, err = _run(capsys, book, "--config", cfg, "--as-of", "2026-11-27", "--attach", "none",
                        "--team", "华东一组")
    assert code == 0, err   # env XLTRACK_SMTP_HOST beats the file's host
    (rcv,) = smtp_env.messages
    msg = _parse(rcv.data)
    assert rcv.mail_from == "cfg@example.com" and rcv.rcpt_tos == ["boss@example.com"]
    assert msg["Subject"].startswith("【华东一组】销售日报") and list(msg.iter_attachments()) == []


@pytest.mark.parametrize("args, code, text", [
    (["--as-of", "2026-11-27"], 3, "xltrack: no recipients pass --to ADDRESS"),
    (["--to", "boss@example.com\nBcc: x@y.z"], 3, "xltrack: bad to address"),
    (["--to", "a@b.cn", "--attach", "pdf"], 2, "Invalid value for '--attach'"),
])
def test_usage_and_settings_errors(book, tmp_path, capsys, args, code, text):
    got, _, err = _run(capsys, book, "--dry-run", tmp_path / "o", *args)
    assert got == code and text in err


def test_missing_workbook_exits_3(tmp_path, capsys):
    code, _, err = _run(capsys, tmp_path / "nope.xlsx", "--to", "a@b.cn", "--dry-run", tmp_path / "o")
    assert code == 3 and "nope.xlsx" in err


@pytest.mark.libreoffice
def test_user_formulas_have_fresh_cached_values_in_the_attachment(book, tmp_path, capsys):
    """A user formula whose cached value is stale: the emailed copy carries the recalculated result."""
    from xltrack.nightly.office import libreoffice_available

    if libreoffice_available() is None:
        pytest.skip("LibreOffice with python3-uno is not installed")
    wb = openpyxl.load_workbook(book)
    ws = wb["项目跟踪"]
    header = [c.value for c in ws[1]]
    amount_col = openpyxl.utils.get_column_letter(header.index("预计金额") + 1)
    free = openpyxl.utils.get_column_letter(ws.max_column + 1)
    ws[f"{free}1"] = "金额合计"
    nums = [(r, ws[f"{amount_col}{r}"].value) for r in range(2, ws.max_row + 1)
            if type(ws[f"{amount_col}{r}"].value) in (int, float)][:6]
    ws[f"{free}2"] = "=2*(" + "+".join(f"{amount_col}{r}" for r, _ in nums) + ")"
    expected = 2 * sum(v for _, v in nums)
    wb.save(book)
    sheet_part = "xl/worksheets/sheet1.xml"
    set_cached_value(book, sheet_part, f"{free}2", "999")
    out = tmp_path / "o"
    code, stdout, err = _run(capsys, book, "--to", "boss@example.com", "--as-of", "2026-11-27", "--dry-run", out,
                             "--from", "bot@example.com")
    assert code == 0, err
    assert "公式已由 LibreOffice 重新计算" in stdout and "calculateAll" in err
    att = next(_parse((out / "01-team.eml").read_bytes()).iter_attachments()).get_content()
    ws2 = openpyxl.load_workbook(io.BytesIO(att), data_only=True)["项目跟踪"]
    assert ws2[f"{free}2"].value == pytest.approx(expected)
    assert openpyxl.load_workbook(book, data_only=True)["项目跟踪"][f"{free}2"].value == 999, \
        "the user's workbook is never saved by LibreOffice"


def test_workbook_open_in_excel_exits_4_and_sends_nothing(book, smtp_env, capsys):
    lock = book.parent / f"~${book.name}"
    lock.write_bytes(b"someone\x00")
    before = book.read_bytes()
    code, _, err = _run(capsys, book, "--to", "boss@example.com", "--as-of", "2026-11-27")
    assert code == 4 and "锁文件" in err
    assert smtp_env.messages == [] and book.read_bytes() == before


def test_a_week_later_the_digest_lists_the_weeks_changes(tmp_path):
    """Two nightly runs seven days apart: History gives the second digest its changes."""
    from xltrack.build.api import init
    from xltrack.nightly.api import nightly
    from xltrack.nightly.settings import NightlySettings

    s = NightlySettings(sender="bot@example.com", recalc=False, attach="none")
    book = init(tmp_path / "b.xlsx", demo=True, rows=30, seed=5, as_of=dt.date(2026, 11, 20))
    first = nightly(book, to=["a@example.com"], as_of=dt.date(2026, 11, 20), dry_run=tmp_path / "1", settings=s)
    assert first.refresh.results.changes.empty
    second = nightly(book, to=["a@example.com"], as_of=AS_OF, dry_run=tmp_path / "2", settings=s)
    changes = second.refresh.results.changes
    assert not changes.empty
    text = _parse(second.messages[0].eml.read_bytes()).get_body(("plain",)).get_content().replace("\r\n", "\n")
    section = text[text.index("== 本周变化 =="):text.index("== 本周到期")]
    assert "与上周相比没有变化" not in section
    for _, row in changes.head(30).iterrows():
        assert f"({row['id']}): {row['change_text']}" in section


def test_english_workbook_gets_an_english_digest(tmp_path, capsys):
    from xltrack.build.api import init

    book = init(tmp_path / "pipeline.xlsx", lang="en", demo=True, rows=20, seed=2, as_of=AS_OF)
    code, stdout, err = _run(capsys, book, "--to", "boss@example.com", "--as-of", "2026-11-27", "--dry-run",
                             tmp_path / "o", "--from", "bot@example.com", "--no-recalc", "--team", "Sales East")
    assert code == 0, err
    assert stdout.startswith(f"Refreshed {book} (refresh ")
    msg = _parse((tmp_path / "o" / "01-team.eml").read_bytes())
    assert msg["Subject"].startswith("[Sales East] Pipeline digest 2026-11-27: ")
    text = msg.get_body(("plain",)).get_content()
    assert "== Red projects (" in text and "Open projects: " in text
    assert next(msg.iter_attachments()).get_filename() == "pipeline_2026-11-27.xlsx"
