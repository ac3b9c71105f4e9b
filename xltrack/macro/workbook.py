"""``make_macro_workbook``: an .xlsx becomes an .xlsm with the Refresh button.

What changes in the package, and nothing else: the workbook's content type (macro-enabled), a
``vbaProject.bin`` (xlwings' modules + ``macros/xltrack.bas``), code names on the workbook and its
worksheets (the document modules' names), one ``xlwings.conf`` sheet, and a legacy VML drawing
with the button on the Projects and Dashboard sheets. Every other part keeps its bytes.
"""
from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import OutputError, WorkbookUnreadable
from . import button, conf_sheet, parts, vbaproject, zippkg

_PKG = Path(__file__).resolve().parent.parent
# A source checkout has macros/ next to the package; a wheel may ship it as xltrack/macros/.
MACROS_DIR = next((d for d in (_PKG.parent / "macros", _PKG / "macros") if (d / "xltrack.bas").is_file()),
                  _PKG.parent / "macros")
MODULE_FILE = "xltrack.bas"
BUTTON_SHEETS = ("projects", "dashboard")
LABEL = {"zh": "刷新", "en": "Refresh"}
DASHBOARD_BUTTON_COL = 8          # 0-based: columns I:J


@dataclass(slots=True)
class MacroWorkbook:
    path: Path
    module: str                                 # VBA module name ("xltrack")
    macro: str                                  # the button's macro ("XltrackRefresh")
    buttons: dict[str, str] = field(default_factory=dict)   # sheet name -> its VML part
    xlwings_version: str = ""


def macro_source() -> str:
    """The VBA source from ``macros/xltrack.bas`` — the only source of the macro."""
    path = MACROS_DIR / MODULE_FILE
    if not path.is_file():
        raise OutputError(f"{path} is missing; xltrack is not installed from a full checkout.")
    return path.read_text(encoding="ascii")


def module_name(source: str) -> str:
    m = re.search(r'^Attribute VB_Name = "([^"]+)"', source, re.M)
    return m.group(1) if m else "xltrack"


def _button_sheet_names(lang_names: list[str]) -> dict[str, str]:
    """sheet name in this workbook -> layout key, for the sheets that get a button."""
    from ..pipeline.defaults import layout
    out = {}
    lay = layout()
    for key in BUTTON_SHEETS:
        sh = lay.sheet(key)
        wanted = {sh.zh.casefold(), sh.en.casefold(), *(a.casefold() for a in sh.aliases)}
        for name in lang_names:
            if name.strip().casefold() in wanted and name not in out:
                out[name] = key
                break
    return out


def _owned_sheet_names() -> set[str]:
    from ..pipeline.defaults import layout
    return {n for s in layout().sheets if s.kind == "owned" for n in (s.zh, s.en)}


def _lang(names: list[str]) -> str:
    from ..pipeline.defaults import layout
    zh = {s.zh for s in layout().sheets}
    return "zh" if any(n in zh for n in names) else "en"


