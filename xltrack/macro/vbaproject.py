"""Build ``vbaProject.bin``: xlwings' own VBA modules plus ours, as source only.

Route (chosen because it is verifiable on Linux and keeps xlwings' tested code): start from the
VBA project inside ``quickstart_standalone.xlsm`` that the installed xlwings wheel ships (BSD
licence; its notice stays at the top of the ``xlwings`` module), keep its project information and
references verbatim, and write a new ``dir`` stream and module streams holding compressed source
only (MS-OVBA 2.3.4.3: ``MODULEOFFSET`` 0, no p-code). The ``_VBA_PROJECT`` stream is the
version-independent form (``CC 61 FF FF 00``) — xlwings' file already uses it — so Office compiles
the modules from source on first open. Document modules are generated for ThisWorkbook and each
sheet code name, as Excel itself would.
"""
from __future__ import annotations

import importlib.util
import re
import struct
import zipfile
from dataclasses import dataclass
from pathlib import Path

from . import cfb, ovba

CODEPAGE = "cp1252"
_SHEET_ATTRS = ('Attribute VB_Base = "0{00020820-0000-0000-C000-000000000046}"\r\n'
                "Attribute VB_GlobalNameSpace = False\r\nAttribute VB_Creatable = False\r\n"
                "Attribute VB_PredeclaredId = True\r\nAttribute VB_Exposed = True\r\n"
                "Attribute VB_TemplateDerived = False\r\nAttribute VB_Customizable = True\r\n")


@dataclass(slots=True)
class Module:
    name: str
    kind: str            # "doc" (ThisWorkbook, sheets), "std" (.bas), "class" (.cls)
    source: str          # with its Attribute lines, CRLF line ends
    docstring: str = ""


def xlwings_quickstart() -> Path:
    """The standalone quickstart workbook inside the installed xlwings (not imported: located)."""
    from ..errors import XltrackError
    spec = importlib.util.find_spec("xlwings")
    if spec is None or not spec.submodule_search_locations:
        raise XltrackError("xlwings is not installed, so its VBA modules are not available.",
                           hint='Run: pip install "xltrack[excel]"')
    path = Path(list(spec.submodule_search_locations)[0]) / "quickstart_standalone.xlsm"
    if not path.is_file():
        raise XltrackError(f"{path} is missing from the installed xlwings.",
                           hint='Reinstall it: pip install --force-reinstall "xltrack[excel]"')
    return path


def _records(data: bytes):
    i = 0
    while i + 6 <= len(data):
        rid, size = struct.unpack_from("<HI", data, i)
        if rid == 0x0009:           # PROJECTVERSION: its size field says 4 but 6 bytes follow
            size = 6
        yield rid, data[i + 6:i + 6 + size], i
        i += 6 + size


def read_project(bin_data: bytes) -> tuple[dict[str, bytes], bytes, list[Module]]:
    """(streams, dir records before the module list, modules with their source)."""
    streams = cfb.read(bin_data)
    d = ovba.decompress(streams["VBA/dir"])
    head = b""
    modules: list[Module] = []
    cur: dict = {}
    for rid, payload, at in _records(d):
        if rid == 0x000F and not head:
            head = d[:at]
        elif rid == 0x0019:
            cur = {"name": payload.decode(CODEPAGE), "doc": ""}
        elif rid == 0x001A:
            cur["stream"] = payload.decode(CODEPAGE)
        elif rid == 0x001C:
            cur["doc"] = payload.decode(CODEPAGE)
        elif rid == 0x0031:
            cur["offset"] = struct.unpack("<I", payload)[0]
        elif rid in (0x0021, 0x0022):
            cur["type"] = rid
        elif rid == 0x002B:
            raw = streams["VBA/" + cur["stream"]][cur["offset"]:]
            text = ovba.decompress(raw).decode(CODEPAGE)
            kind = "std" if cur["type"] == 0x0021 else ("class" if "VB_PredeclaredId = False" in text else "doc")
            modules.append(Module(cur["name"], kind, text, cur["doc"]))
    return streams, head, modules


def _rec(rid: int, payload: bytes) -> bytes:
    return struct.pack("<HI", rid, len(payload)) + payload


