"""``xltrack excel setup``: write the interpreter path into a workbook's ``xlwings.conf`` sheet.

Only that sheet's part is rewritten (xltrack owns it); every other member of the package is
copied as its raw compressed bytes by the file backend's package writer, so nothing else changes.
"""
from __future__ import annotations

from pathlib import Path

from ..errors import WorkbookUnreadable
from ..i18n import pick
from . import conf_sheet


def set_interpreter(path: str | Path, python: str, *, mac: bool = False) -> dict[str, str | bool]:
    """Set ``Interpreter_Win`` (or ``Interpreter_Mac``) in ``path`` in place; return the settings."""
    from ..backends.file.package import Package, write_package
    from ..backends.file.workbook_parts import WorkbookInfo
    from ..backends.safe_write import atomic_output, check_not_open

    path = Path(path)
    if not path.is_file():
        raise WorkbookUnreadable(f"找不到工作簿 / Workbook not found: {path}")
    lang = "en"
    check_not_open(path, lang)
    with Package(path, lang=lang) as pkg:
        info = WorkbookInfo(pkg)
        names = [s.name for s in info.sheets]
        lang = "zh" if any(any("\u4e00" <= ch <= "\u9fff" for ch in n) for n in names) else "en"
        ref = info.sheet(conf_sheet.SHEET_NAME)
        if ref is None:
            raise WorkbookUnreadable(pick(
                lang, "{p} 没有 xlwings.conf 表：先用 xltrack excel make-macro 生成带按钮的 .xlsm。",
                "{p} has no xlwings.conf sheet: make it with xltrack excel make-macro first.", p=path.name))
        sst_part = "xl/sharedStrings.xml"
        strings = conf_sheet.shared_strings(pkg.read(sst_part).decode("utf-8") if pkg.has(sst_part) else None)
        settings = conf_sheet.read_settings(pkg.read(ref.part).decode("utf-8"), strings)
        merged = dict(conf_sheet.DEFAULTS)
        merged.update(settings)
        merged["Interpreter_Mac" if mac else "Interpreter_Win"] = python
        xml = conf_sheet.sheet_xml(merged, lang=lang).encode("utf-8")
        with atomic_output(path, lang) as tmp:
            write_package(pkg, tmp, replace={ref.part: xml})
    return merged
