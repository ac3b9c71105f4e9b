"""The zip package in and out: read parts, copy untouched members as raw compressed bytes.

Why a hand-written zip writer: :mod:`zipfile` can only write a member by recompressing it. Copying
the compressed bytes of every member xltrack does not own is both the fidelity guarantee (the part
cannot change) and the speed: on the 18 MB 50k-project benchmark workbook, re-writing every member
with ``zipfile`` took 2.3 s, the raw copy 0.03 s. New or rewritten parts are deflated at level 6,
except parts over 2 MiB (a large Projects or History sheet) at level 1: measured on a
10k-project workbook, level 1 compresses those 2.4× faster (0.5 s vs 1.2 s) for a 33 % larger
part.

A big part can be handed over as a :class:`Deflated` (see :func:`deflate`), compressed on a
worker thread while the caller builds the next part: zlib releases the GIL, so on the 50k
benchmark the 0.29 s of compression (42 MB Projects, 21 MB History, 11 MB Payments sheets at
level 1) overlaps with the Python work instead of following it.
"""
from __future__ import annotations

import struct
import zipfile
import zlib
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Union

from ...errors import WorkbookUnreadable
from ...i18n import pick
from ...read.guard import check_package

STRICT_NS = b"http://purl.oclc.org/ooxml/spreadsheetml/main"
_LOCAL = struct.Struct("<4sHHHHHLLLHH")
_CENTRAL = struct.Struct("<4sHHHHHHLLLHHHHHLL")
_EOCD = struct.Struct("<4sHHHHLLH")
_FIXED_TIME = (0, 33)  # DOS time/date of 1980-01-01 00:00, like Excel: same input → same bytes
BIG_PART = 2 << 20


@dataclass(frozen=True)
class Deflated:
    """A part already compressed (raw deflate), with the CRC and size of its plain bytes."""

    comp: bytes
    crc: int
    size: int


def deflate(data: bytes, level: int = -1) -> Deflated:
    """Compress one part as :meth:`_Writer.add` would (level -1: 1 for parts over 2 MiB, else 6)."""
    if level < 0:   # automatic: fast for big sheets, compact for the rest
        level = 1 if len(data) > BIG_PART else 6
    co = zlib.compressobj(level, zlib.DEFLATED, -15)
    return Deflated(co.compress(data) + co.flush(), zlib.crc32(data), len(data))


PartData = Union[bytes, Deflated, "Future[Deflated]"]


def unreadable(path: Path, zh: str, en: str, lang: str = "en") -> WorkbookUnreadable:
    return WorkbookUnreadable(pick(lang, f"无法读取工作簿 {path}：{zh}", f"Cannot read workbook {path}: {en}"))


class Package:
    """A read-only view of an .xlsx/.xlsm zip package."""

    def __init__(self, path: Path, *, lang: str = "en"):
        self.path = Path(path)
        self.lang = lang
        if not self.path.is_file():
            raise unreadable(self.path, "文件不存在或不是普通文件", "the file does not exist or is not a regular file", lang)
        try:
            self._zf = zipfile.ZipFile(self.path)
        except (zipfile.BadZipFile, OSError) as e:
            raise unreadable(self.path, "不是 .xlsx/.xlsm 文件（可能已加密或是 .xls）",
                             "not an .xlsx/.xlsm file (encrypted, or an old .xls?)", lang) from e
        self.infos = self._zf.infolist()
        self._by_name = {i.filename: i for i in self.infos}
        try:
            self._check_supported()               # the specific sentences (.xlsb, Strict) first
            check_package(self.path, self._zf)    # then the limits of xltrack.read.guard
        except WorkbookUnreadable:
            self._zf.close()
            raise

    def _check_supported(self) -> None:
        if "xl/workbook.bin" in self._by_name:
            raise unreadable(self.path, "不支持 .xlsb 二进制格式，请在 Excel 中另存为 .xlsx",
                             ".xlsb (binary) is not supported; save it as .xlsx in Excel", self.lang)
        if "xl/workbook.xml" not in self._by_name:
            raise unreadable(self.path, "缺少 xl/workbook.xml", "xl/workbook.xml is missing", self.lang)
        if STRICT_NS in self.read("xl/workbook.xml")[:4000]:
            raise unreadable(self.path, "不支持 Strict Open XML 格式，请另存为普通 Excel 工作簿 (.xlsx)",
                             "Strict Open XML is not supported; save it as a normal Excel Workbook (.xlsx)",
                             self.lang)
        for i in self.infos:
            if i.flag_bits & 0x1:
                raise unreadable(self.path, "文件已加密", "the file is encrypted", self.lang)

    def has(self, name: str) -> bool:
        return name in self._by_name

    @property
    def names(self) -> list[str]:
        return [i.filename for i in self.infos]

    def read(self, name: str) -> bytes:
        try:
            return self._zf.read(name)
        except KeyError:
            raise
        except (zipfile.BadZipFile, zlib.error, OSError) as e:
            raise unreadable(self.path, f"部件 {name} 已损坏", f"part {name} is corrupt", self.lang) from e

    def close(self) -> None:
        self._zf.close()

    def __enter__(self) -> "Package":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _raw_member(fp: BinaryIO, info: zipfile.ZipInfo) -> tuple[bytes, bytes]:
    """The member's file-name bytes and compressed data, read straight from the source file."""
    fp.seek(info.header_offset)
    head = _LOCAL.unpack(fp.read(_LOCAL.size))
    if head[0] != b"PK\x03\x04":
        raise zipfile.BadZipFile(f"bad local header for {info.filename}")
    name = fp.read(head[9])
    fp.seek(head[10], 1)
    return name, fp.read(info.compress_size)