def make_macro_workbook(src_xlsx: Path, dst_xlsm: Path, *, python: str | None = None) -> MacroWorkbook:
    """Write ``dst_xlsm``: ``src_xlsx`` plus the VBA project, the buttons and ``xlwings.conf``."""
    src_xlsx, dst_xlsm = Path(src_xlsx), Path(dst_xlsm)
    if dst_xlsm.suffix.lower() != ".xlsm":
        raise OutputError(f"{dst_xlsm.name}: a macro-enabled workbook must end in .xlsm.")
    if src_xlsx.resolve() == dst_xlsm.resolve():
        raise OutputError("the source and the .xlsm must be different files.")
    names, pkg = zippkg.read(src_xlsx)
    if "xl/vbaProject.bin" in pkg:
        raise WorkbookUnreadable(f"{src_xlsx.name} already has a VBA project; xltrack will not replace it.",
                                 hint=f"Import {MACROS_DIR / MODULE_FILE} in the VBA editor instead "
                                      "(docs/excel-button.md).")
    wb_part = "xl/workbook.xml"
    if wb_part not in pkg:
        raise WorkbookUnreadable(f"{src_xlsx.name} has no xl/workbook.xml (not an .xlsx workbook).")
    wb = pkg[wb_part].decode("utf-8")
    wb_rels_part = parts.rels_path(wb_part)
    wb_rels = pkg[wb_rels_part].decode("utf-8")
    targets = {r["Id"]: parts.resolve(wb_part, r["Target"]) for r in parts.parse_rels(wb_rels)
               if r.get("Type") == parts.REL_WORKSHEET}
    sheets = [(m.group(1), m.group(2)) for m in re.finditer(
        r'<(?:\w+:)?sheet\b[^>]*?\sname="([^"]*)"[^>]*?\s(?:\w+:)?id="([^"]*)"', wb)]
    sheets = [(_unxml(n), targets[rid]) for n, rid in sheets if rid in targets]
    if any(n == conf_sheet.SHEET_NAME for n, _ in sheets):
        raise WorkbookUnreadable(f"{src_xlsx.name} already has an {conf_sheet.SHEET_NAME} sheet.")
    lang = _lang([n for n, _ in sheets])

    # Code names: keep the ones present, give the other sheets Sheet<n> (as Excel does) — except
    # xltrack's owned sheets, which every file refresh rewrites whole: they keep none, so no
    # document module can be orphaned (Excel adds their modules itself when it opens the file).
    owned = _owned_sheet_names()
    used, codes = set(), []
    for _, part in sheets:
        code = parts.sheet_code_name(pkg[part].decode("utf-8"))
        codes.append(code)
        used.add(code)
    n = 1
    for i, (name, part) in enumerate(sheets):
        if codes[i] is None and name not in owned:
            while f"Sheet{n}" in used:
                n += 1
            codes[i] = f"Sheet{n}"
            used.add(codes[i])
            pkg[part] = parts.with_sheet_code_name(pkg[part].decode("utf-8"), codes[i]).encode("utf-8")
    wb, wb_code = parts.with_workbook_code_name(wb, "ThisWorkbook")

    # The xlwings.conf sheet.
    k = 1
    while f"xl/worksheets/sheet{k}.xml" in pkg:
        k += 1
    conf_part = f"xl/worksheets/sheet{k}.xml"
    settings = dict(conf_sheet.DEFAULTS)
    if python:
        settings["Interpreter_Win"] = python
    pkg[conf_part] = conf_sheet.sheet_xml(settings, lang=lang).encode("utf-8")
    names.append(conf_part)
    wb_rels, conf_rid = parts.add_rel(wb_rels, parts.REL_WORKSHEET, posixpath.relpath(conf_part, "xl"))
    wb = parts.add_sheet_to_workbook(wb, conf_sheet.SHEET_NAME, conf_rid)

    # Buttons.
    source = vbaproject.crlf(macro_source())
    mod = module_name(source)
    existing_maps = set()
    for name in names:
        if name.endswith(".vml"):
            existing_maps |= button.idmaps(pkg[name].decode("utf-8", "replace"))
    overrides = {"/" + wb_part: parts.CT_MACRO_MAIN, "/" + conf_part: parts.CT_WORKSHEET,
                 "/xl/vbaProject.bin": parts.CT_VBA}
    result = MacroWorkbook(dst_xlsm, mod, button.MACRO)
    for sheet_name, key in _button_sheet_names([n for n, _ in sheets]).items():
        part = dict(sheets)[sheet_name]
        xml = pkg[part].decode("utf-8")
        # Dashboard: over the right end of the title rows (A1:J2 are merged title cells);
        # Projects: right of the last column, next to the computed columns it refreshes.
        col = DASHBOARD_BUTTON_COL if key == "dashboard" else parts.last_column(xml) + 1
        where = dict(col=col, row=0, text=LABEL[lang])
        rels_part = parts.rels_path(part)
        rels = pkg[rels_part].decode("utf-8") if rels_part in pkg else None
        rid = parts.legacy_drawing_rid(xml)
        if rid is not None and rels is not None:
            rel = next(r for r in parts.parse_rels(rels) if r.get("Id") == rid)
            vml_part = parts.resolve(part, rel["Target"])
            pkg[vml_part] = button.add_to_drawing(pkg[vml_part].decode("utf-8"), **where).encode("utf-8")
        else:
            v = 1
            while f"xl/drawings/vmlDrawing{v}.vml" in pkg:
                v += 1
            vml_part = f"xl/drawings/vmlDrawing{v}.vml"
            idmap = max(existing_maps, default=0) + 1
            existing_maps.add(idmap)
            pkg[vml_part] = button.new_drawing(idmap, **where).encode("utf-8")
            names.append(vml_part)
            rels, rid = parts.add_rel(rels, parts.REL_VML, posixpath.relpath(vml_part, posixpath.dirname(part)))
            if rels_part not in pkg:
                names.append(rels_part)
            pkg[rels_part] = rels.encode("utf-8")
            pkg[part] = parts.with_legacy_drawing(xml, rid).encode("utf-8")
        result.buttons[sheet_name] = vml_part

    # The VBA project.
    code_names = [c for c in codes if c] + ["xlwings_conf"]
    macro = vbaproject.Module(mod, "std", source)
    pkg["xl/vbaProject.bin"] = vbaproject.project_for_workbook(code_names, macro, this_workbook=wb_code)
    names.append("xl/vbaProject.bin")
    wb_rels, _ = parts.add_rel(wb_rels, parts.REL_VBA, "vbaProject.bin")
    pkg[wb_part] = wb.encode("utf-8")
    pkg[wb_rels_part] = wb_rels.encode("utf-8")
    pkg["[Content_Types].xml"] = parts.content_types(
        pkg["[Content_Types].xml"].decode("utf-8"), overrides=overrides,
        defaults={"vml": parts.CT_VML}).encode("utf-8")
    result.xlwings_version = vbaproject.xlwings_version()
    zippkg.write(dst_xlsm, names, pkg, lang=lang)
    return result


def _unxml(s: str) -> str:
    return s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&apos;", "'").replace("&amp;", "&")
