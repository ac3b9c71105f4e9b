"""The one job runner (xltrack/jobs): its order and result, the file sink's safety, and that every
entry point (refresh, the CLI, the Excel button, nightly, demo) goes through it.

The "no save is ever lost" tests slow a refresh down at the runner's documented hook between read
and write (``before_write`` in process; ``XLTRACK_TEST_PAUSE`` for the CLI in a subprocess), let
another program replace the workbook meanwhile, and check that the replacement survives byte for
byte, that no backup of it is kept and that the CLI exits 4 with the sentence that says so.
"""
from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.fakes import xlwings_fake as fake
from xltrack.backends.safe_write import BACKUP_DIR, backups_of
from xltrack.errors import EXIT_LOCKED, WorkbookChanged
from xltrack.jobs import FileSink, FileSource, JobResult, Prepared, run_job
from xltrack.jobs import runner as runner_mod
from xltrack.plan import Cell, CellWrite
from xltrack.refresh import refresh

AS_OF = dt.date(2026, 11, 27)
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    from xltrack.build.api import init
    return init(tmp_path_factory.mktemp("jobs") / "团队.xlsx", demo=True, rows=40, seed=4, as_of=AS_OF)


@pytest.fixture(scope="module")
def theirs(demo, tmp_path_factory) -> Path:
    """Another version of the workbook, as a colleague would have saved it."""
    other = Path(shutil.copy(demo, tmp_path_factory.mktemp("theirs") / "团队.xlsx"))
    refresh(other, as_of=AS_OF - dt.timedelta(days=3), backup=False)
    return other


@pytest.fixture
def book(demo, tmp_path) -> Path:
    return Path(shutil.copy(demo, tmp_path / "团队.xlsx"))


def _someone_saves(path: Path, other: Path) -> bytes:
    """Another program saves ``path``: a new file written beside it, renamed over it."""
    data = other.read_bytes()
    tmp = path.with_name("~saving.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
    return data


def test_the_runner_reports_each_step_in_order_and_returns_the_typed_result(book):
    seen: list[str] = []
    res = run_job(FileSource(book), FileSink(backup=False), as_of=AS_OF, progress=seen.append)
    assert seen == ["read", "compute", "plan", "write"]
    assert isinstance(res, JobResult) and list(res.timings) == seen
    assert res.path == book and res.backup is None and res.as_of == AS_OF
    assert res.counts["projects"] == 40 == len(res.results.projects)
    assert res.message.startswith(f"已刷新 {book}：40 个项目，红 {res.counts['red']} / ")


def test_a_save_made_meanwhile_is_kept_and_nothing_is_written(book, theirs):
    with pytest.raises(WorkbookChanged) as e:
        refresh(book, as_of=AS_OF, before_write=lambda: _someone_saves(book, theirs))
    assert book.read_bytes() == theirs.read_bytes()
    assert backups_of(book) == []                              # no backup of someone else's save
    assert [p.name for p in book.parent.iterdir() if p.name.startswith(".~xltrack-")] == []
    assert e.value.exit_code == EXIT_LOCKED
    assert str(e.value) == ("工作簿 团队.xlsx 在 xltrack 处理期间被其他人保存过：未写入任何内容，保留了他们的版本。"
                            "请重新运行，新的一次会包含他们保存的内容。")
    again = refresh(book, as_of=AS_OF)                          # the rerun picks their save up
    assert again.backup is not None and again.backup.read_bytes() == theirs.read_bytes()


def test_into_another_output_the_source_must_not_change_either(book, theirs, tmp_path):
    out = tmp_path / "out.xlsx"
    with pytest.raises(WorkbookChanged):
        refresh(book, as_of=AS_OF, output=out, before_write=lambda: _someone_saves(book, theirs))
    assert not out.exists()


def test_the_backup_is_the_version_that_was_read(book):
    before = book.read_bytes()
    res = refresh(book, as_of=AS_OF)
    assert res.backup is not None and res.backup.parent.name == BACKUP_DIR
    assert res.backup.read_bytes() == before and book.read_bytes() != before


def test_touched_but_unchanged_is_not_a_save(book):
    st = book.stat()
    res = refresh(book, as_of=AS_OF, backup=False,
                  before_write=lambda: os.utime(book, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9)))
    assert res.counts["projects"] == 40


