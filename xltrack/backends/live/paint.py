"""Cells → as few Excel ranges as possible: rectangles, and multi-area addresses ≤ 255 characters.

Pure (no xlwings); :mod:`.formats` turns the rectangles into range assignments.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Callable, Hashable, Iterable
from ...cellref import col_letter

MAX_ADDRESS = 255          # Excel refuses longer Range("…") strings


def area(r1: int, c1: int, r2: int, c2: int) -> str:
    a = f"{col_letter(c1)}{r1}"
    return a if (r1, c1) == (r2, c2) else f"{a}:{col_letter(c2)}{r2}"


def parse_area(a: str) -> tuple[int, int, int, int]:
    """"B4:C6" -> (4, 2, 6, 3); "B4" -> (4, 2, 4, 2)."""
    ends = []
    for e in a.replace("$", "").split(":"):
        letters = e.rstrip("0123456789")
        col = 0
        for ch in letters.upper():
            col = col * 26 + ord(ch) - 64
        ends.append((int(e[len(letters):]), col))
    (r1, c1), (r2, c2) = ends[0], ends[-1]
    return min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2)


def rectangles(cells: Iterable[tuple[int, int]]) -> list[tuple[int, int, int, int]]:
    """Cover ``cells`` exactly with rectangles: vertical runs per column, merged across columns."""
    by_col: dict[int, list[int]] = defaultdict(list)
    for r, c in cells:
        by_col[c].append(r)
    runs: dict[tuple[int, int], list[int]] = defaultdict(list)     # (r1, r2) -> columns
    for c, rows in by_col.items():
        rows.sort()
        start = prev = rows[0]
        for r in rows[1:]:
            if r != prev + 1:
                runs[(start, prev)].append(c)
                start = r
            prev = r
        runs[(start, prev)].append(c)
    out = []
    for (r1, r2), cols in runs.items():
        cols.sort()
        s = p = cols[0]
        for c in cols[1:]:
            if c != p + 1:
                out.append((r1, s, r2, p))
                s = c
            p = c
        out.append((r1, s, r2, p))
    out.sort(key=lambda t: (t[1], t[0]))
    return out


def bridged_rectangles(cells: Iterable[tuple[int, int]], free: Callable[[int, int], bool]
                       ) -> list[tuple[int, int, int, int]]:
    """Like :func:`rectangles`, but a vertical run may also cover the cells between two of
    ``cells`` when all of them are ``free`` (empty and unstyled: a number format, bold or an
    alignment there is invisible). So a column of numbers with blanks is one rectangle, not one
    per run, and the count no longer grows with the rows."""
    by_col: dict[int, list[int]] = defaultdict(list)
    for r, c in cells:
        by_col[c].append(r)
    filled: list[tuple[int, int]] = []
    for c, rows in by_col.items():
        rows.sort()
        prev = rows[0]
        filled.append((prev, c))
        for r in rows[1:]:
            if r > prev + 1 and all(free(g, c) for g in range(prev + 1, r)):
                filled.extend((g, c) for g in range(prev + 1, r))
            filled.append((r, c))
            prev = r
    return rectangles(filled)


def addresses(rects: list[tuple[int, int, int, int]]) -> list[str]:
    """Join rectangles into comma-separated multi-area addresses of at most 255 characters."""
    out, cur = [], ""
    for rect in rects:
        a = area(*rect)
        if cur and len(cur) + 1 + len(a) > MAX_ADDRESS:
            out.append(cur)
            cur = a
        else:
            cur = f"{cur},{a}" if cur else a
    if cur:
        out.append(cur)
    return out
