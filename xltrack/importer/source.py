"""Reading an import source into grids: CSV (encoding and delimiter detected), .xlsx/.xlsm, .xls
and .ods (through python-calamine).

A CSV's encoding is, in this order: a byte-order mark (UTF-8, UTF-16); valid UTF-8; else
GB18030 (a superset of GBK and GB2312, what Chinese Excel and CRMs write). ``--encoding`` forces
one. The delimiter is sniffed among ``, ; TAB |`` from the first lines. Cells come back as text,
exactly as in the file; the importer's normalization parses them like typed cells.
"""
from __future__ import annotations

import codecs
import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import WorkbookUnreadable
from ..i18n import pick

ENCODINGS = ("auto", "utf-8", "gb18030")
_DELIMITERS = ",;\t|"
SPREADSHEETS = {".xlsx", ".xlsm", ".xls", ".ods", ".xlsb"}


class SourceUnreadable(WorkbookUnreadable):
    """The import source cannot be read (missing, encrypted, not a table): exit 3."""


@dataclass
class SourceSheet:
    name: str                       # the sheet name, or the CSV file name
    rows: list[list[Any]]           # raw cells; row 0 = line/row 1 of the source


@dataclass
class Source:
    path: Path
    kind: str                       # csv | xlsx | xls | ods
    sheets: list[SourceSheet] = field(default_factory=list)
    encoding: str | None = None     # CSV only: the encoding used
    delimiter: str | None = None    # CSV only


def _fail(path: Path, lang: str, zh: str, en: str, **fmt: Any) -> SourceUnreadable:
    return SourceUnreadable(pick(lang, "无法读取导入文件 {p}：" + zh, "Cannot read the import file {p}: " + en,
                                 p=path.name, **fmt))


def decode(data: bytes, encoding: str = "auto") -> tuple[str, str]:
    """(text, encoding used). ``auto``: BOM, else UTF-8 if valid, else GB18030."""
    if encoding != "auto":
        name = "utf-8-sig" if encoding.replace("_", "-").lower() in ("utf-8", "utf8") else encoding
        return data.decode(name), encoding
    for bom, name in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                      (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return data.decode(name), "utf-8" if name == "utf-8-sig" else name
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("gb18030"), "gb18030"


def sniff_delimiter(text: str) -> str:
    sample = "\n".join(text.splitlines()[:20])
    try:
        return csv.Sniffer().sniff(sample, delimiters=_DELIMITERS).delimiter
    except csv.Error:
        counts = {d: sample.count(d) for d in _DELIMITERS}
        best = max(counts, key=counts.get)
        return best if counts[best] else ","


def _read_csv(path: Path, encoding: str, lang: str) -> Source:
    data = path.read_bytes()
    try:
        text, used = decode(data, encoding)
    except (UnicodeDecodeError, LookupError):
        raise _fail(path, lang, "不是 {e} 编码的文本，请用 --encoding 指定正确的编码",
                    "it is not {e} text; give the right one with --encoding", e=encoding) from None
    if "\x00" in text[:4096]:
        raise _fail(path, lang, "这不是文本文件（CSV）", "it is not a text (CSV) file")
    delim = sniff_delimiter(text)
    rows = [list(r) for r in csv.reader(io.StringIO(text, newline=""), delimiter=delim)]
    return Source(path, "csv", [SourceSheet(path.name, rows)], encoding=used, delimiter=delim)


def _read_book(path: Path, sheet: str | None, lang: str) -> Source:
    from ..read.any_book import BookError, sheet_grids, sheet_names

    try:
        names = sheet_names(path)
        if sheet is not None and sheet not in names:
            raise _fail(path, lang, "没有名为“{s}”的表（有：{n}）", "it has no sheet “{s}” (it has: {n})",
                        s=sheet, n=", ".join(names))
        grids = sheet_grids(path, [sheet] if sheet is not None else None)
    except BookError as e:
        raise _fail(path, lang, "文件已加密或已损坏（{m}）", "it is encrypted or damaged ({m})", m=e) from None
    kind = path.suffix.lower().lstrip(".")
    return Source(path, "xlsx" if kind == "xlsm" else kind, [SourceSheet(n, rows) for n, rows in grids])


def read_source(path: str | Path, *, sheet: str | None = None, encoding: str = "auto",
                lang: str = "zh") -> Source:
    """Read ``path``; raises :class:`SourceUnreadable` (exit 3) with one sentence when it cannot."""
    path = Path(path)
    if not path.is_file():
        raise _fail(path, lang, "文件不存在", "the file does not exist")
    suffix = path.suffix.lower()
    if suffix == ".xlsb":
        raise _fail(path, lang, "不支持 .xlsb，请另存为 .xlsx 或 .csv", ".xlsb is not supported; save it as .xlsx or .csv")
    try:
        if suffix in SPREADSHEETS:
            return _read_book(path, sheet, lang)
        if sheet is not None:
            raise _fail(path, lang, "CSV 文件没有工作表，请去掉 --sheet", "a CSV file has no sheets; drop --sheet")
        return _read_csv(path, encoding, lang)
    except OSError as e:
        raise _fail(path, lang, "{m}", "{m}", m=e.strerror or str(e)) from None
