"""The workbook copy that goes into the email: macro-free by default, with fresh formula results.

A macro-free ``.xlsx`` is the default because mail gateways strip or quarantine ``.xlsm``
attachments and Excel blocks macros in files from the internet (Mark of the Web) anyway;
``attach="xlsm"`` sends the macro-enabled workbook as it is, ``"none"`` sends no attachment.
The copy is made in a private folder; the refreshed workbook itself is never touched here.
"""
from __future__ import annotations

import datetime as dt
import logging
import shutil
from dataclasses import dataclass
from pathlib import Path

from ..backends.mailcopy import drop_macros, is_macro_enabled
from .recalc import recalc_copy

log = logging.getLogger("xltrack.nightly")

MIME = {
    ".xlsx": ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ".xlsm": ("application", "vnd.ms-excel.sheet.macroEnabled.12"),
}


@dataclass(slots=True)
class Attachment:
    path: Path           # the prepared copy
    filename: str        # the name the recipient sees
    maintype: str
    subtype: str
    recalc: str          # no-formulas | libreoffice | full-calc-on-load
    dropped: list[str]   # package parts removed (the VBA project) — empty for a plain copy


def attachment_name(workbook: Path, as_of: dt.date, suffix: str) -> str:
    """``销售跟踪_2026-11-27.xlsx``: the workbook's name with the as-of date."""
    return f"{workbook.stem}_{as_of.isoformat()}{suffix}"


def prepare_attachment(workbook: Path, workdir: Path, *, attach: str, as_of: dt.date,
                       recalc: bool = True) -> Attachment | None:
    """Copy the refreshed ``workbook`` into ``workdir`` in the requested form (None for "none")."""
    if attach == "none":
        return None
    workbook = Path(workbook)
    macro = is_macro_enabled(workbook)
    dropped: list[str] = []
    if attach == "xlsm" and macro:
        suffix = ".xlsm"
        copy = workdir / ("attachment" + suffix)
        shutil.copyfile(workbook, copy)
    else:
        if attach == "xlsm":
            log.info("attachment: the workbook has no macros; attaching it as .xlsx")
        suffix = ".xlsx"
        copy = workdir / ("attachment" + suffix)
        if macro:
            dropped = drop_macros(workbook, copy)
            log.info("attachment: macro-free .xlsx copy (removed %s)", ", ".join(dropped) or "nothing")
        else:
            shutil.copyfile(workbook, copy)
    mode = recalc_copy(copy, use_libreoffice=recalc)
    maintype, subtype = MIME[suffix]
    return Attachment(path=copy, filename=attachment_name(workbook, as_of, suffix),
                      maintype=maintype, subtype=subtype, recalc=mode, dropped=dropped)
