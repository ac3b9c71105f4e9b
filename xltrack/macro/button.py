"""The Refresh button: a legacy form-control button (VML) whose macro is ``XltrackRefresh``.

A VML ``ClientData ObjectType="Button"`` with ``FmlaMacro`` is what Excel has read since Excel 97
and still writes next to its 2010 ``controls`` part; XlsxWriter's ``insert_button`` writes the
same form. LibreOffice imports it as a push button with the macro bound. If the sheet already has
a legacy drawing (cell comments), the button is appended to that drawing: a sheet has only one.
"""
from __future__ import annotations

import re
from xml.sax.saxutils import escape

MACRO = "XltrackRefresh"
VML_NS = ('xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" '
          'xmlns:x="urn:schemas-microsoft-com:office:excel"')
_SHAPETYPE = ('<v:shapetype id="_x0000_t201" coordsize="21600,21600" o:spt="201" '
              'path="m,l,21600r21600,l21600,xe"><v:stroke joinstyle="miter"/>'
              '<v:path shadowok="f" o:extrusionok="f" strokeok="f" fillok="f" o:connecttype="rect"/>'
              '<o:lock v:ext="edit" shapetype="t"/></v:shapetype>')


def shape(spid: int, *, col: int, row: int, text: str, macro: str = MACRO,
          width_cols: int = 2, height_rows: int = 2) -> str:
    """One button shape; ``col``/``row`` are the 0-based top-left cell of its anchor."""
    anchor = f"{col}, 4, {row}, 2, {col + width_cols}, 4, {row + height_rows}, 2"
    return (f'<v:shape id="_x0000_s{spid}" type="#_x0000_t201" '
            'style="position:absolute;margin-left:0;margin-top:0;width:110pt;height:28pt;z-index:1;'
            'mso-wrap-style:tight" o:button="t" fillcolor="buttonFace [67]" '
            'strokecolor="windowText [64]" o:insetmode="auto">'
            '<v:fill color2="buttonFace [67]" o:detectmouseclick="t"/><o:lock v:ext="edit" rotation="t"/>'
            '<v:textbox style="mso-direction-alt:auto" o:singleclick="f"><div style="text-align:center">'
            f'<font face="Calibri" size="220" color="#000000">{escape(text)}</font></div></v:textbox>'
            f'<x:ClientData ObjectType="Button"><x:Anchor>{anchor}</x:Anchor>'
            '<x:PrintObject>False</x:PrintObject><x:AutoFill>False</x:AutoFill>'
            f'<x:FmlaMacro>[0]!{escape(macro)}</x:FmlaMacro>'
            '<x:TextHAlign>Center</x:TextHAlign><x:TextVAlign>Center</x:TextVAlign></x:ClientData>'
            '</v:shape>')


def new_drawing(idmap: int, **kw) -> str:
    return (f'<xml {VML_NS}><o:shapelayout v:ext="edit"><o:idmap v:ext="edit" data="{idmap}"/>'
            f'</o:shapelayout>{_SHAPETYPE}{shape(idmap * 1024 + 1, **kw)}</xml>')


def add_to_drawing(vml: str, **kw) -> str:
    """Append a button to an existing VML drawing (e.g. the one holding cell comments)."""
    ids = [int(x) for x in re.findall(r"_x0000_s(\d+)", vml)]
    m = re.search(r'<o:idmap\b[^>]*data="(\d+)', vml)
    spid = max(ids, default=(int(m.group(1)) if m else 1) * 1024) + 1
    body = ("" if "_x0000_t201" in vml else _SHAPETYPE) + shape(spid, **kw)
    end = vml.rindex("</xml>")
    return vml[:end] + body + vml[end:]


def idmaps(vml: str) -> set[int]:
    out = set()
    for m in re.finditer(r'<o:idmap\b[^>]*data="([\d,\s]+)"', vml):
        out |= {int(x) for x in re.split(r"[,\s]+", m.group(1).strip()) if x}
    return out


def button_macros(vml: str) -> list[str]:
    """The macro names bound to the buttons of a VML drawing (``[0]!Name`` → ``Name``)."""
    return [m.split("!")[-1] for m in re.findall(r"<x:FmlaMacro>([^<]*)</x:FmlaMacro>", vml)]


def has_button(vml: bytes | str) -> bool:
    """Whether a VML drawing holds a form button (for a writer deciding what to carry over)."""
    data = vml.encode("utf-8") if isinstance(vml, str) else vml
    return b'ObjectType="Button"' in data
