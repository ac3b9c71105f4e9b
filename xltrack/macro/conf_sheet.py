"""The ``xlwings.conf`` sheet: the settings xlwings' VBA reads before it starts Python.

xlwings reads column A (key) and B (value) from A1 down to the first blank key (see
``GetConfigFromSheet`` in xlwings.bas); notes are kept below that blank row. xltrack owns this
sheet and rewrites it whole, with inline strings, so no other part of the package changes.
"""
from __future__ import annotations

import re

from .parts import text_cell

SHEET_NAME = "xlwings.conf"

# Key order and defaults: the interpreter is set per machine by `xltrack excel setup`.
DEFAULTS: dict[str, str | bool] = {
    "Interpreter_Win": "",
    "Interpreter_Mac": "",
    "PYTHONPATH": "",
    "Conda Path": "",
    "Conda Env": "",
    "UDF Modules": "",
    "Debug UDFs": False,
    "Use UDF Server": False,
    "Show Console": False,
}

NOTES = {
    "en": ["Settings for the Refresh button (read by xlwings). Set Interpreter_Win with:",
           "    xltrack excel setup WORKBOOK.xlsm --python C:\\path\\to\\venv\\Scripts\\pythonw.exe",
           "Keep the keys in column A without blank rows; see docs/excel-button.md."],
    "zh": ["刷新按钮的设置（由 xlwings 读取）。用下面的命令写入 Interpreter_Win：",
           "    xltrack excel setup 工作簿.xlsm --python C:\\path\\to\\venv\\Scripts\\pythonw.exe",
           "A 列的键之间不要留空行；详见 docs/excel-button.md。"],
}


def sheet_xml(settings: dict[str, str | bool], *, lang: str = "zh", note: str | None = None) -> str:
    rows = []
    r = 0
    for r, (key, value) in enumerate(settings.items(), start=1):
        if isinstance(value, bool):
            vcell = f'<c r="B{r}" t="b"><v>{int(value)}</v></c>'
        elif value == "":
            vcell = ""
        else:
            vcell = text_cell(f"B{r}", str(value))
        rows.append(f'<row r="{r}">{text_cell(f"A{r}", key)}{vcell}</row>')
    notes = NOTES["zh" if lang == "zh" else "en"] + ([note] if note else [])
    for k, text in enumerate(notes, start=r + 2):
        rows.append(f'<row r="{k}">{text_cell(f"A{k}", text)}</row>')
    last = r + 1 + len(notes)
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            f'<sheetPr codeName="xlwings_conf"><tabColor rgb="FF808080"/></sheetPr>'
            f'<dimension ref="A1:B{last}"/><sheetViews><sheetView workbookViewId="0"/></sheetViews>'
            '<sheetFormatPr defaultRowHeight="15"/>'
            '<cols><col min="1" max="1" width="18" customWidth="1"/><col min="2" max="2" width="60" customWidth="1"/></cols>'
            f'<sheetData>{"".join(rows)}</sheetData>'
            '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
            '</worksheet>')


def read_settings(xml: str, shared_strings: list[str]) -> dict[str, str | bool]:
    """Key/value pairs from A1 down to the first blank key (as xlwings reads them)."""
    cells: dict[str, str | bool] = {}
    for m in re.finditer(r'<(?:\w+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)', xml, re.S):
        attrs, body = m.group(1), m.group(2) or ""
        ref = re.search(r'\sr="([A-Z]+\d+)"', attrs)
        if not ref:
            continue
        t = re.search(r'\st="(\w+)"', attrs)
        kind = t.group(1) if t else "n"
        v = re.search(r"<(?:\w+:)?v>(.*?)</(?:\w+:)?v>", body, re.S)
        if kind == "inlineStr":
            val: str | bool = "".join(re.findall(r"<(?:\w+:)?t\b[^>]*>(.*?)</(?:\w+:)?t>", body, re.S))
            val = _unescape(val)
        elif kind == "s" and v:
            val = shared_strings[int(v.group(1))]
        elif kind == "b" and v:
            val = v.group(1).strip() == "1"
        else:
            val = _unescape(v.group(1)) if v else ""
        cells[ref.group(1)] = val
    out: dict[str, str | bool] = {}
    r = 1
    while str(cells.get(f"A{r}", "")).strip():
        out[str(cells[f"A{r}"])] = cells.get(f"B{r}", "")
        r += 1
    return out


def _unescape(s: str) -> str:
    return s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&apos;", "'").replace("&amp;", "&")


def shared_strings(xml: str | None) -> list[str]:
    if not xml:
        return []
    out = []
    for si in re.finditer(r"<(?:\w+:)?si>(.*?)</(?:\w+:)?si>", xml, re.S):
        out.append(_unescape("".join(re.findall(r"<(?:\w+:)?t\b[^>]*>(.*?)</(?:\w+:)?t>", si.group(1), re.S))))
    return out


__all__ = ["SHEET_NAME", "DEFAULTS", "sheet_xml", "read_settings", "shared_strings"]
