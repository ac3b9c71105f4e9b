"""Small, byte-careful edits of SpreadsheetML parts used when making a workbook macro-enabled.

Worksheet parts can be large and are the user's: they are edited as text at exact positions
(a code name on ``sheetPr``, one ``legacyDrawing`` child), never re-serialized, so every other
byte stays as it was. The workbook part gets its code name the same way. Package-level edits
(relationships, content types, a new sheet entry) are the file backend's
(:mod:`xltrack.backends.file.workbook_parts`), shared with every other writer.
"""
from __future__ import annotations

import re
from xml.sax.saxutils import escape, quoteattr

from ..backends.file.xmlutil import REL_NS, RT, col_index

REL_VML = RT + "vmlDrawing"
REL_VBA = "http://schemas.microsoft.com/office/2006/relationships/vbaProject"
CT_MACRO_MAIN = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
CT_VBA = "application/vnd.ms-office.vbaProject"
CT_VML = "application/vnd.openxmlformats-officedocument.vmlDrawing"

_TAG = re.compile(r"<(/?)([A-Za-z_][\w.\-]*:)?([A-Za-z_][\w.\-]*)((?:[^>\"']|\"[^\"]*\"|'[^']*')*?)(/?)>")
# CT_Worksheet children that must come after legacyDrawing (ECMA-376 Part 1, 18.3.1.99).
_AFTER_LEGACY = ("legacyDrawingHF", "drawingHF", "picture", "oleObjects", "controls",
                 "webPublishItems", "tableParts", "extLst")


def top_children(xml: str, root: str) -> tuple[int, list[tuple[str, int, int]]]:
    """(end of the root start tag, [(local name, start, end)] of the root's direct children).

    ``sheetData`` is skipped in one jump (it is most of a big sheet and holds no children we edit),
    so this stays fast on 50,000-row sheets.
    """
    m = re.search(r"<(?:\w+:)?" + root + r"\b[^>]*>", xml)
    if m is None:
        raise ValueError(f"no <{root}> element")
    pos, depth, out, start, name = m.end(), 0, [], 0, ""
    while True:
        t = _TAG.search(xml, pos)
        if t is None:
            break
        pos = t.end()
        if t.group(0).startswith(("<!", "<?")):
            continue
        closing, prefix, local, selfclose = t.group(1), t.group(2) or "", t.group(3), t.group(5)
        if closing:
            if depth == 0:          # the root's end tag
                break
            depth -= 1
            if depth == 0:
                out.append((name, start, t.end()))
        elif selfclose:
            if depth == 0:
                out.append((local, t.start(), t.end()))
        elif depth == 0 and local == "sheetData":
            end = xml.find(f"</{prefix}sheetData>", pos)
            if end < 0:
                raise ValueError("unterminated sheetData")
            pos = end + len(f"</{prefix}sheetData>")
            out.append((local, t.start(), pos))
        else:
            if depth == 0:
                start, name = t.start(), local
            depth += 1
    return m.end(), out


def set_attr(tag: str, name: str, value: str) -> str:
    """Set attribute ``name`` on a start tag (text like ``<sheetPr a="1">``)."""
    pat = re.compile(r'(\s' + re.escape(name) + r')="[^"]*"')
    if pat.search(tag):
        return pat.sub(lambda m: f'{m.group(1)}={quoteattr(value)}', tag, count=1)
    end = -2 if tag.endswith("/>") else -1
    return tag[:end] + f" {name}={quoteattr(value)}" + tag[end:]


def _child(xml: str, root: str, local: str) -> str | None:
    """The text of ``root``'s first direct child named ``local``, or None."""
    _, kids = top_children(xml, root)
    return next((xml[s:e] for name, s, e in kids if name == local), None)


def sheet_code_name(xml: str) -> str | None:
    el = _child(xml, "worksheet", "sheetPr")
    m = re.match(r"<[^>]*\scodeName=\"([^\"]*)\"", el) if el else None
    return m.group(1) if m else None


def root_prefix(xml: str, root: str) -> str:
    """"x:" when the root element is written ``<x:worksheet …>``, else ""."""
    m = re.search(r"<(\w+:)?" + root + r"\b", xml)
    return (m.group(1) or "") if m else ""


def with_sheet_code_name(xml: str, code: str) -> str:
    root_end, kids = top_children(xml, "worksheet")
    px = root_prefix(xml, "worksheet")
    for name, s, _ in kids:
        if name == "sheetPr":
            tag_end = xml.index(">", s) + 1
            return xml[:s] + set_attr(xml[s:tag_end], "codeName", code) + xml[tag_end:]
    return xml[:root_end] + f'<{px}sheetPr codeName="{code}"/>' + xml[root_end:]


def with_workbook_code_name(xml: str, code: str) -> tuple[str, str]:
    """Ensure ``workbookPr/@codeName``; returns (xml, the code name in force)."""
    root_end, kids = top_children(xml, "workbook")
    for name, s, _ in kids:
        if name == "workbookPr":
            tag_end = xml.index(">", s) + 1
            m = re.search(r'\scodeName="([^"]*)"', xml[s:tag_end])
            if m:
                return xml, m.group(1)
            return xml[:s] + set_attr(xml[s:tag_end], "codeName", code) + xml[tag_end:], code
    at = root_end
    for name, s, e in kids:                 # after fileVersion / fileSharing
        if name in ("fileVersion", "fileSharing"):
            at = e
    return xml[:at] + f'<{root_prefix(xml, "workbook")}workbookPr codeName="{code}"/>' + xml[at:], code


def legacy_drawing_rid(xml: str) -> str | None:
    el = _child(xml, "worksheet", "legacyDrawing")
    m = re.search(r'\b(?:\w+:)?id="([^"]*)"', el) if el else None
    return m.group(1) if m else None


def with_legacy_drawing(xml: str, rid: str) -> str:
    root_end, kids = top_children(xml, "worksheet")
    tag = f'<{root_prefix(xml, "worksheet")}legacyDrawing xmlns:r="{REL_NS}" r:id="{rid}"/>'
    for name, s, _ in kids:
        if name in _AFTER_LEGACY:
            return xml[:s] + tag + xml[s:]
    end = xml.rindex("</")
    return xml[:end] + tag + xml[end:]


def last_column(xml: str) -> int:
    """The sheet's last used column (1-based) from its dimension, else from the first rows."""
    m = re.search(r'<(?:\w+:)?dimension\b[^>]*\sref="[A-Z]+\d+:([A-Z]+)\d+"', xml[:4000])
    letters = m.group(1) if m else None
    if letters is None:
        cols = re.findall(r'<(?:\w+:)?c\b[^>]*\sr="([A-Z]+)\d+"', xml[:200000])
        letters = max(cols, key=lambda c: (len(c), c)) if cols else "A"
    return col_index(letters)


def text_cell(ref: str, value: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{escape(value)}</t></is></c>'
