"""``xltrack refresh --progress`` shows each step on stderr; stdout stays the one-line summary."""
from __future__ import annotations

import datetime as dt

from click.testing import CliRunner

from xltrack.build.api import init
from xltrack.cli import cli


def test_progress_on_stderr_and_summary_on_stdout(tmp_path):
    book = init(tmp_path / "p.xlsx", demo=True, rows=20, seed=2, as_of=dt.date(2026, 11, 27))
    res = CliRunner().invoke(cli, ["refresh", str(book), "--as-of", "2026-11-27", "--no-backup", "--progress"])
    assert res.exit_code == 0, res.output
    assert res.stderr.splitlines() == [
        "xltrack: 1/4 读取并校验 · reading and validating …",
        "xltrack: 2/4 计算状态灯与指标 · computing lights and KPIs …",
        "xltrack: 3/4 生成汇总表 · building the summary sheets …",
        "xltrack: 4/4 写回工作簿 · writing the workbook …",
    ]
    assert res.stdout.startswith(f"已刷新 {book}：20 个项目") and res.stdout.count("\n") == 1


def test_no_progress_when_not_asked_and_not_a_terminal(tmp_path):
    book = init(tmp_path / "p.xlsx", lang="en")
    res = CliRunner().invoke(cli, ["refresh", str(book), "--as-of", "2026-11-27", "--no-backup"])
    assert res.exit_code == 0 and res.stderr == ""
    assert res.stdout.startswith(f"Refreshed {book}: 0 projects")
