"""Read a workbook package into memory and write it back atomically, parts in their order.

Parts we do not edit are written with their original bytes (content-identical); only the edited
ones change. Writes go to a temp file in the destination folder and are renamed into place.
"""
from __future__ import annotations

import os
import tempfile
import zipfile
from pathlib import Path

from ..errors import OutputError, WorkbookLocked, WorkbookUnreadable


def read(path: Path) -> tuple[list[str], dict[str, bytes]]:
    try:
        with zipfile.ZipFile(path) as z:
            names = [i.filename for i in z.infolist() if not i.is_dir()]
            return names, {n: z.read(n) for n in names}
    except FileNotFoundError:
        raise WorkbookUnreadable(f"{path}: no such file.") from None
    except (zipfile.BadZipFile, OSError) as e:
        raise WorkbookUnreadable(f"{path} is not an .xlsx/.xlsm workbook ({e}).",
                                 hint="Save it from Excel as .xlsx and retry.") from None


def check_not_open(path: Path) -> None:
    """Excel and LibreOffice leave an owner file next to an open workbook."""
    for lock in (path.with_name("~$" + path.name), path.with_name(f".~lock.{path.name}#")):
        if lock.exists():
            raise WorkbookLocked(f"{path.name} is open in a spreadsheet program ({lock.name} exists).",
                                 hint="Close it and retry.")


def write(path: Path, names: list[str], parts: dict[str, bytes]) -> None:
    path = Path(path)
    check_not_open(path)
    try:
        fd, tmp = tempfile.mkstemp(prefix=".xltrack-", suffix=path.suffix, dir=path.parent or ".")
    except OSError as e:
        raise OutputError(f"cannot write next to {path} ({e.strerror}).") from None
    os.close(fd)
    try:
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as z:
            for n in names:
                z.writestr(zipfile.ZipInfo(n, date_time=(1980, 1, 1, 0, 0, 0)), parts[n],
                           compress_type=zipfile.ZIP_DEFLATED)
        os.replace(tmp, path)
    except OSError as e:
        Path(tmp).unlink(missing_ok=True)
        raise OutputError(f"cannot write {path} ({e.strerror}); nothing was changed.") from None