def _dir_stream(head: bytes, modules: list[Module]) -> bytes:
    out = bytearray(head)
    out += _rec(0x000F, struct.pack("<H", len(modules))) + _rec(0x0013, b"\xff\xff")
    for m in modules:
        name, uname = m.name.encode(CODEPAGE), m.name.encode("utf-16-le")
        out += _rec(0x0019, name) + _rec(0x0047, uname) + _rec(0x001A, name) + _rec(0x0032, uname)
        out += _rec(0x001C, m.docstring.encode(CODEPAGE)) + _rec(0x0048, m.docstring.encode("utf-16-le"))
        out += _rec(0x0031, struct.pack("<I", 0)) + _rec(0x001E, struct.pack("<I", 0))
        out += _rec(0x002C, b"\xff\xff") + _rec(0x0021 if m.kind == "std" else 0x0022, b"")
        out += _rec(0x002B, b"")
    out += struct.pack("<HI", 0x0010, 0)
    return bytes(out)


def _project_stream(old: bytes, modules: list[Module]) -> bytes:
    lines = old.decode(CODEPAGE).split("\r\n")
    listing = {"doc": "Document={}/&H00000000", "std": "Module={}", "class": "Class={}"}
    out = [lines[0]] if lines[0].startswith("ID=") else []
    out += [listing[m.kind].format(m.name) for m in modules]
    section = None
    for line in lines[1:]:
        if line.startswith(("Document=", "Module=", "Class=", "BaseClass=", "Package=")):
            continue
        if line.startswith("["):
            section = line
            if line == "[Workspace]":
                out.append(line)
                out += [f"{m.name}=0, 0, 0, 0, C" for m in modules]
                continue
        if section == "[Workspace]":
            continue
        out.append(line)
    while out and out[-1] == "":
        out.pop()
    return ("\r\n".join(out) + "\r\n\r\n").encode(CODEPAGE)


def _name_map(modules: list[Module]) -> bytes:
    return b"".join(m.name.encode(CODEPAGE) + b"\0" + m.name.encode("utf-16-le") + b"\0\0"
                    for m in modules) + b"\0\0"


def sheet_module(code_name: str) -> Module:
    return Module(code_name, "doc", f'Attribute VB_Name = "{code_name}"\r\n' + _SHEET_ATTRS)


def _version_independent(base: bytes) -> bytes:
    """The base's ``_VBA_PROJECT`` when it is already version-independent (xlwings' is
    ``CC 61 FF FF 00 01 00``), else the form MS-OVBA 2.3.4.1 prescribes for writers."""
    if len(base) == 7 and base[:4] == bytes.fromhex("CC61FFFF"):
        return base
    return bytes.fromhex("CC61FFFF000300")


def build_project(base_bin: bytes, modules: list[Module]) -> bytes:
    """A new vbaProject.bin: ``base_bin``'s project information and references, ``modules``."""
    streams, head, _ = read_project(base_bin)
    out = {"PROJECT": _project_stream(streams["PROJECT"], modules),
           "PROJECTwm": _name_map(modules),
           "VBA/_VBA_PROJECT": _version_independent(streams.get("VBA/_VBA_PROJECT", b"")),
           "VBA/dir": ovba.compress(_dir_stream(head, modules))}
    for m in modules:
        out["VBA/" + m.name] = ovba.compress(m.source.encode(CODEPAGE))
    return cfb.write(out)


def crlf(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\n", "\r\n")


def _base() -> bytes:
    with zipfile.ZipFile(xlwings_quickstart()) as z:
        return z.read("xl/vbaProject.bin")


def xlwings_version() -> str:
    """The version of the xlwings VBA module we embed (its Python package must match it)."""
    _, _, theirs = read_project(_base())
    for m in theirs:
        found = re.search(r'XLWINGS_VERSION As String = "([^"]+)"', m.source)
        if found:
            return found.group(1)
    return ""


def project_for_workbook(sheet_code_names: list[str], macro: Module, *,
                         this_workbook: str = "ThisWorkbook") -> bytes:
    """ThisWorkbook + one document module per sheet + xlwings' modules + ``macro``."""
    base = _base()
    _, _, theirs = read_project(base)
    by_name = {m.name: m for m in theirs}
    wbmod = by_name["ThisWorkbook"]
    if this_workbook != "ThisWorkbook":
        wbmod = Module(this_workbook, "doc", wbmod.source.replace('"ThisWorkbook"', f'"{this_workbook}"', 1))
    mods = [wbmod, *(sheet_module(n) for n in sheet_code_names)]
    mods += [Module(m.name, m.kind, crlf(m.source), m.docstring) for m in theirs
             if m.kind != "doc" and m.name not in ("Module1", macro.name)]
    mods.append(Module(macro.name, macro.kind, crlf(macro.source)))
    return build_project(base, mods)
