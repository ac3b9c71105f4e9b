"""The workbook's cell formats, made once per workbook from the layout's colours and formats.

XlsxWriter formats are per workbook, so :class:`Styles` caches them by a small spec. The font is
等线 (DengXian, Excel's default CJK font) for zh and Calibri for en; LibreOffice substitutes an
installed CJK font for 等线 when rendering.
"""
from __future__ import annotations

from typing import Any

from ..pipeline import layout

HEADER_HEIGHT = 32
TITLE_FILL = "F2F2F2"
OWNED_CELL_FILL = "F7F7F7"
BLOCK_FILL = "DDEBF7"
USER_TAB = "1F4E78"
OWNED_TAB = "A6A6A6"
SETUP_TAB = "548235"


class Styles:
    def __init__(self, wb: Any, lang: str):
        self.wb = wb
        self.lang = lang
        self.font = "等线" if lang == "zh" else "Calibri"
        self._cache: dict[tuple, Any] = {}
        self.lay = layout()

    def get(self, **props: Any) -> Any:
        key = tuple(sorted(props.items()))
        fmt = self._cache.get(key)
        if fmt is None:
            fmt = self.wb.add_format({"font_name": self.font, "font_size": 11, "valign": "vcenter", **props})
            self._cache[key] = fmt
        return fmt

    def color(self, name: str) -> str:
        return "#" + self.lay.colors[name]

    # -- named styles --------------------------------------------------------------------
    def header(self, owned: bool = False) -> Any:
        if owned:
            return self.get(bold=True, bg_color=self.color("owned_header"), font_color="#404040",
                            text_wrap=True, align="center", border=1, border_color="#BFBFBF")
        return self.get(bold=True, bg_color=self.color("user_header"), font_color=self.color("user_header_font"),
                        text_wrap=True, align="center", border=1, border_color="#BFBFBF")

    def column(self, col_type: str, owned: bool = False) -> Any:
        """The format of a column's data cells (by layout type)."""
        props: dict[str, Any] = {}
        fmts = self.lay.formats
        if col_type == "date":
            props["num_format"] = fmts["date"]
        elif col_type == "money":
            props["num_format"] = fmts["money_whole"]
        elif col_type == "percent":
            props["num_format"] = fmts["percent"]
        elif col_type == "int":
            props["num_format"] = fmts["int"]
        elif col_type == "light":
            props["align"] = "center"
        if owned:
            props["bg_color"] = "#" + OWNED_CELL_FILL
            props["font_color"] = "#404040"
        return self.get(**props)

    def light(self, level: str) -> Any:
        """Fill + font of a red/yellow/green light (used by conditional formats)."""
        return self.wb.add_format({"bg_color": self.color(level), "font_color": self.color(level + "_font")})

    def title(self) -> Any:
        return self.get(bold=True, font_size=14, font_color="#1F4E78")

    def note(self) -> Any:
        return self.get(italic=True, font_color="#595959")

    def block_title(self) -> Any:
        return self.get(bold=True, font_size=12, font_color="#1F4E78", bg_color="#" + BLOCK_FILL)

    def text_wrap(self) -> Any:
        return self.get(text_wrap=True, valign="top")
