"""Edits to the nightly job's *emailed copy*: drop the VBA project, mark it for recalculation on load.

Part of the nightly job (:mod:`xltrack.nightly`, issue 8); it lives among the backends because
only backends touch the zip package (see docs/architecture.md). These work on the zip package part by part (every part not named here is copied as it is, with
its compression), never on the user's workbook: the nightly job only calls them on a private copy
in a temporary folder. Plain :mod:`zipfile` and byte-level edits of three small XML parts —
``[Content_Types].xml``, ``xl/_rels/workbook.xml.rels`` and ``xl/workbook.xml`` — so namespaces,
prefixes and everything else in those parts stay exactly as the producing application wrote them.
"""
from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Callable

CT = "[Content_Types].xml"
WB_RELS = "xl/_rels/workbook.xml.rels"
WORKBOOK = "xl/workbook.xml"
MACRO_MAIN = (b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
              b"application/vnd.ms-excel.template.macroEnabled.main+xml")
XLSX_MAIN = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
VBA_TYPE_RE = re.compile(rb"/relationships/vbaProject(?:Signature\w*)?\"")
VBA_CT = b"application/vnd.ms-office.vbaProject"
# the parts a macro project may consist of (besides the one the workbook rels point to)
VBA_PARTS = {"xl/vbaProject.bin", "xl/_rels/vbaProject.bin.rels", "xl/vbaProjectSignature.bin",
             "xl/vbaProjectSignatureAgile.bin", "xl/vbaProjectSignatureV3.bin"}
FORMULA_RE = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s>/]")
# elements that follow <calcPr> in CT_Workbook's sequence (ECMA-376 Part 1, 18.2.27)
AFTER_CALCPR = (b"oleSize", b"customWorkbookViews", b"pivotCaches", b"smartTagPr",
                b"smartTagTypes", b"webPublishing", b"fileRecoveryPr", b"webPublishObjects", b"extLst")


def _rewrite(src: Path, dst: Path, edit: Callable[[str, bytes], bytes | None]) -> None:
    """Copy ``src`` to ``dst`` member by member; ``edit(name, data)`` returns new bytes or None to drop."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for info in zin.infolist():
            data = edit(info.filename, zin.read(info))
            if data is None:
                continue
            zout.writestr(info, data, compress_type=info.compress_type)


def is_macro_enabled(path: Path) -> bool:
    with zipfile.ZipFile(path) as z:
        ct = z.read(CT) if CT in z.namelist() else b""
        return any(m in ct for m in MACRO_MAIN) or any(n.startswith("xl/vbaProject") for n in z.namelist())


def has_formulas(path: Path) -> bool:
    """True when any worksheet holds a formula (``<f>``): its cached values may be stale."""
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                with z.open(name) as f:
                    tail = b""
                    while chunk := f.read(1 << 20):
                        if FORMULA_RE.search(tail + chunk):
                            return True
                        tail = chunk[-64:]
    return False


def _vba_targets(rels: bytes) -> set[str]:
    out = set()
    for m in re.finditer(rb"<Relationship\b[^>]*>", rels):
        el = m.group(0)
        if VBA_TYPE_RE.search(el):
            t = re.search(rb'Target="([^"]+)"', el)
            if t:
                target = t.group(1).decode()
                out.add(target.lstrip("/") if target.startswith("/") else "xl/" + target)
    return out


def drop_macros(src: Path, dst: Path) -> list[str]:
    """Write a macro-free ``.xlsx`` copy of an ``.xlsm`` package; returns the parts dropped.

    Removes the VBA project parts and their relationships, and switches the workbook's content
    type from macro-enabled to a plain spreadsheet, which is what makes Excel open the copy as
    ``.xlsx`` (it refuses an ``.xlsx`` whose content type says macro-enabled).
    """
    with zipfile.ZipFile(src) as z:
        rels = z.read(WB_RELS) if WB_RELS in z.namelist() else b""
    drop = VBA_PARTS | _vba_targets(rels)
    dropped: list[str] = []

    def edit(name: str, data: bytes) -> bytes | None:
        if name in drop:
            dropped.append(name)
            return None
        if name == CT:
            for m in MACRO_MAIN:
                data = data.replace(m, XLSX_MAIN)
            data = re.sub(rb"<Override\b[^>]*PartName=\"/(?:" +
                          b"|".join(re.escape(p.encode()) for p in sorted(drop)) + rb")\"[^>]*/>", b"", data)
            data = re.sub(rb"<Default\b[^>]*ContentType=\"" + re.escape(VBA_CT) + rb"\"[^>]*/>", b"", data)
        elif name == WB_RELS:
            data = re.sub(rb"<Relationship\b[^>]*/relationships/vbaProject\w*\"[^>]*/>", b"", data)
        return data

    _rewrite(src, dst, edit)
    return dropped


def mark_full_calc_on_load(src: Path, dst: Path) -> None:
    """Copy with ``<calcPr fullCalcOnLoad="1"/>`` in ``xl/workbook.xml``: Excel recalculates on open."""

    def edit(name: str, data: bytes) -> bytes | None:
        return set_full_calc(data) if name == WORKBOOK else data

    _rewrite(src, dst, edit)


def set_full_calc(xml: bytes) -> bytes:
    root = re.search(rb"<(?:([A-Za-z_][\w.-]*):)?workbook[\s>]", xml)
    prefix = (root.group(1) + b":") if root and root.group(1) else b""
    calc = re.search(rb"<" + re.escape(prefix) + rb"calcPr\b[^>]*?/?>", xml)
    if calc:
        el = calc.group(0)
        if re.search(rb"\sfullCalcOnLoad=\"[^\"]*\"", el):
            new = re.sub(rb"\sfullCalcOnLoad=\"[^\"]*\"", b' fullCalcOnLoad="1"', el)
        else:
            cut = len(el) - (2 if el.endswith(b"/>") else 1)
            new = el[:cut].rstrip() + b' fullCalcOnLoad="1"' + el[cut:]
        return xml[:calc.start()] + new + xml[calc.end():]
    new_el = b"<" + prefix + b'calcPr fullCalcOnLoad="1"/>'
    for tag in AFTER_CALCPR:
        m = re.search(rb"<" + re.escape(prefix) + tag + rb"[\s>/]", xml)
        if m:
            return xml[:m.start()] + new_el + xml[m.start():]
    end = xml.rfind(b"</" + prefix + b"workbook>")
    if end < 0:
        return xml
    return xml[:end] + new_el + xml[end:]


def member_names(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as z:
        return z.namelist()
