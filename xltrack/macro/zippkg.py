"""Read a workbook package into memory; write a new one atomically (parts in their order).

Used by :func:`make_macro_workbook`, which writes a new file. Writes go through
:func:`xltrack.backends.safe_write.atomic_output` (temp file + rename, refused while open).
"""
from __future__ import annotations

import zipfile
from pathlib import Path

from ..errors import WorkbookUnreadable


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


def write(path: Path, names: list[str], parts: dict[str, bytes], *, lang: str = "zh") -> None:
    from ..backends.safe_write import atomic_output, check_not_open
    path = Path(path)
    if path.exists():
        check_not_open(path, lang)
    with atomic_output(path, lang) as tmp:
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as z:
            for n in names:
                z.writestr(zipfile.ZipInfo(n, date_time=(1980, 1, 1, 0, 0, 0)), parts[n],
                           compress_type=zipfile.ZIP_DEFLATED)
