"""Choosing the workbook's language for messages and labels.

Messages live next to the code that emits them as ``(zh, en)`` pairs; this module only picks.
"""
from __future__ import annotations

from typing import Literal

Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")


def pick(lang: str, zh: str, en: str, /, **fmt: object) -> str:
    """Return the ``zh`` or ``en`` text, formatted with ``fmt``."""
    text = zh if lang == "zh" else en
    return text.format(**fmt) if fmt else text
