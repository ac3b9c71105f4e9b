"""``xltrack excel make-macro`` and ``xltrack excel setup``: exact output, exit codes, and that
setup rewrites only the xlwings.conf sheet part."""
from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import pytest

from xltrack.cli import cli
from xltrack.cli.errors import run_cli
from xltrack.macro import conf_sheet

xlsxwriter = __import__("xlsxwriter")


def _src(path: Path) -> Path:
    wb = xlsxwriter.Workbook(str(path))
    wb.add_worksheet("Projects").write_row(0, 0, ["ID", "Customer", "Stage"])
    wb.add_worksheet("Dashboard").write("A1", "Dashboard")
    wb.close()
    return path


def _raw(path: Path) -> dict[str, tuple[int, int, bytes]]:
    """member -> (crc, compressed size, raw bytes as stored)."""
    out = {}
    with zipfile.ZipFile(path) as z, open(path, "rb") as f:
        for i in z.infolist():
            out[i.filename] = (i.CRC, i.compress_size, z.read(i.filename))
    return out


def test_make_macro_then_setup(tmp_path, capsys):
    src, dst = _src(tmp_path / "team.xlsx"), tmp_path / "team.xlsm"
    assert run_cli(cli, ["excel", "make-macro", str(src), str(dst)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"Wrote {dst}: macro xltrack.XltrackRefresh, buttons on Projects, Dashboard; xlwings VBA ")
    before = _raw(dst)

    py = r"C:\Users\Li Lei\xltrack-venv\Scripts\pythonw.exe"
    assert run_cli(cli, ["excel", "setup", str(dst), "--python", py]) == 0
    assert capsys.readouterr().out == f"{dst}: Interpreter_Win = {py}\n"
    after = _raw(dst)
    changed = {n for n in before if before[n] != after.get(n)}
    conf = next(n for n, (_, _, b) in after.items() if b"Interpreter_Win" in b and n.startswith("xl/worksheets/"))
    assert changed == {conf} and set(before) == set(after)
    assert conf_sheet.read_settings(after[conf][2].decode(), [])["Interpreter_Win"] == py


def test_setup_on_a_workbook_without_conf_sheet_exits_3(tmp_path, capsys):
    src = _src(tmp_path / "plain.xlsx")
    assert run_cli(cli, ["excel", "setup", str(src), "--python", "python"]) == 3
    assert capsys.readouterr().err == ("xltrack: plain.xlsx has no xlwings.conf sheet: make it with "
                                       "xltrack excel make-macro first.\n")


def test_make_macro_refuses_an_xlsx_target(tmp_path, capsys):
    src = _src(tmp_path / "t.xlsx")
    assert run_cli(cli, ["excel", "make-macro", str(src), str(tmp_path / "out.xlsx")]) == 5
    assert "must end in .xlsm" in capsys.readouterr().err


def test_make_macro_on_a_missing_file_exits_3(tmp_path, capsys):
    assert run_cli(cli, ["excel", "make-macro", str(tmp_path / "nope.xlsx"), str(tmp_path / "o.xlsm")]) == 3


def test_refresh_of_the_macro_workbook_keeps_vba_and_projects_button(tmp_path):
    init = __import__("xltrack.build.api", fromlist=["init"]).init
    from xltrack.macro import make_macro_workbook
    from xltrack.refresh import refresh
    src = init(tmp_path / "team.xlsx", demo=True, rows=30, as_of=dt.date(2026, 11, 20))
    xlsm = tmp_path / "team.xlsm"
    made = make_macro_workbook(src, xlsm)
    before = _raw(xlsm)
    res = refresh(xlsm, as_of=dt.date(2026, 11, 27), backup=False)
    after = _raw(xlsm)
    assert res.counts["projects"] == 30
    projects_vml = made.buttons["项目跟踪"]
    for n in ("xl/vbaProject.bin", projects_vml):
        assert before[n] == after[n], n
    assert b"[0]!XltrackRefresh" in after[projects_vml][2]


def test_make_macro_puts_the_button_on_xltracks_dashboard_not_a_user_sheet_of_that_name(tmp_path, capsys):
    """A zh workbook adopted from a team file whose own sheet is called "Dashboard": the button goes
    on xltrack's 看板 (the sheet a refresh writes); the team's sheet is not touched."""
    src = tmp_path / "team.xlsx"
    wb = xlsxwriter.Workbook(str(src))
    wb.add_worksheet("Dashboard").write("A1", "our own dashboard")
    wb.close()
    assert run_cli(cli, ["init", "--into", str(src), "--no-backup"]) == 0
    dst = tmp_path / "team.xlsm"
    assert run_cli(cli, ["excel", "make-macro", str(src), str(dst)]) == 0
    assert "buttons on 项目跟踪, 看板;" in capsys.readouterr().out
    before, after = _raw(src), _raw(dst)
    assert after["xl/worksheets/sheet1.xml"] == before["xl/worksheets/sheet1.xml"]   # the team's Dashboard
    assert "xl/worksheets/_rels/sheet1.xml.rels" not in after
