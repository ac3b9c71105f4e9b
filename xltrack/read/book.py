"""The fast reader: every cell value of a sheet, typed, addressed from A1.

Why python-calamine. Measured with ``benchmarks/bench_validate.py`` (10,000 projects × 33 columns
and 100,000 activities × 6 columns, 4.4 MiB; each reader in its own process, best of 3) on this
2-core machine shared with other jobs (load average 2.2; at load 6 every figure roughly doubles):

=====================================  ========  =====  ========  =================================
reader                                 seconds   CPU s  peak MiB  what it hands back
=====================================  ========  =====  ========  =================================
python-calamine ``to_python``            0.79     0.79     110    raw typed values (float, str,
                                                                  date, datetime, bool) per cell
fastexcel ``load_sheet`` (parse only)    0.35     0.35      76    one dtype per column (a column
                                                                  mixing dates and text comes back
                                                                  as text); needs pyarrow
openpyxl ``read_only`` iter_rows         6.91     6.84      50    raw values, pure-Python parsing
xltrack ``validate`` (all of it)         0.87     1.21     211    typed tables + located issues
=====================================  ========  =====  ========  =================================

fastexcel parses faster but loses exactly what validation needs (the type each person typed into
each cell: a date cell next to a "2026/3/5" text in the same column), so calamine it is. Its parse
holds the GIL, so ``read_workbook`` runs only the error-cell searches ahead on threads and parses
one sheet at a time (:meth:`RawBook.prefetch` with ``values=False``): one raw grid held at a time.

Two things calamine does that we correct here:

* ``to_python()`` by default crops leading empty rows/columns; ``skip_empty_area=False`` keeps
  the grid anchored at A1, so ``grid[r][c]`` is Excel row ``r+1``, column ``c+1``;
* empty cells come back as ``""`` and error cells (``#N/A``) also as ``""``: empty becomes
  ``None``, and errors are recovered from the sheet XML (:mod:`.errcells`) as :class:`CellError`.

Formulas are read by their cached value (what Excel last computed), never evaluated. Numbers come
back as float (Excel stores no integers); dates as ``datetime.date`` or ``datetime.datetime``.
"""
from __future__ import annotations

import threading
import zipfile
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Mapping

import python_calamine

from ..errors import WorkbookUnreadable
from xml.etree.ElementTree import ParseError   # sheet_parts parses with the standard library

from .errcells import error_cells, has_error_cells, sheet_parts
from .guard import check_sheet
from .sniff import sniff


@dataclass(frozen=True, slots=True)
class CellError:
    """An Excel error value such as ``#N/A`` or ``#REF!`` (a cached formula result, usually)."""

    text: str

    def __str__(self) -> str:
        return self.text


