"""Writing the user's workbook safely: refuse when it is open, lock it, back it up, replace atomically.

* **Open in a spreadsheet program** — Excel and WPS create an owner file ``~$name`` beside the
  workbook (for long names Excel drops the first two characters: ``~$ok1.xlsx``); LibreOffice
  creates ``.~lock.name#``. Either one → :class:`~xltrack.errors.WorkbookLocked` (exit 4).
* **Two refreshes at once** — an exclusive OS lock: ``fcntl.flock`` on the workbook file itself
  (POSIX; after taking it we check the path still names the same file, since a finished refresh
  replaces the inode), ``msvcrt.locking`` on a ``.xltrack-backups/.lock`` file on Windows.
  The second run fails at once with exit 4 instead of waiting.
* **Backups** — before the replace, the current file is copied to
  ``.xltrack-backups/<stem>.<YYYYmmdd-HHMMSS[-n]><suffix>`` beside the workbook (a copy, not a
  hard link: a program that later saves the workbook in place would change a linked backup too);
  only the newest ``keep`` backups of that workbook are kept.
* **No save is ever lost** — :class:`Fingerprint` remembers the version that was read (size,
  ``mtime_ns`` and a BLAKE2 hash of its bytes); :func:`check_unchanged` compares the file with it
  and raises :class:`~xltrack.errors.WorkbookChanged` (exit 4) when someone saved meanwhile. The
  job runner's file sink calls it on the backup it just took (so the backup is the version that
  was read) and again immediately before ``os.replace`` (``atomic_output(before_replace=…)``).
* **Atomic replace** — the new file is written to a temporary file in the same folder, flushed to
  disk, given the original's permission bits and (where the OS allows) its owner and group, then
  ``os.replace``-d over the workbook. A process killed at any moment leaves either the old or the
  new workbook, never a half-written one; a stray temporary file is named ``.~xltrack-*.tmp`` and
  removed by the next run.
* **The file system** — a workbook without any write bit (``chmod 0444``, Windows "read-only") is
  refused (:class:`OutputError`, exit 5), never replaced; a symbolic link is followed (its target
  is replaced, the link stays); a full disk or quota while writing the new file or the backup is
  exit 5 with the workbook untouched and no partial backup kept; names too long for the file
  system get a shortened backup name instead of a crash.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import errno
import hashlib
import os
import re
import shutil
import sys
import tempfile
from pathlib import Path
from dataclasses import dataclass
from typing import Callable, Iterator

from ..errors import OutputError, WorkbookChanged, WorkbookLocked
from ..i18n import pick

BACKUP_DIR = ".xltrack-backups"
TMP_PREFIX = ".~xltrack-"


_CHUNK = 1 << 20


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """What a file was when it was read: its size, modification time and a hash of its bytes."""

    size: int
    mtime_ns: int
    digest: str

    @classmethod
    def of(cls, path: Path) -> "Fingerprint":
        """Hash ``path`` (BLAKE2b, 1 MiB reads; ~30 ms for an 18 MB workbook from the page cache)."""
        h = hashlib.blake2b(digest_size=20)
        with open(path, "rb") as f:
            st = os.fstat(f.fileno())
            while chunk := f.read(_CHUNK):
                h.update(chunk)
        return cls(st.st_size, st.st_mtime_ns, h.hexdigest())

    def matches(self, path: Path) -> bool:
        """Whether ``path`` holds these bytes now (False when it is gone or unreadable)."""
        try:
            now = Fingerprint.of(path)
        except OSError:
            return False
        return (now.size, now.digest) == (self.size, self.digest)

    def same_stat(self, path: Path) -> bool:
        try:
            st = os.stat(path)
        except OSError:
            return False
        return (st.st_size, st.st_mtime_ns) == (self.size, self.mtime_ns)


def changed_meanwhile(path: Path, lang: str = "zh") -> WorkbookChanged:
    return WorkbookChanged(pick(
        lang, "工作簿 {p} 在 xltrack 处理期间被其他人保存过：未写入任何内容，保留了他们的版本。"
              "请重新运行，新的一次会包含他们保存的内容。",
        "Workbook {p} was saved by someone else while xltrack was working on it: nothing was written "
        "and their version is kept. Run it again; the rerun will pick up their save.",
        p=Path(path).name))


def check_unchanged(path: Path, read: Fingerprint, lang: str = "zh") -> None:
    """Raise :class:`WorkbookChanged` unless ``path`` still holds the bytes that were read.

    The bytes decide: a file touched but not changed (same size and hash, new mtime) loses
    nothing when replaced, so it passes; a missing or unreadable file does not.
    """
    if not read.matches(path):
        raise changed_meanwhile(path, lang)


def lock_files(path: Path) -> list[Path]:
    """Owner/lock files that spreadsheet programs create while the workbook is open."""
    path = Path(path)
    names = {f"~${path.name}", f".~lock.{path.name}#"}
    if len(path.stem) > 2:
        names.add(f"~${path.name[2:]}")
    return [path.parent / n for n in sorted(names) if _exists(path.parent / n)]


def _exists(p: Path) -> bool:
    """Like ``Path.exists`` but a name too long for the file system simply does not exist."""
    try:
        return p.exists()
    except OSError:
        return False


def check_not_open(path: Path, lang: str = "zh") -> None:
    found = lock_files(path)
    if found:
        raise WorkbookLocked(pick(
            lang, "工作簿 {p} 正在被 Excel/WPS/LibreOffice 打开（发现锁文件 {f}），请关闭后重试。",
            "Workbook {p} is open in Excel/WPS/LibreOffice (lock file {f}); close it and retry.",
            p=path.name, f=found[0].name))


def _busy(path: Path, lang: str) -> WorkbookLocked:
    return WorkbookLocked(pick(
        lang, "工作簿 {p} 正被其他程序锁定或另一个 xltrack 刷新正在进行，请关闭 Excel 或稍后重试。",
        "Workbook {p} is locked by another program or another xltrack refresh is running; close it in Excel or retry later.",
        p=path.name))


@contextlib.contextmanager
def exclusive_lock(path: Path, lang: str = "zh") -> Iterator[None]:
    """Hold an exclusive, non-blocking OS lock for the workbook for the duration of a refresh."""
    path = Path(path)
    if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
        import msvcrt
        lock_dir = path.parent / BACKUP_DIR
        lock_dir.mkdir(exist_ok=True)
        fd = os.open(lock_dir / f".{path.name}.lock", os.O_RDWR | os.O_CREAT)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError as e:
            os.close(fd)
            raise _busy(path, lang) from e
        try:
            yield
        finally:
            with contextlib.suppress(OSError):
                os.lseek(fd, 0, 0)
                msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
            os.close(fd)
        return
    import fcntl
    for _ in range(5):
        try:
            fd = os.open(path, os.O_RDONLY)
        except PermissionError as e:
            raise _busy(path, lang) from e
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as e:
            os.close(fd)
            raise _busy(path, lang) from e
        try:
            same = os.stat(path).st_ino == os.fstat(fd).st_ino
        except FileNotFoundError:
            same = False
        if same:
            break
        os.close(fd)   # replaced by a refresh that just finished: lock the new file
    else:
        raise _busy(path, lang)
    try:
        yield
    finally:
        os.close(fd)


def _backup_stem(path: Path) -> str:
    """The stem backups of ``path`` are named after; a name that would not fit the file system's
    255 bytes once stamped is cut and given a hash of the whole stem (still unique per workbook)."""
    stem = path.stem
    if len(f"{stem}.20261231-235959-99{path.suffix}".encode()) <= 255:
        return stem
    cut = stem.encode()[:180].decode("utf-8", "ignore")
    return f"{cut}~{hashlib.sha1(stem.encode()).hexdigest()[:10]}"


def make_backup(path: Path, keep: int = 5, *, now: dt.datetime | None = None, lang: str = "zh") -> Path | None:
    """Keep a copy of ``path`` in ``.xltrack-backups/``; prune to the newest ``keep``.

    The copy is written under a temporary name and renamed when complete: a copy cut short (a
    full disk) is removed and raises :class:`OutputError`, never left to count as a backup."""
    if keep <= 0:
        return None
    path = Path(path)
    folder = path.parent / BACKUP_DIR
    stem = _backup_stem(path)
    stamp = (now or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
    dest = folder / f"{stem}.{stamp}{path.suffix}"
    n = 1
    while dest.exists():
        n += 1
        dest = folder / f"{stem}.{stamp}-{n}{path.suffix}"
    part = folder / f"{TMP_PREFIX}backup-{os.getpid()}.tmp"
    try:
        folder.mkdir(exist_ok=True)
        shutil.copy2(path, part)
        os.replace(part, dest)
    except OSError as e:
        with contextlib.suppress(OSError):
            part.unlink()
        raise OutputError(pick(lang, "无法在 {d} 中保存备份（{e}），工作簿未被修改。",
                               "Cannot keep a backup in {d} ({e}); the workbook was not changed.",
                               d=folder, e=e.strerror or e)) from e
    prune_backups(path, keep)
    return dest


def backups_of(path: Path) -> list[Path]:
    """This workbook's backups, oldest first: exactly ``<stem>.<YYYYmmdd-HHMMSS>[-n]<suffix>``, so
    the backups of ``pipeline.20261201.xlsx`` are never taken for those of ``pipeline.xlsx``."""
    path = Path(path)
    folder = path.parent / BACKUP_DIR
    if not folder.is_dir():
        return []
    own = re.compile(re.escape(_backup_stem(path)) + r"\.\d{8}-\d{6}(?:-\d+)?" + re.escape(path.suffix))
    found = [p for p in folder.iterdir() if own.fullmatch(p.name)]
    return sorted(found, key=lambda p: (p.stat().st_mtime_ns, p.name))


def prune_backups(path: Path, keep: int) -> None:
    old = backups_of(path)
    for p in old[:max(0, len(old) - keep)]:
        with contextlib.suppress(OSError):
            p.unlink()


def clean_stale_temps(folder: Path) -> None:
    """Remove temporary files left by a refresh that was killed (older than a minute)."""
    cutoff = dt.datetime.now().timestamp() - 60
    for p in [*Path(folder).glob(TMP_PREFIX + "*.tmp"), *(Path(folder) / BACKUP_DIR).glob(TMP_PREFIX + "*.tmp")]:
        with contextlib.suppress(OSError):
            if p.stat().st_mtime < cutoff:
                p.unlink()


_NO_ROOM = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS, errno.EIO}


def real_target(target: Path) -> Path:
    """A symbolic link is followed: its target file is the one replaced, the link stays a link."""
    return Path(os.path.realpath(target)) if target.is_symlink() else target


def check_writable(target: Path, lang: str = "zh") -> None:
    """Refuse to replace a file marked read-only (no write bit): someone protected it. Checked on
    the mode bits, not ``os.access``, so it holds for root (and a nightly job run as root) too."""
    try:
        mode = target.stat().st_mode
    except OSError:
        return
    if not mode & 0o222:
        raise OutputError(pick(lang, "{p} 是只读文件，xltrack 不会替换它；如需刷新请先取消只读。",
                               "{p} is read-only; xltrack does not replace it. Make it writable to refresh it.",
                               p=target.name))


def _keep_owner(tmp: Path, st: os.stat_result) -> None:
    """The new file gets the old one's owner and group where the OS allows (root, or the group
    of a member); otherwise it belongs to whoever ran xltrack, as any save would."""
    if not hasattr(os, "chown"):
        return
    for uid in (st.st_uid, -1):
        try:
            os.chown(tmp, uid, st.st_gid)
            return
        except OSError:
            continue


@contextlib.contextmanager
def atomic_output(target: Path, lang: str = "zh", *,
                  before_replace: Callable[[], None] | None = None) -> Iterator[Path]:
    """Yield a temporary path in ``target``'s folder; on success it replaces ``target`` atomically.

    ``before_replace`` runs immediately before ``os.replace`` (the last-moment check that the
    file is still the version that was read); if it raises, nothing is replaced. On any exception
    the temporary file is removed and ``target`` is untouched.
    """
    target = real_target(Path(target))
    folder = target.parent
    check_writable(target, lang)
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=TMP_PREFIX, suffix=".tmp", dir=folder)
    except OSError as e:
        raise OutputError(pick(lang, "无法在 {d} 中写入文件：{e}", "Cannot write in {d}: {e}",
                               d=folder, e=e.strerror or e)) from e
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        try:
            yield tmp
            with open(tmp, "rb+") as f:
                os.fsync(f.fileno())
        except OSError as e:
            if e.errno not in _NO_ROOM:
                raise
            raise OutputError(pick(lang, "无法写入 {p}：{e}；工作簿未被修改。",
                                   "Cannot write {p}: {e}; the workbook was not changed.",
                                   p=target, e=e.strerror or e)) from e
        if target.exists():
            st = target.stat()
            with contextlib.suppress(OSError):
                os.chmod(tmp, st.st_mode & 0o7777)
            _keep_owner(tmp, st)
        else:
            with contextlib.suppress(OSError):
                umask = os.umask(0)
                os.umask(umask)
                os.chmod(tmp, 0o666 & ~umask)
        if before_replace is not None:
            before_replace()
        try:
            os.replace(tmp, target)
        except PermissionError as e:
            raise WorkbookLocked(pick(lang, "无法替换 {p}：文件被占用，请在 Excel 中关闭后重试。",
                                      "Cannot replace {p}: the file is in use; close it in Excel and retry.",
                                      p=target.name)) from e
        except OSError as e:
            raise OutputError(pick(lang, "无法写入 {p}：{e}", "Cannot write {p}: {e}",
                                   p=target, e=e.strerror or e)) from e
        if hasattr(os, "O_DIRECTORY"):
            with contextlib.suppress(OSError):
                dfd = os.open(folder, os.O_DIRECTORY)
                os.fsync(dfd)
                os.close(dfd)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
