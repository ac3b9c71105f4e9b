"""``xl/styles.xml``, append-only.

Existing records keep their index and their bytes: new fonts, fills, borders, number formats and
cell formats are appended at the end of their lists and the ``count`` attributes updated. A record
xltrack needs is first looked up by its exact serialization, so a second refresh finds the records
the first one appended and changes nothing. The part is edited as bytes (regular expressions over
its few list elements) rather than re-serialized, so bytes outside those lists never change.
"""
from __future__ import annotations

import re

from ...plan import Style
from .xmlutil import esc

BUILTIN_FORMATS = {"General": 0, "0": 1, "0.00": 2, "#,##0": 3, "#,##0.00": 4, "0%": 9, "0.00%": 10}
_ORDER = ["numFmts", "fonts", "fills", "borders", "cellStyleXfs", "cellXfs", "cellStyles", "dxfs",
          "tableStyles", "colors", "extLst"]
_RECORD = {"numFmts": "numFmt", "fonts": "font", "fills": "fill", "borders": "border",
           "cellXfs": "xf", "dxfs": "dxf"}

MINIMAL_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<fonts count="1"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    '</styleSheet>').encode()


def _argb(rgb: str) -> str:
    rgb = rgb.lstrip("#").upper()
    return rgb if len(rgb) == 8 else "FF" + rgb