class RawBook:
    """An opened .xlsx/.xlsm: sheet names in workbook order and each sheet's value grid.

    :meth:`prefetch` reads sheets ahead on two threads. python-calamine 0.9 holds the GIL for
    the whole of a sheet's parse (measured: two Activities parses on two threads take 1.17 s wall
    for 0.78 s of CPU, one alone 0.37 s), so parsing does not overlap normalization; what the
    threads do overlap is the error-cell search (zlib inflates without the GIL) and the waits.
    """

    def __init__(self, path: str | Path):
        self.path = sniff(path)
        try:
            self._wb = python_calamine.CalamineWorkbook.from_path(str(self.path))
        except BaseException as e:  # calamine raises its own types (and panics) for broken parts
            if not _is_reader_failure(e):
                raise
            raise WorkbookUnreadable(
                f"{self.path.name} could not be read as an .xlsx workbook ({type(e).__name__}: {e}).")
        self.sheet_names: list[str] = list(self._wb.sheet_names)
        self._parts: dict[str, str] | None = None
        self._pool: ThreadPoolExecutor | None = None
        self._pending: dict[str, tuple[Future, Future]] = {}
        self._local = threading.local()
        self._thread_books: list[python_calamine.CalamineWorkbook] = []

    def _error_cells(self, name: str) -> dict[tuple[int, int], str]:
        try:
            with zipfile.ZipFile(self.path) as zf:
                parts = self._parts if self._parts is not None else sheet_parts(zf)
                self._parts = parts
                part = parts.get(name)
                if not part or not has_error_cells(zf, part):
                    return {}
                return error_cells(zf.read(part))
        except (KeyError, zipfile.BadZipFile, ValueError):
            return {}

    def _guard(self, name: str) -> None:
        """The sheet's inflated size and cell area within :mod:`.guard`'s limits, before calamine
        (which allocates the whole grid from A1 to the farthest cell) sees it."""
        try:
            with zipfile.ZipFile(self.path) as zf:
                parts = self._parts if self._parts is not None else sheet_parts(zf)
                self._parts = parts
                if parts.get(name) in zf.NameToInfo:
                    check_sheet(self.path, zf, parts[name], name)
        except (KeyError, zipfile.BadZipFile, ValueError, ParseError) as e:
            raise WorkbookUnreadable(f"{self.path.name}: sheet {name!r} could not be read ({e}).") from e

    def _values(self, name: str,
                wb: "python_calamine.CalamineWorkbook | None" = None) -> list[list[Any]]:
        """Rows as calamine gives them ("" for empty cells and for error cells)."""
        self._guard(name)
        try:
            sheet = (wb or self._wb).get_sheet_by_name(name)
            return sheet.to_python(skip_empty_area=False) if sheet.start is not None else []
        except BaseException as e:   # calamine's Rust panics arrive as pyo3's PanicException
            if not _is_reader_failure(e):
                raise
            raise WorkbookUnreadable(f"{self.path.name}: sheet {name!r} could not be read "
                                     f"({type(e).__name__}: {str(e)[:200]}).") from None

    def _values_own(self, name: str) -> list[list[Any]]:
        # One CalamineWorkbook per thread (the object is not shared across threads), opened once
        # per thread rather than once per sheet: opening parses the shared strings again
        # (18 ms at 10,000 projects, 48 ms at 50,000).
        wb = getattr(self._local, "wb", None)
        if wb is None:
            wb = self._local.wb = python_calamine.CalamineWorkbook.from_path(str(self.path))
            self._thread_books.append(wb)
        return self._values(name, wb)

    @staticmethod
    def _put_errors(rows: list[list[Any]], errors: dict[tuple[int, int], str]) -> list[list[Any]]:
        for (r, c), text in errors.items():
            while len(rows) < r:
                rows.append([])
            row = rows[r - 1]
            if len(row) < c:
                row.extend([""] * (c - len(row)))
            row[c - 1] = CellError(text)
        return rows

    def prefetch(self, names: list[str], *, values: bool = True) -> None:
        """Start reading these sheets in the background: values and error cells are separate
        tasks on two threads, so one sheet's XML search overlaps another sheet's parsing.

        ``values=False``: only the error-cell searches run ahead (zlib inflates without the
        GIL); each sheet's values are parsed when asked for, so a caller that normalizes one
        sheet at a time holds one raw grid at a time (50,000 projects: −150 MiB peak)."""
        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="xltrack-read")
        names = [n for n in names if n in self.sheet_names and n not in self._pending]
        for n in names:
            self._pending[n] = (self._pool.submit(self._values_own, n) if values else None, None)
        for n in names:
            self._pending[n] = (self._pending[n][0], self._pool.submit(self._error_cells, n))

    def raw_grid(self, name: str) -> list[list[Any]]:
        """Like :meth:`grid` but empty cells are ``""`` (cheaper; normalization treats both alike)."""
        pending = self._pending.pop(name, None)
        if pending is None:
            return self._put_errors(self._values(name), self._error_cells(name))
        values, errors = pending
        return self._put_errors(values.result() if values else self._values(name), errors.result())

    def grid(self, name: str) -> list[list[Any]]:
        """All values of sheet ``name``; ``grid[r][c]`` is Excel row r+1, column c+1; empty is None."""
        return clean_grid(self.raw_grid(name))

    def grids(self, *, raw: bool = False, keep: bool = True) -> "LazyGrids":
        """A read-only mapping sheet name -> grid that reads a sheet only when asked for
        (``keep=False``: handed over, not cached — see :class:`LazyGrids`)."""
        return LazyGrids(self, raw=raw, keep=keep)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
        for wb in self._thread_books:
            wb.close()
        self._thread_books.clear()
        self._wb.close()

    def __enter__(self) -> "RawBook":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _is_reader_failure(e: BaseException) -> bool:
    """An exception from the reader itself: any Exception, or a Rust panic (pyo3's
    ``PanicException`` derives from BaseException); never Ctrl+C or exit."""
    return isinstance(e, Exception) or type(e).__name__ == "PanicException"


def clean_grid(rows: list[list[Any]]) -> list[list[Any]]:
    """Empty cells (``""``) become None."""
    return [[None if v == "" else v for v in r] for r in rows]


class LazyGrids(Mapping[str, list[list[Any]]]):
    """Sheet name -> grid, read on first access (so unneeded sheets cost nothing).

    ``keep=False``: a grid is handed over, not cached (a second access reads the sheet again),
    so it is freed as soon as its reader drops it: the raw grid of a big sheet is held once."""

    def __init__(self, book: RawBook, *, raw: bool = False, keep: bool = True):
        self._book = book
        self._raw = raw
        self._keep = keep
        self._cache: dict[str, list[list[Any]]] = {}

    def __getitem__(self, name: str) -> list[list[Any]]:
        if name not in self._book.sheet_names:
            raise KeyError(name)
        grid = self._cache.get(name)
        if grid is None:
            b = self._book
            grid = b.raw_grid(name) if self._raw else b.grid(name)
            if self._keep:
                self._cache[name] = grid
        return grid

    def __iter__(self) -> Iterator[str]:
        return iter(self._book.sheet_names)

    def __len__(self) -> int:
        return len(self._book.sheet_names)

    def prefetch(self, names: list[str], *, values: bool = True) -> None:
        self._book.prefetch(names, values=values)


def open_workbook(path: str | Path) -> RawBook:
    """Sniff and open a workbook; raises :class:`xltrack.errors.WorkbookUnreadable` with one sentence."""
    return RawBook(path)
