"""Per-row colours of a computed column as conditional-format rules keyed on the cell text.

The light column (红/黄/绿, Red/Yellow/Green) and the payment status column change colour from
row to row. Painting them as static fills costs one call per colour per 255 characters of
address, so it grows with the rows (129 fill calls at 5,000 projects). The colours are a
function of the text, though: one rule per label ("cell value = "红" → fill FFC7CE, font
9C0006, bold") on the column's body paints every row, whatever the row count, and the backend
then writes only values. The labels and colours are taken from the plan itself (the planner's
words in the workbook language, the layout.toml colours), never hard-coded here.

A column qualifies only when the rules reproduce the plan exactly: every label maps to one
style, the styles differ only in what a rule can set (fill, font colour, bold, italic), cells
without colour never hold a label, and the rest of the style is the same for all coloured cells
(it is set statically on the whole body, so it must be invisible on empty cells). Otherwise the
caller paints static fills, as before.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from ...plan import Cell, Style
from .formats import SPREADABLE, hex_color, style_attrs

MAX_RULES = 8            # more labels than this is not a light/status column: paint statically


@dataclass(frozen=True, slots=True)
class Rule:
    """``add_cell_value("equal_to", formula1, fill_color=…, font_color=…, font_bold=…, font_italic=…)``."""
    label: str
    fill_color: str | None
    font_color: str | None
    font_bold: bool | None
    font_italic: bool | None

    @property
    def formula1(self) -> str:
        return '="' + self.label.replace('"', '""') + '"'

    def kwargs(self) -> dict[str, Any]:
        return {"fill_color": self.fill_color, "font_color": self.font_color,
                "font_bold": self.font_bold, "font_italic": self.font_italic}


def _coloured(st: Style | None) -> bool:
    return st is not None and bool(st.fill or st.font_color)


def conditional(cells: list[Cell]) -> tuple[Style, list[Rule]] | None:
    """``(static style for the whole body, rules)`` when rules can colour ``cells``, else None."""
    styles = {c.style for c in cells if _coloured(c.style)}
    if len({(s.fill, s.font_color) for s in styles}) < 2:
        return None                                    # one colour: a static block is cheaper
    by_label: dict[str, Style] = {}
    plain: set[str] = set()
    for c in cells:
        if _coloured(c.style):
            if not isinstance(c.value, str) or not c.value:
                return None
            key = c.value.casefold()                  # Excel compares text case-insensitively
            if by_label.setdefault(key, c.style) != c.style:
                return None
        elif c.value is not None:
            if c.style is not None and style_attrs(c.style):
                return None                           # a styled, uncoloured value: not a rule
            plain.add(str(c.value).casefold())
    if len(by_label) > MAX_RULES or plain & set(by_label):
        return None
    statics = {replace(s, fill=None, font_color=None, bold=False, italic=False) for s in styles}
    if len(statics) != 1:
        return None
    static = statics.pop()
    if not set(style_attrs(static)) <= SPREADABLE or (plain and style_attrs(static)):
        return None
    labels = {c.value.casefold(): c.value for c in cells if _coloured(c.style)}
    rules = [Rule(labels[k], hex_color(s.fill), hex_color(s.font_color), True if s.bold else None,
                  True if s.italic else None) for k, s in sorted(by_label.items())]
    return static, rules
