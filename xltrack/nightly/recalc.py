"""Fresh formula results in the emailed copy: LibreOffice ``calculateAll()``, else recalc-on-load.

xltrack writes the values it computes as values, but a workbook may also hold the team's own
formulas, whose cached results (what a mail preview, a phone viewer or openpyxl shows) are only
as fresh as the last save in a spreadsheet program. Plain ``soffice --convert-to xlsx`` keeps
stale cached values, so the copy is opened through UNO and recalculated with ``calculateAll()``.

The UNO job runs through :func:`.office.run_uno` (Debian's python3-uno, a private profile, macros
disabled). LibreOffice's own save is lossy
(pivot caches, slicers, some styles), which is acceptable for a preview copy and is why this is
only ever applied to the attachment in a temporary folder — never to the user's workbook.
Without LibreOffice (or when it fails), the copy gets ``<calcPr fullCalcOnLoad="1"/>`` so Excel
recalculates when the recipient opens it. Measured here: one recalculation ≈ 1.4 s on an idle
machine (up to ≈ 6 s under load), most of it LibreOffice's start-up.
"""
from __future__ import annotations

import logging
import os
import subprocess
from pathlib import Path

from ..backends.mailcopy import has_formulas, mark_full_calc_on_load
from .office import last_line, libreoffice_available, run_uno

log = logging.getLogger("xltrack.nightly")

# Run inside LibreOffice by :func:`.office.run_uno`: ARGS = src, dst
RECALC = r'''
doc = open_doc(desktop, ARGS[0])
doc.calculateAll()
doc.storeToURL(uno.systemPathToFileUrl(ARGS[1]), (pv("FilterName", "Calc MS Excel 2007 XML"),))
doc.close(True)
'''


def recalculate_with_libreoffice(src: Path, dst: Path, *, soffice: str, timeout: float = 180) -> None:
    """Open ``src`` in LibreOffice headless, ``calculateAll()``, save as .xlsx to ``dst``."""
    proc = run_uno(RECALC, str(src.resolve()), str(dst.resolve()), soffice=soffice, timeout=timeout)
    if proc.returncode != 0 or not dst.is_file():
        raise RuntimeError(f"LibreOffice recalculation failed: {last_line(proc)}")


def recalc_copy(path: Path, *, use_libreoffice: bool = True, timeout: float = 180) -> str:
    """Give the attachment at ``path`` fresh formula results, in place. Returns what happened:

    ``"no-formulas"`` (nothing to do), ``"libreoffice"`` (recalculated by calculateAll) or
    ``"full-calc-on-load"`` (marked; Excel recalculates when the recipient opens it).
    """
    path = Path(path)
    if not has_formulas(path):
        log.info("attachment: no user formulas, cached values are current")
        return "no-formulas"
    soffice = libreoffice_available() if use_libreoffice and path.suffix.lower() == ".xlsx" else None
    if soffice:
        out = path.with_name(path.stem + ".recalc.xlsx")
        try:
            recalculate_with_libreoffice(path, out, soffice=soffice, timeout=timeout)
        except (RuntimeError, OSError, subprocess.TimeoutExpired) as e:
            out.unlink(missing_ok=True)
            log.warning("attachment: %s; marking it for recalculation on open instead", e)
        else:
            os.replace(out, path)
            log.info("attachment: formulas recalculated with LibreOffice (calculateAll)")
            return "libreoffice"
    tmp = path.with_name(path.stem + ".calc" + path.suffix)
    mark_full_calc_on_load(path, tmp)
    os.replace(tmp, path)
    why = ("macro-enabled copy is not passed through LibreOffice" if path.suffix.lower() == ".xlsm"
           else "LibreOffice not used")
    log.info("attachment: marked for full recalculation on open (fullCalcOnLoad; %s)", why)
    return "full-calc-on-load"
