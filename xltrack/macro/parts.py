"""Small, byte-careful edits of SpreadsheetML parts used when making a workbook macro-enabled.

Worksheet parts can be large and are the user's: they are edited as text at exact positions
(a code name on ``sheetPr``, one ``legacyDrawing`` child), never re-serialized, so every other
byte stays as it was. Small package parts (workbook, rels, content types) are edited the same way.
"""
from __future__ import annotations

import posixpath
import re
from xml.sax.saxutils import escape, quoteattr

REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
REL_WORKSHEET = REL_NS + "/worksheet"
REL_VML = REL_NS + "/vmlDrawing"
REL_VBA = "http://schemas.microsoft.com/office/2006/relationships/vbaProject"
CT_MACRO_MAIN = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
CT_SHEET_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
CT_VBA = "application/vnd.ms-office.vbaProject"
CT_VML = "application/vnd.openxmlformats-officedocument.vmlDrawing"
CT_WORKSHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"

_TAG = re.compile(r"<(/?)([A-Za-z_][\w.\-]*:)?([A-Za-z_][\w.\-]*)((?:[^>\"']|\"[^\"]*\"|'[^']*')*?)(/?)>")
# CT_Worksheet children that must come after legacyDrawing (ECMA-376 Part 1, 18.3.1.99).
_AFTER_LEGACY = ("legacyDrawingHF", "drawingHF", "picture", "oleObjects", "controls",
                 "webPublishItems", "tableParts", "extLst")


def rels_path(part: str) -> str:
    d, f = posixpath.split(part)
    return posixpath.join(d, "_rels", f + ".rels")


def resolve(base_part: str, target: str) -> str:
    if target.startswith("/"):
        return target[1:]
    return posixpath.normpath(posixpath.join(posixpath.dirname(base_part), target))


def parse_rels(xml: str) -> list[dict[str, str]]:
    out = []
    for m in re.finditer(r"<(?:\w+:)?Relationship\b([^>]*)/?>", xml):
        out.append(dict(re.findall(r'(\w+)="([^"]*)"', m.group(1))))
    return out


def add_rel(xml: str | None, rel_type: str, target: str) -> tuple[str, str]:
    """Append a relationship; returns (new xml, its id)."""
    if xml is None:
        xml = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{PKG_REL_NS}"></Relationships>'
    ids = {r.get("Id") for r in parse_rels(xml)}
    n = 1
    while f"rId{n}" in ids:
        n += 1
    rid = f"rId{n}"
    rel = f'<Relationship Id="{rid}" Type="{rel_type}" Target={quoteattr(target)}/>'
    m = re.search(r"</(?:\w+:)?Relationships>", xml)
    if m is None:
        xml = xml.replace("/>", f">{rel}</Relationships>", 1) if re.search(r"<Relationships[^>]*/>", xml) else xml + rel
        return xml, rid
    return xml[:m.start()] + rel + xml[m.start():], rid


def content_types(xml: str, *, overrides: dict[str, str], defaults: dict[str, str]) -> str:
    """Set Override content types per part name and add Default ones when missing."""
    for part, ct in overrides.items():
        pat = re.compile(r'<Override\b[^>]*PartName="' + re.escape(part) + r'"[^>]*/>')
        new = f'<Override PartName="{part}" ContentType="{ct}"/>'
        xml = pat.sub(new, xml) if pat.search(xml) else xml.replace("</Types>", new + "</Types>")
    for ext, ct in defaults.items():
        if not re.search(r'<Default\b[^>]*Extension="' + re.escape(ext) + '"', xml, re.I):
            xml = xml.replace("</Types>", f'<Default Extension="{ext}" ContentType="{ct}"/></Types>')
    return xml


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


def sheet_code_name(xml: str) -> str | None:
    _, kids = top_children(xml, "worksheet")
    for name, s, e in kids:
        if name == "sheetPr":
            m = re.match(r"<[^>]*\scodeName=\"([^\"]*)\"", xml[s:e])
            return m.group(1) if m else None
    return None


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
    _, kids = top_children(xml, "worksheet")
    for name, s, e in kids:
        if name == "legacyDrawing":
            m = re.search(r'\b(?:\w+:)?id="([^"]*)"', xml[s:e])
            return m.group(1) if m else None
    return None


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
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def add_sheet_to_workbook(xml: str, name: str, rid: str) -> str:
    ids = [int(x) for x in re.findall(r'<(?:\w+:)?sheet\b[^>]*\ssheetId="(\d+)"', xml)]
    entry = f'<{root_prefix(xml, "workbook")}sheet xmlns:r="{REL_NS}" name={quoteattr(name)} sheetId="{max(ids, default=0) + 1}" r:id="{rid}"/>'
    m = re.search(r"</(?:\w+:)?sheets>", xml)
    return xml[:m.start()] + entry + xml[m.start():]


def text_cell(ref: str, value: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{escape(value)}</t></is></c>'