class _Writer:
    def __init__(self, fp: BinaryIO):
        self.fp = fp
        self.central: list[bytes] = []

    def _entry(self, name: bytes, flag: int, method: int, crc: int, csize: int, usize: int,
               data: bytes, *, version: int = 20, made_by: int = 20, ext_attr: int = 0,
               int_attr: int = 0, time: int = _FIXED_TIME[0], date: int = _FIXED_TIME[1]) -> None:
        if max(csize, usize, self.fp.tell()) >= 0xFFFFFFFF:
            raise WorkbookUnreadable("workbooks larger than 4 GiB are not supported")
        offset = self.fp.tell()
        self.fp.write(_LOCAL.pack(b"PK\x03\x04", version, flag, method, time, date, crc, csize,
                                  usize, len(name), 0))
        self.fp.write(name)
        self.fp.write(data)
        self.central.append(_CENTRAL.pack(b"PK\x01\x02", made_by, version, flag, method, time, date,
                                          crc, csize, usize, len(name), 0, 0, 0, int_attr,
                                          ext_attr, offset) + name)

    def copy(self, fp: BinaryIO, info: zipfile.ZipInfo) -> None:
        name, data = _raw_member(fp, info)
        flag = info.flag_bits & ~0x8   # sizes are known now: no data descriptor
        y, mo, d, h, mi, s = info.date_time
        self._entry(name, flag, info.compress_type, info.CRC, info.compress_size, info.file_size,
                    data, version=max(info.extract_version, 20), made_by=info.create_version | (info.create_system << 8),
                    ext_attr=info.external_attr, int_attr=info.internal_attr,
                    time=(h << 11) | (mi << 5) | (s // 2), date=((y - 1980) << 9) | (mo << 5) | d)

    def add(self, name: str, data: PartData, level: int) -> None:
        if isinstance(data, Future):
            data = data.result()
        d = data if isinstance(data, Deflated) else deflate(data, level)
        raw = name.encode("utf-8")
        self._entry(raw, 0 if raw.isascii() else 0x800, zipfile.ZIP_DEFLATED, d.crc,
                    len(d.comp), d.size, d.comp)

    def finish(self) -> None:
        start = self.fp.tell()
        for c in self.central:
            self.fp.write(c)
        size = self.fp.tell() - start
        n = len(self.central)
        self.fp.write(_EOCD.pack(b"PK\x05\x06", 0, 0, n, n, size, start, 0))


def write_package(pkg: Package, dst: Path, *, replace: dict[str, PartData] | None = None,
                  add: dict[str, PartData] | None = None, delete: set[str] | None = None,
                  level: int = -1) -> None:
    """Write ``dst``: ``pkg``'s members in their order (raw copies unless replaced or deleted),
    then the added parts. ``dst`` must not be ``pkg.path``. A part's data is its bytes, or
    already compressed (:class:`Deflated`, or a future of one)."""
    replace, add, delete = replace or {}, add or {}, delete or set()
    with open(pkg.path, "rb") as src, open(dst, "wb") as out:
        w = _Writer(out)
        for info in pkg.infos:
            name = info.filename
            if name in delete:
                continue
            if name in replace:
                w.add(name, replace[name], level)
            else:
                w.copy(src, info)
        for name, data in add.items():
            if pkg.has(name) and name not in delete:
                raise ValueError(f"part {name} already exists")
            w.add(name, data, level)
        w.finish()