class StyleBook:
    """Find-or-append style records; ``to_bytes()`` gives the part (unchanged if nothing added)."""

    def __init__(self, xml: bytes):
        self.text = xml.decode("utf-8")
        m = re.search(r"<(\w+:)?styleSheet\b", self.text)
        if not m:
            raise ValueError("styles part has no styleSheet element")
        self.p = m.group(1) or ""
        self.changed = False
        self._records: dict[str, list[str]] = {k: self._read(k) for k in _RECORD}
        self._cache: dict[Style | None, int] = {None: 0}
        self._default_font = self._font_base()

    # -- reading -------------------------------------------------------------------------
    def _section(self, name: str) -> re.Match | None:
        p = re.escape(self.p)
        return re.search(rf"<{p}{name}\b([^>]*?)(/>|>(.*?)</{p}{name}>)", self.text, re.S)

    def _read(self, name: str) -> list[str]:
        m = self._section(name)
        if not m or m.group(3) is None:
            return []
        rec, p = _RECORD[name], re.escape(self.p)
        return re.findall(rf"<{p}{rec}\b[^>]*?/>|<{p}{rec}\b[^>]*?[^/]>.*?</{p}{rec}>|<{p}{rec}>.*?</{p}{rec}>",
                          m.group(3), re.S)

    def _font_base(self) -> str:
        """The default font's children other than b/i/u/color/sz: our fonts keep its face."""
        fonts = self._records["fonts"]
        if not fonts:
            return f'<{self.p}name val="Calibri"/>'
        inner = re.sub(r"^<[^>]*>|</[^>]*>$", "", fonts[0])
        keep = re.findall(r"<(?:\w+:)?(?:name|family|charset|scheme)\b[^>]*/>", inner)
        return "".join(keep)

    def _default_size(self) -> str:
        fonts = self._records["fonts"]
        m = re.search(r'<(?:\w+:)?sz val="([^"]+)"', fonts[0]) if fonts else None
        return m.group(1) if m else "11"

    # -- appending -----------------------------------------------------------------------
    def _append(self, name: str, record: str) -> int:
        records = self._records[name]
        if record in records:
            return records.index(record)
        p = self.p
        m = self._section(name)
        if m is None:  # create the list before the next list that exists
            block = f'<{p}{name} count="1">{record}</{p}{name}>'
            for later in _ORDER[_ORDER.index(name) + 1:]:
                n = self._section(later)
                if n:
                    self.text = self.text[:n.start()] + block + self.text[n.start():]
                    break
            else:
                end = self.text.rindex(f"</{p}styleSheet>")
                self.text = self.text[:end] + block + self.text[end:]
        else:
            attrs = m.group(1)
            count = len(records) + 1
            if re.search(r'\bcount="\d*"', attrs):
                attrs = re.sub(r'\bcount="\d*"', f'count="{count}"', attrs)
            else:
                attrs = f' count="{count}"' + attrs
            body = (m.group(3) or "") + record
            self.text = (self.text[:m.start()] + f"<{p}{name}{attrs}>{body}</{p}{name}>"
                         + self.text[m.end():])
        records.append(record)
        self.changed = True
        return len(records) - 1

    def num_fmt_id(self, code: str) -> int:
        if code in BUILTIN_FORMATS:
            return BUILTIN_FORMATS[code]
        for rec in self._records["numFmts"]:
            m = re.search(r'numFmtId="(\d+)"', rec)
            c = re.search(r'formatCode="([^"]*)"', rec)
            if m and c and c.group(1) == esc(code):
                return int(m.group(1))
        ids = [int(x) for rec in self._records["numFmts"] for x in re.findall(r'numFmtId="(\d+)"', rec)]
        new_id = max([163, *ids]) + 1
        self._append("numFmts", f'<{self.p}numFmt numFmtId="{new_id}" formatCode="{esc(code)}"/>')
        return new_id

    def font_id(self, st: Style) -> int:
        if not (st.bold or st.italic or st.underline or st.font_color or st.font_size):
            return 0
        p = self.p
        parts = [f"<{p}b/>" if st.bold else "", f"<{p}i/>" if st.italic else "",
                 f"<{p}u/>" if st.underline else "",
                 f'<{p}sz val="{st.font_size:g}"/>' if st.font_size else f'<{p}sz val="{self._default_size()}"/>',
                 f'<{p}color rgb="{_argb(st.font_color)}"/>' if st.font_color else "",
                 self._default_font]
        return self._append("fonts", f"<{p}font>{''.join(parts)}</{p}font>")

    def fill_id(self, st: Style) -> int:
        if not st.fill:
            return 0
        p = self.p
        return self._append("fills", f'<{p}fill><{p}patternFill patternType="solid"><{p}fgColor rgb="{_argb(st.fill)}"/>'
                                     f'<{p}bgColor indexed="64"/></{p}patternFill></{p}fill>')

    def border_id(self, st: Style) -> int:
        if not st.border:
            return 0
        p = self.p
        sides = "".join(f'<{p}{s} style="thin"><{p}color indexed="64"/></{p}{s}>' for s in ("left", "right", "top", "bottom"))
        return self._append("borders", f"<{p}border>{sides}<{p}diagonal/></{p}border>")

    def xf_for(self, st: Style | None) -> int:
        """The cellXfs index for a plan style (0, the default format, for None)."""
        if st in self._cache:
            return self._cache[st]
        if st == Style():
            return 0
        p = self.p
        fmt = self.num_fmt_id(st.num_format) if st.num_format else 0
        font, fill, border = self.font_id(st), self.fill_id(st), self.border_id(st)
        attrs = f'numFmtId="{fmt}" fontId="{font}" fillId="{fill}" borderId="{border}" xfId="0"'
        for flag, on in (("applyNumberFormat", fmt), ("applyFont", font), ("applyFill", fill),
                         ("applyBorder", border)):
            if on:
                attrs += f' {flag}="1"'
        align = ""
        if st.wrap or st.halign or st.valign:
            align = (f"<{p}alignment" + (f' horizontal="{st.halign}"' if st.halign else "")
                     + (f' vertical="{st.valign}"' if st.valign else "")
                     + (' wrapText="1"' if st.wrap else "") + "/>")
            attrs += ' applyAlignment="1"'
        rec = f"<{p}xf {attrs}>{align}</{p}xf>" if align else f"<{p}xf {attrs}/>"
        idx = self._append("cellXfs", rec)
        self._cache[st] = idx
        return idx

    def is_date_xf(self, index: int) -> bool:
        """Whether the cellXfs record ``index`` has a date number format."""
        xfs = self._records["cellXfs"]
        if index is None or not 0 <= index < len(xfs):
            return False
        m = re.search(r'numFmtId="(\d+)"', xfs[index])
        fid = int(m.group(1)) if m else 0
        if 14 <= fid <= 22 or 45 <= fid <= 47 or 27 <= fid <= 36 or 50 <= fid <= 58:
            return True
        for rec in self._records["numFmts"]:
            if re.search(rf'numFmtId="{fid}"', rec):
                code = re.search(r'formatCode="([^"]*)"', rec)
                text = re.sub(r'"[^"]*"|\[[^\]]*\]|\\.', "", code.group(1) if code else "").lower()
                return any(ch in text for ch in "ymd")
        return False

    # -- raw records (used when transplanting sheets from another workbook) -------------
    def append_raw(self, name: str, record: str) -> int:
        return self._append(name, record)

    def records(self, name: str) -> list[str]:
        return list(self._records[name])

    def to_bytes(self) -> bytes:
        return self.text.encode("utf-8")
