"""Safe writes: lock files, the OS lock, backups, atomic replace."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from xltrack.backends.safe_write import (BACKUP_DIR, atomic_output, backups_of, check_not_open,
                                         exclusive_lock, make_backup)
from xltrack.errors import EXIT_LOCKED, WorkbookLocked


@pytest.fixture()
def book(tmp_path: Path) -> Path:
    p = tmp_path / "pipeline.xlsx"
    p.write_bytes(b"old")
    return p


@pytest.mark.parametrize("lock_name", ["~$pipeline.xlsx", ".~lock.pipeline.xlsx#", "~$peline.xlsx"])
def test_a_workbook_open_in_a_spreadsheet_program_is_refused(book: Path, lock_name: str):
    (book.parent / lock_name).write_text("owner")
    with pytest.raises(WorkbookLocked) as e:
        check_not_open(book, lang="en")
    assert e.value.exit_code == EXIT_LOCKED
    assert str(e.value) == (f"Workbook pipeline.xlsx is open in Excel/WPS/LibreOffice (lock file {lock_name}); "
                            "close it and retry.")
    with pytest.raises(WorkbookLocked, match="请关闭后重试"):
        check_not_open(book)


def test_a_second_lock_on_the_same_workbook_fails_at_once(book: Path):
    with exclusive_lock(book):
        with pytest.raises(WorkbookLocked, match="another xltrack refresh is running"):
            with exclusive_lock(book, lang="en"):
                pass
    with exclusive_lock(book):   # released: it can be taken again
        pass


def test_atomic_output_replaces_or_leaves_the_original(book: Path):
    with pytest.raises(RuntimeError):
        with atomic_output(book) as tmp:
            tmp.write_bytes(b"half")
            raise RuntimeError("boom")
    assert book.read_bytes() == b"old"
    assert sorted(p.name for p in book.parent.iterdir()) == ["pipeline.xlsx"]
    os.chmod(book, 0o640)
    with atomic_output(book) as tmp:
        tmp.write_bytes(b"new")
    assert book.read_bytes() == b"new"
    assert book.stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in book.parent.iterdir()) == ["pipeline.xlsx"]


def test_backups_keep_the_newest_n(book: Path):
    kept = []
    for i in range(7):
        book.write_bytes(f"v{i}".encode())   # a new file each time, like the atomic replace
        kept.append(make_backup(book, keep=3))
    assert [p.read_bytes() for p in backups_of(book)] == [b"v4", b"v5", b"v6"]
    assert all(p.parent.name == BACKUP_DIR for p in backups_of(book))
    assert make_backup(book, keep=0) is None
