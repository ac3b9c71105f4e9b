"""Excel cell addresses: column numbers ↔ letters, "C12"-style references. Pure, shared by all."""
from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=4096)
def col_letter(col: int) -> str:
    """1-based column number → Excel letters (1 → "A", 27 → "AA")."""
    s = ""
    while col:
        col, rem = divmod(col - 1, 26)
        s = chr(65 + rem) + s
    return s


def col_index(letters: str) -> int:
    """Excel letters (upper case, as in every cell reference) → 1-based column number ("AA" → 27)."""
    n = 0
    for ch in letters:
        n = n * 26 + (ord(ch) - 64)
    return n


def cell_ref(row: int, col: int) -> str:
    """(12, 3) → "C12"."""
    return f"{col_letter(col)}{row}"
