"""Worksheet rows handed out to several copies in one pass, and the shared strings they use.

:func:`split_rows` reads a worksheet part once and returns, for every scope key, the part as that
scope's copy holds it: the rows above and including the header row unchanged, then only the data
rows of that key, renumbered consecutively below the header. Cells keep their bytes (styles,
inline text, shared-string indexes) apart from their row number; a formula in a data row is
kept as its last value (a formula may point at rows the copy no longer has), and the copy says
how many it turned into values. Row-addressed elements outside ``<sheetData>`` follow the rows:
``<hyperlinks>`` and ``<mergeCells>`` on a data row are renumbered or dropped with it, the
``<dimension>`` shrinks. Validations and conditional formats keep their ranges (they name
columns, not people).

:func:`rebuild_shared_strings` then keeps, for one copy, only the shared strings its sheets use,
so the text of a dropped row is nowhere in the copy's package.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Hashable, Mapping


_ROW = re.compile(rb"<(?:\w+:)?row\b[^>]*?(?:/>|>.*?</(?:\w+:)?row>)", re.S)
_ROW_NUM = re.compile(rb'^<(?:\w+:)?row\b[^>]*?\sr="(\d+)"')
_CELL_REF = re.compile(rb'(<(?:\w+:)?c\b[^>]*?\sr=")([A-Z]+)(\d+)(")')
_FORMULA = re.compile(rb"<(\w+:)?f\b[^>]*?(?:/>|>.*?</(?:\w+:)?f>)", re.S)
_SHEET_DATA = re.compile(rb"<((?:\w+:)?)sheetData\b[^>]*?(/?)>")
_HYPERLINKS = re.compile(rb"<((?:\w+:)?)hyperlinks\b[^>]*>(.*?)</(?:\w+:)?hyperlinks>", re.S)
_HYPERLINK = re.compile(rb"<(?:\w+:)?hyperlink\b[^>]*?/>|<(?:\w+:)?hyperlink\b.*?</(?:\w+:)?hyperlink>", re.S)
_MERGES = re.compile(rb"<((?:\w+:)?)mergeCells\b[^>]*>(.*?)</(?:\w+:)?mergeCells>", re.S)
_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*?\sref="([^"]+)"[^>]*?/>')
_DIMENSION = re.compile(rb'(<(?:\w+:)?dimension\b[^>]*?\sref=")([^"]*)(")')
_REF = re.compile(rb"\$?([A-Z]+)\$?(\d+)")
_AUTOFILTER = re.compile(rb'(<(?:\w+:)?autoFilter\b[^>]*?\sref=")([^"]+)(")')
_RID = re.compile(rb'\sr:id="([^"]+)"')


ALL = "\x00all"   # a row every copy gets (History records that name no project)


@dataclass
class SheetCopy:
    """One copy of a worksheet part: its XML, the old→new row numbers of its data rows, the
    relationship IDs it no longer uses (hyperlinks of dropped rows), formulas turned to values."""

    xml: bytes
    rows: dict[int, int] = field(default_factory=dict)
    dropped_rids: set[str] = field(default_factory=set)
    formulas_to_values: int = 0


def _renumber(row: bytes, old: int, new: int) -> tuple[bytes, int]:
    row = re.sub(rb'^(<(?:\w+:)?row\b[^>]*?\sr=")\d+(")', lambda m: m.group(1) + b"%d" % new + m.group(2), row, count=1)
    if old != new:   # a replacement template, no Python call per cell
        row = _CELL_REF.sub(b"\\g<1>\\g<2>%d\\g<4>" % new, row)
    n = 0
    if b"<f" in row or b":f" in row:
        row, n = _FORMULA.subn(b"", row)
    return row, n


def split_rows(xml: bytes, header_row: int, key_of_row: Mapping[int, Hashable],
               keys: list[Hashable]) -> dict[Hashable, SheetCopy]:
    """The part as each key's copy holds it (see the module docstring). Data rows whose number
    is not in ``key_of_row`` (blank rows, or rows of no key asked for) are in no copy; rows keyed
    :data:`ALL` are in every copy."""
    m = _SHEET_DATA.search(xml)
    if m is None:
        raise ValueError("worksheet part has no sheetData")
    if m.group(2):
        return {k: SheetCopy(xml) for k in keys}
    end_tag = b"</" + m.group(1) + b"sheetData>"
    end = xml.index(end_tag, m.end())
    head, body, tail = xml[:m.end()], xml[m.end():end], xml[end:]
    shared: list[bytes] = []
    parts: dict[Hashable, list[bytes]] = {k: [] for k in keys}
    copies = {k: SheetCopy(b"") for k in keys}
    nxt = 0
    for rm in _ROW.finditer(body):
        row = rm.group(0)
        num = _ROW_NUM.match(row)
        r = int(num.group(1)) if num else nxt + 1
        nxt = r
        if r <= header_row:
            shared.append(row)
            continue
        key = key_of_row.get(r)
        for k in (keys if key is ALL else (key,) if key in parts else ()):
            copy = copies[k]
            new = header_row + len(copy.rows) + 1
            copy.rows[r] = new
            if num is None:   # no r attribute: give it one so the new position is explicit
                one = re.sub(rb"^(<(?:\w+:)?row\b)", lambda a: a.group(1) + b' r="%d"' % new, row, count=1)
                one, n = _renumber(one, new, new)
            else:
                one, n = _renumber(row, r, new)
            copy.formulas_to_values += n
            parts[k].append(one)
    shared_b = b"".join(shared)
    for k, copy in copies.items():
        copy.xml = _fix_tail_elements(head + shared_b + b"".join(parts[k]), tail, header_row, copy)
    return copies


def _map_ref(ref: bytes, header_row: int, rows: dict[int, int]) -> bytes | None:
    """A cell or range reference in the copy, or None when it touches a row the copy lacks."""
    out = []
    for part in ref.split(b":"):
        m = _REF.fullmatch(part)
        if m is None:
            return None
        r = int(m.group(2))
        if r <= header_row:
            out.append(part)
        elif r in rows:
            out.append(m.group(1) + b"%d" % rows[r])
        else:
            return None
    return b":".join(out)


def _fix_tail_elements(head: bytes, tail: bytes, header_row: int, copy: SheetCopy) -> bytes:
    last = header_row + len(copy.rows)

    def hyperlinks(m: re.Match) -> bytes:
        kept = []
        for h in _HYPERLINK.finditer(m.group(2)):
            ref = re.search(rb'\sref="([^"]+)"', h.group(0))
            new = _map_ref(ref.group(1), header_row, copy.rows) if ref else None
            if new is None:
                copy.dropped_rids.update(x.decode() for x in _RID.findall(h.group(0)))
                continue
            kept.append(h.group(0).replace(ref.group(0), b' ref="' + new + b'"', 1))
        if not kept:
            return b""
        return m.group(0)[:m.start(2) - m.start(0)] + b"".join(kept) + m.group(0)[m.end(2) - m.start(0):]

    def merges(m: re.Match) -> bytes:
        kept = []
        for g in _MERGE.finditer(m.group(2)):
            new = _map_ref(g.group(1), header_row, copy.rows)
            if new is not None and (b":" not in new or _one_block(g.group(1), new)):
                kept.append(g.group(0).replace(g.group(1), new, 1))
        if not kept:
            return b""
        p = m.group(1)
        return b"<" + p + b'mergeCells count="%d">' % len(kept) + b"".join(kept) + b"</" + p + b"mergeCells>"

    tail = _HYPERLINKS.sub(hyperlinks, tail)
    tail = _AUTOFILTER.sub(lambda m: m.group(1) + shrink_range(m.group(2), header_row, last) + m.group(3), tail)
    tail = _MERGES.sub(merges, tail)

    def dimension(m: re.Match) -> bytes:
        first = m.group(2).split(b":")[0]
        last_col = _REF.fullmatch(m.group(2).split(b":")[-1])
        if last_col is None:
            return m.group(0)
        return m.group(1) + first + b":" + last_col.group(1) + b"%d" % last + m.group(3)

    head = _DIMENSION.sub(dimension, head, count=1)
    return head + tail


def shrink_range(ref: bytes, header_row: int, last: int) -> bytes:
    """A range starting at the header row (a table, an autofilter) ending at the copy's last row
    (at least one row below the header)."""
    a, _, b = ref.partition(b":")
    ma, mb = _REF.fullmatch(a), _REF.fullmatch(b)
    if not (ma and mb) or int(ma.group(2)) != header_row:
        return ref
    return a + b":" + mb.group(1) + b"%d" % max(last, header_row + 1)


def _one_block(old: bytes, new: bytes) -> bool:
    """A merged range stays merged only if its rows are still consecutive in the copy."""
    (a, b), (c, d) = [[int(_REF.fullmatch(x).group(2)) for x in r.split(b":")] for r in (old, new)]
    return b - a == d - c


# -- shared strings -----------------------------------------------------------------------------
_SI = re.compile(rb"<(?:\w+:)?si\b[^>]*?(?:/>|>.*?</(?:\w+:)?si>)", re.S)
_SST_OPEN = re.compile(rb"<((?:\w+:)?)sst\b[^>]*?(/?)>")
# a shared-string cell holds only its <v> (a formula returning text is t="str")
_S_CELL = re.compile(rb'(<(?:\w+:)?c\b[^>]*?\st="s"[^>]*><(?:\w+:)?v>)(\d+)(</)')


def used_indexes(xml: bytes) -> set[int]:
    return {int(m.group(2)) for m in _S_CELL.finditer(xml)} if b't="s"' in xml else set()


def remap_indexes(xml: bytes, mapping: dict[int, int]) -> bytes:
    if b't="s"' not in xml:
        return xml
    return _S_CELL.sub(lambda m: m.group(1) + b"%d" % mapping[int(m.group(2))] + m.group(3), xml)


def shared_string_items(sst: bytes) -> list[bytes]:
    """The ``<si>`` items of a shared-strings part (parse once, rebuild for many copies)."""
    m = _SST_OPEN.search(sst)
    if m is None:
        raise ValueError("not a shared-strings part")
    return [] if m.group(2) else _SI.findall(sst, m.end(), sst.rindex(b"</" + m.group(1) + b"sst>"))


def rebuild_shared_strings(sst: bytes, sheets: dict[str, bytes], items: list[bytes] | None = None
                           ) -> tuple[bytes, dict[str, bytes]]:
    """The shared-strings part holding only the strings ``sheets`` use, and the sheets with
    their indexes renumbered to it (in first-use order of the old indexes)."""
    m = _SST_OPEN.search(sst)
    if m is None:
        raise ValueError("not a shared-strings part")
    if items is None:
        items = shared_string_items(sst)
    used: set[int] = set()
    for xml in sheets.values():
        used |= used_indexes(xml)
    order = sorted(i for i in used if i < len(items))
    mapping = {old: new for new, old in enumerate(order)}
    missing = used - set(order)
    if missing:   # an index past the table (a broken file): point it at an empty string
        empty = len(order)
        for i in missing:
            mapping[i] = empty
    kept = [items[i] for i in order] + ([b"<si><t></t></si>"] if missing else [])
    attrs = re.sub(rb'\s(?:count|uniqueCount)="\d*"', b"", sst[m.start():m.end()])
    attrs = attrs[:-2] + b">" if attrs.endswith(b"/>") else attrs
    prefix = m.group(1)
    new_sst = (sst[:m.start()] + attrs[:-1] + b' count="%d" uniqueCount="%d">' % (len(kept), len(kept))
               + b"".join(kept) + b"</" + prefix + b"sst>")
    return new_sst, {name: remap_indexes(xml, mapping) for name, xml in sheets.items()}


# -- notes (comments) on data rows ----------------------------------------------------------------
_COMMENT = re.compile(rb'<(?:\w+:)?comment\b[^>]*?\sref="([A-Z]+)(\d+)"[^>]*?(?:/>|>.*?</(?:\w+:)?comment>)', re.S)
_SHAPE = re.compile(rb"<v:shape\b.*?</v:shape>", re.S)
_VML_ROW = re.compile(rb"(<x:Row>)(\d+)(</x:Row>)")
_ANCHOR = re.compile(rb"(<x:Anchor>)([^<]*)(</x:Anchor>)")


def filter_comments(xml: bytes, header_row: int, rows: dict[int, int]) -> bytes:
    """A comments part with the notes of the copy's rows only (renumbered); header notes stay."""
    def one(m: re.Match) -> bytes:
        r = int(m.group(2))
        if r <= header_row:
            return m.group(0)
        if r not in rows:
            return b""
        return m.group(0).replace(b'ref="' + m.group(1) + m.group(2) + b'"',
                                  b'ref="' + m.group(1) + b"%d" % rows[r] + b'"', 1)
    return _COMMENT.sub(one, xml)


def filter_vml(xml: bytes, header_row: int, rows: dict[int, int]) -> bytes:
    """The note shapes of a legacy drawing, likewise (rows in VML count from 0)."""
    def one(m: re.Match) -> bytes:
        shape = m.group(0)
        rm = _VML_ROW.search(shape)
        if rm is None:
            return shape
        r = int(rm.group(2)) + 1
        if r <= header_row:
            return shape
        if r not in rows:
            return b""
        delta = rows[r] - r
        shape = shape.replace(rm.group(0), rm.group(1) + b"%d" % (rows[r] - 1) + rm.group(3), 1)

        def anchor(a: re.Match) -> bytes:
            nums = [x.strip() for x in a.group(2).split(b",")]
            if len(nums) == 8:
                nums[2] = b"%d" % max(0, int(nums[2]) + delta)
                nums[6] = b"%d" % max(0, int(nums[6]) + delta)
            return a.group(1) + b", ".join(nums) + a.group(3)
        return _ANCHOR.sub(anchor, shape, count=1)
    return _SHAPE.sub(one, xml)
