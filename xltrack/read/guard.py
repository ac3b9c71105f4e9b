"""Bounded resources: refuse a hostile or broken package before any reader inflates it.

Every command opens a workbook through :func:`xltrack.read.sniff.sniff` (the fast reader) or
:class:`xltrack.backends.file.package.Package` (the writers); both call :func:`check_package`,
which looks only at the zip's central directory and at a few small parts. A worksheet part is
checked again by :func:`check_sheet` right before python-calamine parses it.

The limits (documented in ``docs/SECURITY.md``):

==========================  =============================  ======================================
what                        limit                          why
==========================  =============================  ======================================
one part, uncompressed      :data:`MAX_PART` 1 GiB         declared size from the directory, and
                                                           actual bytes while streaming (zipfile
                                                           stops at the declared size and checks
                                                           the CRC)
all parts, uncompressed     :data:`MAX_TOTAL` 2 GiB        declared sizes
compression ratio           :data:`MAX_RATIO` 200 : 1      for parts over :data:`RATIO_FLOOR`
                                                           (1 MiB); real sheet XML is 5–40 : 1, a
                                                           1,048,576-row sparse sheet ≈ 30 : 1, a
                                                           whitespace bomb ≈ 1000 : 1
members                     :data:`MAX_MEMBERS` 20,000     the directory itself
a sheet's cell area         :data:`MAX_CELLS` 40,000,000   rows × columns from A1 to the farthest
                                                           cell (python-calamine allocates that
                                                           grid densely: one cell at XFD1048576 is
                                                           17 billion cells)
==========================  =============================  ======================================

Also refused, each with one sentence (exit 3): two members with the same name, a member flagged
as encrypted (ZipCrypto), no ``[Content_Types].xml``, a ``<!DOCTYPE`` (DTDs, entity definitions,
external entities) in the prolog of any XML part, and a package
whose content says macro-enabled workbook while its name says ``.xlsx`` (Excel refuses to open it,
and a refresh would keep the name).
"""
from __future__ import annotations

import re
import zipfile
from pathlib import Path

from ..cellref import col_index, col_letter
from ..errors import WorkbookUnreadable

MAX_PART = 1 << 30
MAX_TOTAL = 2 << 30
MAX_RATIO = 200
RATIO_FLOOR = 1 << 20
MAX_MEMBERS = 20_000
MAX_CELLS = 40_000_000
CHUNK = 4 << 20

CT_MACRO = b"application/vnd.ms-excel.sheet.macroEnabled.main+xml"
PROLOG = 64 << 10
_ROOT = re.compile(rb"<[A-Za-z_]")


def _refuse(path: Path, what: str) -> WorkbookUnreadable:
    return WorkbookUnreadable(f"{path.name} is refused: {what}.")


def _mib(n: int) -> str:
    return f"{n / (1 << 20):,.0f} MiB"


def check_package(path: Path, zf: zipfile.ZipFile) -> None:
    """Refuse the package from its directory and small parts (see the module's table)."""
    infos = zf.infolist()
    if len(infos) > MAX_MEMBERS:
        raise _refuse(path, f"it has {len(infos):,} parts (limit {MAX_MEMBERS:,})")
    seen: set[str] = set()
    total = 0
    for i in infos:
        if i.filename in seen:
            raise _refuse(path, f"the part {i.filename} appears twice in the zip (a damaged or tampered file)")
        seen.add(i.filename)
        if i.flag_bits & 0x1:
            raise _refuse(path, f"the part {i.filename} is encrypted (password-protected zip)")
        if i.file_size > MAX_PART:
            raise _refuse(path, f"the part {i.filename} would inflate to {_mib(i.file_size)} "
                                f"(limit {_mib(MAX_PART)} per part)")
        if i.file_size > RATIO_FLOOR and i.file_size > MAX_RATIO * max(i.compress_size, 1):
            raise _refuse(path, f"the part {i.filename} is compressed {i.file_size // max(i.compress_size, 1):,} : 1 "
                                f"(limit {MAX_RATIO} : 1; a zip bomb?)")
        total += i.file_size
    if total > MAX_TOTAL:
        raise _refuse(path, f"its parts would inflate to {_mib(total)} (limit {_mib(MAX_TOTAL)})")
    if "[Content_Types].xml" not in seen:
        raise _refuse(path, "[Content_Types].xml is missing, so it is not a valid Office package")
    for i in infos:
        if i.filename.lower().endswith((".xml", ".rels", ".vml")) and _declares_dtd(zf, i, path):
            raise _refuse(path, f"the part {i.filename} declares a DTD or entities (XML bombs and external "
                                "entities are never read)")
    ct = _read(zf, "[Content_Types].xml", path)
    macro = CT_MACRO in ct
    suffix = path.suffix.lower()
    if suffix == ".xlsx" and macro:
        raise _refuse(path, "it is a macro-enabled workbook (.xlsm) named .xlsx, which Excel will not open; "
                            "rename it to .xlsm")


