"""Text clean-up shared by header, lookup and value parsing."""
from __future__ import annotations

import re
import unicodedata

_WS = re.compile(r"\s+")


def nfkc(s: str) -> str:
    """Full-width letters, digits, punctuation and the ideographic space become half-width."""
    return unicodedata.normalize("NFKC", s)


def clean_text(s: str) -> str:
    """Trim and collapse runs of whitespace (the value a person meant to type)."""
    return _WS.sub(" ", s).strip()


def match_key(s: object) -> str:
    """The form two labels are compared in: NFKC, case-folded, without any whitespace."""
    return _WS.sub("", nfkc(str(s))).casefold()
