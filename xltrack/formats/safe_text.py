"""Text that leaves xltrack for another program never turns into a formula there.

A CSV opened in Excel or WPS evaluates a field that starts with ``=``, ``+``, ``-`` or ``@`` (and,
after a tab or carriage return, the same): ``=cmd|' /C calc'!A0`` runs a program, ``=HYPERLINK``
leaks data. Following OWASP's "CSV Injection" advice, such a text field is written with a leading
single quote, which the spreadsheet shows as text (the quote itself hidden in Excel). Numbers stay
numbers: only text is prefixed. The workbook itself needs no prefix: xltrack writes text as
inline-string cells, which no spreadsheet evaluates.
"""
from __future__ import annotations

from typing import Any

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def csv_field(value: Any) -> Any:
    """``value`` with a ``'`` in front when it is text a spreadsheet would read as a formula."""
    if isinstance(value, str) and value.startswith(TRIGGERS):
        return "'" + value
    return value