def _declares_dtd(zf: zipfile.ZipFile, info: zipfile.ZipInfo, path: Path) -> bool:
    """A ``<!DOCTYPE`` in the part's prolog (the only place XML allows one); a prolog longer than
    64 KB counts as one (nothing legitimate pads it)."""
    try:
        with zf.open(info) as f:
            head = f.read(PROLOG)
    except Exception as e:   # damaged member: zipfile / zlib errors
        raise _refuse(path, f"the part {info.filename} is damaged ({type(e).__name__})") from e
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):     # UTF-16 (Power Pivot's customXml parts)
        head = head.decode("utf-16", "ignore").encode("utf-8")
    root = _ROOT.search(head)
    prolog = head[:root.start()] if root else head
    return re.search(rb"<!DOCTYPE|<!ENTITY", prolog, re.I) is not None or (root is None and len(head) == PROLOG)


def _read(zf: zipfile.ZipFile, name: str, path: Path) -> bytes:
    try:
        return zf.read(name)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as e:
        raise _refuse(path, f"the part {name} is damaged ({e})") from e
    except Exception as e:   # zlib.error and friends
        raise _refuse(path, f"the part {name} is damaged ({type(e).__name__})") from e


# -- the cell area of one worksheet part -------------------------------------------------------

def _greater_number(n: int) -> str:
    """A regex matching exactly the decimal integers (no leading zeros) greater than ``n``."""
    d = str(n)
    alts = [rf"[1-9]\d{{{len(d)},}}"]
    for i, ch in enumerate(d):
        if ch != "9":
            alts.append(re.escape(d[:i]) + f"[{int(ch) + 1}-9]" + (rf"\d{{{len(d) - i - 1}}}" if i < len(d) - 1 else ""))
    return "(?:" + "|".join(alts) + ")"


def _greater_column(n: int) -> str:
    """A regex matching exactly the column letters after column ``n`` (1-based)."""
    d = col_letter(n) if n else ""
    alts = [rf"[A-Z]{{{len(d) + 1},}}"]
    for i, ch in enumerate(d):
        if ch != "Z":
            nxt = chr(ord(ch) + 1)
            alts.append(re.escape(d[:i]) + f"[{nxt}-Z]" + (f"[A-Z]{{{len(d) - i - 1}}}" if i < len(d) - 1 else ""))
    return "(?:" + "|".join(alts) + ")"


def _pattern(max_row: int, max_col: int) -> re.Pattern[bytes]:
    """A reference (``r="…"`` of a cell or a row) beyond the area found so far."""
    col, row = _greater_column(max_col), _greater_number(max_row)
    return re.compile((rf' r="(?:({col})\d+|[A-Z]{{0,3}}({row}))"').encode())


_ANY_REF = re.compile(rb' r="([A-Z]{0,3})(\d+)"')


def sheet_area(data_chunks) -> tuple[int, int, int]:
    """(rows, columns, bytes) of a worksheet part given as an iterable of byte chunks: the
    farthest row and column any cell or row reference names, counted from A1.

    Each chunk: the references of its last row (and its last 4 KB) first — rows ascend in every
    producer's output, so the last row of the chunk is its farthest — then one regex search that matches only
    references beyond the area found so far, so an ordinary sheet costs a single scan with no
    match; a hostile one (rows out of order, a lone far cell) a few more."""
    max_row = max_col = size = 0
    tail = b""
    for chunk in data_chunks:
        size += len(chunk)
        buf = tail + chunk
        last_row = max(buf.rfind(b"<row "), buf.rfind(b":row "))    # after it, only the sheet's tail
        for ref in _ANY_REF.finditer(buf, max(0, min(len(buf) - 4096, last_row if last_row >= 0 else len(buf)))):
            max_row = max(max_row, int(ref.group(2)))
            if ref.group(1):
                max_col = max(max_col, col_index(ref.group(1).decode()))
        pat = _pattern(max_row, max_col)
        pos = 0
        while True:
            m = pat.search(buf, pos)
            if m is None:
                break
            ref = _ANY_REF.match(buf, m.start())
            if ref is None:          # cannot happen: the two patterns agree on what a reference is
                pos = m.end()
                continue
            letters, digits = ref.group(1), ref.group(2)
            max_row = max(max_row, int(digits))
            if letters:
                max_col = max(max_col, col_index(letters.decode()))
            pat = _pattern(max_row, max_col)
            pos = m.start() + 1
        tail = buf[-32:]     # a reference cut by the chunk boundary is seen whole next time
    return max_row, max_col, size


def check_sheet(path: Path, zf: zipfile.ZipFile, part: str, sheet: str) -> None:
    """Refuse a worksheet part that is larger than :data:`MAX_PART` when inflated (whatever its
    directory says) or whose cells span more than :data:`MAX_CELLS` from A1."""
    def chunks():
        got = 0
        with zf.open(part) as f:
            while True:
                b = f.read(CHUNK)
                if not b:
                    return
                got += len(b)
                if got > MAX_PART:
                    raise _refuse(path, f"the sheet {sheet!r} inflates beyond {_mib(MAX_PART)}")
                yield b

    try:
        rows, cols, _ = sheet_area(chunks())
    except WorkbookUnreadable:
        raise
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as e:
        raise _refuse(path, f"the sheet {sheet!r} is damaged ({e})") from e
    except Exception as e:   # zlib.error
        raise _refuse(path, f"the sheet {sheet!r} is damaged ({type(e).__name__})") from e
    if rows and cols and rows * cols > MAX_CELLS:
        raise _refuse(path, f"the sheet {sheet!r} spans {rows:,} rows × {cols:,} columns "
                            f"(to cell {col_letter(cols)}{rows}); at most {MAX_CELLS:,} cells from A1 are read")
