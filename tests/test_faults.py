"""File-system faults (issue 15, item 5): a full disk, a read-only folder, a read-only workbook, a
symbolic link, another owner, backups of look-alike names, names too long for a backup.

A full disk is a real small tmpfs (the tests run as root on CI); where mounting is not permitted
the same failure is produced by a real file-size limit (``RLIMIT_FSIZE``: writes past it fail
with EFBIG), never by a mock. A read-only folder is a tmpfs remounted read-only, else a folder
without write permission for an unprivileged user (``setpriv``).
"""
from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Iterator

import pytest

from tests.support.package_check import problems
from xltrack.backends.safe_write import BACKUP_DIR, backups_of, make_backup
from xltrack.build.api import init
from xltrack.cli import cli
from xltrack.cli.errors import run_cli
from xltrack.errors import EXIT_WRITE_FAILED
from xltrack.refresh import refresh

AS_OF = dt.date(2026, 11, 27)
ARGS = ["--as-of", "2026-11-27"]


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> bytes:
    return init(tmp_path_factory.mktemp("demo") / "d.xlsx", lang="en", demo=True, as_of=AS_OF).read_bytes()


def _sha(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


@contextlib.contextmanager
def _tmpfs(size: str) -> Iterator[Path | None]:
    """A fresh tmpfs of ``size``; None when this machine does not let us mount one."""
    where = Path(tempfile.mkdtemp(prefix="xltrack-tmpfs-"))
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)],
                             capture_output=True).returncode == 0
    try:
        yield where if mounted else None
    finally:
        if mounted:
            subprocess.run(["umount", "-l", str(where)], capture_output=True)
        shutil.rmtree(where, ignore_errors=True)


def _cli_child(args: list[str], cwd: Path, *, fsize: int | None = None, user: bool = False) -> subprocess.CompletedProcess:
    def limits() -> None:
        if fsize is not None:
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)      # a write past the limit fails with EFBIG
            resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))
    cmd = [sys.executable, "-c", "from xltrack.cli import main; main()", *args]
    if user:
        cmd = ["setpriv", "--reuid", "65534", "--regid", "65534", "--clear-groups", *cmd]
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent), "HOME": str(cwd)}
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, preexec_fn=limits, env=env, timeout=300)


def test_a_full_disk_is_exit_5_and_leaves_the_workbook_and_no_partial_file(demo):
    """Space for the workbook but not for its backup, then not for the new file either."""
    for size, where_it_fails in (("120k", "backup"), ("90k", "new file")):
        with _tmpfs(size) as fs:
            folder = fs if fs is not None else Path(tempfile.mkdtemp(prefix="xltrack-fsize-"))
            book = folder / "pipeline.xlsx"
            book.write_bytes(demo)
            before = _sha(book)
            limit = None if fs is not None else {"backup": len(demo) + 8000, "new file": len(demo) // 2}[where_it_fails]
            r = _cli_child(["refresh", "pipeline.xlsx", *ARGS], folder, fsize=limit)
            assert r.returncode == EXIT_WRITE_FAILED, (where_it_fails, r.stderr)
            assert r.stderr.startswith("xltrack: Cannot ") and "the workbook was not changed" in r.stderr
            assert "Traceback" not in r.stderr
            assert _sha(book) == before
            left = sorted(p.name for p in folder.rglob("*") if p.is_file())
            assert left == ["pipeline.xlsx"], left        # no temp file, no truncated backup
            if fs is None:
                shutil.rmtree(folder)


def test_a_read_only_folder_is_exit_5_with_the_original_intact(demo):
    with _tmpfs("2m") as fs:
        if fs is not None:
            (fs / "pipeline.xlsx").write_bytes(demo)
            subprocess.run(["mount", "-o", "remount,ro", str(fs)], check=True)
            folder, user = fs, False
        else:
            folder = Path(tempfile.mkdtemp(prefix="xltrack-ro-"))
            (folder / "pipeline.xlsx").write_bytes(demo)
            os.chmod(folder, 0o555)
            os.chmod(folder / "pipeline.xlsx", 0o666)
            user = True
        r = _cli_child(["refresh", "pipeline.xlsx", *ARGS], folder, user=user)
        assert r.returncode == EXIT_WRITE_FAILED, r.stderr
        assert r.stderr.startswith("xltrack: Cannot ") and "Traceback" not in r.stderr
        assert (folder / "pipeline.xlsx").read_bytes() == demo
        assert sorted(p.name for p in folder.iterdir()) == ["pipeline.xlsx"]
        if fs is None:
            os.chmod(folder, 0o755)
            shutil.rmtree(folder)


def test_a_read_only_workbook_is_refused_never_replaced(demo, tmp_path, capsys):
    book = tmp_path / "pipeline.xlsx"
    book.write_bytes(demo)
    book.chmod(0o444)
    inode = book.stat().st_ino
    assert run_cli(cli, ["refresh", str(book), *ARGS]) == EXIT_WRITE_FAILED
    assert capsys.readouterr().err == ("xltrack: pipeline.xlsx is read-only; xltrack does not replace it. "
                                       "Make it writable to refresh it.\n")
    assert book.read_bytes() == demo and book.stat().st_ino == inode
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipeline.xlsx"]


def test_a_symlink_is_followed_its_target_updated_and_the_link_kept(demo, tmp_path):
    (tmp_path / "shared").mkdir()
    target = tmp_path / "shared" / "team.xlsx"
    target.write_bytes(demo)
    link = tmp_path / "pipeline.xlsx"
    link.symlink_to(target)
    refresh(link, as_of=AS_OF)
    assert link.is_symlink() and link.resolve() == target.resolve()
    assert target.read_bytes() != demo and problems(target) == []
    assert [p.name for p in (tmp_path / "shared").iterdir()] == ["team.xlsx"]   # no temp left beside it


def test_the_owner_group_and_mode_are_kept(demo, tmp_path):
    book = tmp_path / "pipeline.xlsx"
    book.write_bytes(demo)
    os.chown(book, 1234, 2345)
    book.chmod(0o640)
    refresh(book, as_of=AS_OF, backup=False)
    st = book.stat()
    assert (st.st_uid, st.st_gid, st.st_mode & 0o777) == (1234, 2345, 0o640)


def test_backups_of_a_workbook_never_include_another_workbooks(tmp_path):
    a, b = tmp_path / "pipeline.xlsx", tmp_path / "pipeline.20261201.xlsx"
    for p in (a, b):
        p.write_bytes(b"x")
    for i in range(3):
        make_backup(b, keep=5, now=dt.datetime(2026, 12, 1, 9, 0, i))
    for i in range(7):
        make_backup(a, keep=2, now=dt.datetime(2026, 12, 2, 9, 0, i))
    assert len(backups_of(b)) == 3                       # untouched by pipeline.xlsx's pruning
    assert [p.name for p in backups_of(a)] == ["pipeline.20261202-090005.xlsx", "pipeline.20261202-090006.xlsx"]


def test_a_name_too_long_for_a_backup_name_gets_a_short_backup(demo, tmp_path, capsys):
    book = tmp_path / ("p" * 245 + ".xlsx")
    book.write_bytes(demo)
    assert run_cli(cli, ["refresh", str(book), *ARGS]) == 0
    kept = list((tmp_path / BACKUP_DIR).iterdir())
    assert len(kept) == 1 and len(kept[0].name.encode()) <= 255 and kept[0].read_bytes() == demo
    assert backups_of(book) == kept