def test_cli_exits_4_when_another_program_saves_during_the_refresh(book, theirs, tmp_path):
    pause = tmp_path / "pause"
    pause.mkdir()
    env = {**os.environ, "PYTHONPATH": str(ROOT), runner_mod.PAUSE_ENV: str(pause)}
    cmd = [sys.executable, "-c", "from xltrack.cli import main; main()", "refresh", str(book), "--as-of", "2026-11-27"]
    proc = subprocess.Popen(cmd,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 300
        while not (pause / "paused").exists():          # the refresh has read and planned
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline
            time.sleep(0.05)
        subprocess.run([sys.executable, "-c", "import shutil, sys; shutil.copyfile(sys.argv[1], sys.argv[2])",
                        str(theirs), str(tmp_path / "theirs.tmp")], check=True)
        saved = _someone_saves(book, tmp_path / "theirs.tmp")
        (pause / "resume").touch()
        out, err = proc.communicate(timeout=300)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 4, (out, err)
    assert out == ""
    assert "在 xltrack 处理期间被其他人保存过" in err and "请重新运行" in err
    assert book.read_bytes() == saved
    assert backups_of(book) == []


class _Importing(FileSource):
    """A source with a prepare hook, as an import job would plug in: it fills a cell."""

    def prepare(self, tables, *, as_of):
        info = tables.sheets["projects"]
        self.row = int(tables.projects.loc[tables.projects["notes"].isna(), "_row"].iloc[0])
        return Prepared(tables, cells=[CellWrite(info.name, self.row, info.columns["notes"], Cell("=imported"))])


def test_a_source_prepare_hook_adds_user_cells_to_the_plan(book):
    import openpyxl
    source = _Importing(book)
    res = run_job(source, FileSink(backup=False), as_of=AS_OF)
    info = res.tables.sheets["projects"]
    assert res.plan.cells[-1].cell.value == "=imported"
    ws = openpyxl.load_workbook(book)[info.name]
    cell = ws.cell(source.row, info.columns["notes"])
    assert cell.value == "=imported" and cell.data_type == "s"       # written as text


# -- every entry point goes through the runner ----------------------------------------------------
@pytest.fixture
def spy(monkeypatch):
    calls: list[tuple[str, str]] = []
    real = runner_mod.run_job

    def run_job_spy(source, sink, **kw):
        calls.append((type(source).__name__, type(sink).__name__))
        return real(source, sink, **kw)
    monkeypatch.setattr(runner_mod, "run_job", run_job_spy)
    return calls


def test_refresh_and_the_cli_go_through_the_runner(book, spy):
    from click.testing import CliRunner

    from xltrack.cli import cli
    assert isinstance(refresh(book, as_of=AS_OF, backup=False), JobResult)
    res = CliRunner().invoke(cli, ["refresh", str(book), "--as-of", "2026-11-27", "--no-backup"])
    assert res.exit_code == 0, res.output
    assert spy == [("FileSource", "FileSink")] * 2


def test_the_excel_button_goes_through_the_runner(demo, spy):
    from xltrack.excel import refresh_book
    book = fake.Book.from_xlsx(demo)
    summary = refresh_book(book, as_of=AS_OF)
    assert spy == [("BookSource", "BookSink")]
    assert summary["projects"] == 40 and summary["message"].startswith("已刷新（2026-11-27）：40 个项目")
    assert book._app.status_history[0] == "xltrack: 读取 / reading…"
    assert "xltrack：计算中…" in book._app.status_history


def test_nightly_goes_through_the_runner(book, tmp_path, spy):
    from xltrack.nightly.api import nightly
    from xltrack.nightly.settings import NightlySettings
    s = NightlySettings(sender="bot@example.com", recalc=False, attach="none")
    res = nightly(book, to=["a@example.com"], as_of=AS_OF, dry_run=tmp_path / "out", settings=s)
    assert spy == [("FileSource", "FileSink")]
    assert isinstance(res.refresh, JobResult) and res.refresh.path == book


def test_demo_goes_through_the_runner(tmp_path, spy):
    from xltrack.build.api import demo
    demo(tmp_path / "d", rows=12, as_of=AS_OF)
    assert spy == [("FileSource", "FileSink")]


def test_notify_goes_through_the_runner_and_never_writes(book, tmp_path, spy):
    import xltrack.notify.api as notify_api
    before = book.read_bytes()
    res = notify_api.notify(book, ["https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k"], as_of=AS_OF,
                            dry_run=tmp_path / "bodies")
    assert spy == [("FileSource", "RobotSink")]
    assert [m.label for m in res.messages] == ["team"] and book.read_bytes() == before
