"""``make_macro_workbook``: an .xlsx becomes an .xlsm with the Refresh button.

What changes in the package, and nothing else: the workbook's content type (macro-enabled), a
``vbaProject.bin`` (xlwings' modules + ``macros/xltrack.bas``), code names on the workbook and its
worksheets (the document modules' names), one ``xlwings.conf`` sheet, and a legacy VML drawing
with the button on the Projects and Dashboard sheets. Every other part keeps its bytes.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..backends.file import workbook_parts as wp
from ..backends.file.package import Package, write_package
from ..backends.safe_write import atomic_output, check_not_open
from ..errors import OutputError, WorkbookUnreadable
from . import button, conf_sheet, parts, vbaproject

_PKG = Path(__file__).resolve().parent.parent
# A source checkout has macros/ next to the package; a wheel may ship it as xltrack/macros/.
MACROS_DIR = next((d for d in (_PKG.parent / "macros", _PKG / "macros") if (d / "xltrack.bas").is_file()),
                  _PKG.parent / "macros")
MODULE_FILE = "xltrack.bas"
BUTTON_SHEETS = ("projects", "dashboard")
LABEL = {"zh": "刷新", "en": "Refresh"}
DASHBOARD_BUTTON_COL = 8          # 0-based: columns I:J
VBA_PART = "xl/vbaProject.bin"


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
    """sheet name in this workbook -> layout key, for the sheets that get a button.

    Projects is found as every command finds it (its zh/en name, else an alias). The Dashboard is
    xltrack's own sheet: only its exact name in the workbook's language, the name the refresh
    writes — a team's own sheet called "Dashboard" in a zh workbook is the team's, not xltrack's."""
    from ..normalize.sheets import detect_lang, find_sheets
    from ..pipeline.defaults import layout
    lay = layout()
    lang = detect_lang(lang_names)
    found = find_sheets(lang_names)
    out = {}
    for key in BUTTON_SHEETS:
        sh = lay.sheet(key)
        if sh.kind == "owned":
            name = next((n for n in lang_names if n.casefold() == sh.name(lang).casefold()), None)
        else:
            name = found.get(key)
        if name is not None and name not in out:
            out[name] = key
    return out


def _owned_sheet_names() -> set[str]:
    from ..pipeline.defaults import layout
    return {n for s in layout().sheets if s.kind == "owned" for n in (s.zh, s.en)}


def _lang(names: list[str]) -> str:
    from ..normalize.sheets import detect_lang
    return detect_lang(names)


def make_macro_workbook(src_xlsx: Path, dst_xlsm: Path, *, python: str | None = None) -> MacroWorkbook:
    """Write ``dst_xlsm``: ``src_xlsx`` plus the VBA project, the buttons and ``xlwings.conf``.

    The package goes through the file backend's layer: :class:`Package` in, :func:`write_package`
    out (every member not edited here is copied as its raw compressed bytes), its helpers for
    relationships, content types and the new sheet entry.
    """
    src_xlsx, dst_xlsm = Path(src_xlsx), Path(dst_xlsm)
    if dst_xlsm.suffix.lower() != ".xlsm":
        raise OutputError(f"{dst_xlsm.name}: a macro-enabled workbook must end in .xlsm.")
    if src_xlsx.resolve() == dst_xlsm.resolve():
        raise OutputError("the source and the .xlsm must be different files.")
    with Package(src_xlsx) as pkg:
        if pkg.has(VBA_PART):
            raise WorkbookUnreadable(f"{src_xlsx.name} already has a VBA project; xltrack will not replace it.",
                                     hint=f"Import {MACROS_DIR / MODULE_FILE} in the VBA editor instead "
                                          "(docs/excel-button.md).")
        return _Maker(pkg, python).write(dst_xlsm)


class _Maker:
    """The edits of one package: ``replace`` (members changed) and ``add`` (new members)."""

    def __init__(self, pkg: Package, python: str | None):
        self.pkg, self.python = pkg, python
        self.info = wp.WorkbookInfo(pkg)
        self.replace: dict[str, bytes] = {}
        self.add: dict[str, bytes] = {}

    def read(self, name: str) -> bytes | None:
        for edits in (self.replace, self.add):
            if name in edits:
                return edits[name]
        return self.pkg.read(name) if self.pkg.has(name) else None

    def put(self, name: str, data: bytes) -> None:
        (self.replace if self.pkg.has(name) else self.add)[name] = data

    def write(self, dst: Path) -> MacroWorkbook:
        pkg, info = self.pkg, self.info
        worksheet = {r.id for r in info.rels if r.kind == "worksheet"}     # not chartsheets
        sheets = [(s.name, s.part) for s in info.sheets if s.rid in worksheet]
        if any(n == conf_sheet.SHEET_NAME for n, _ in sheets):
            raise WorkbookUnreadable(f"{pkg.path.name} already has an {conf_sheet.SHEET_NAME} sheet.")
        lang = _lang([n for n, _ in sheets])
        codes = self._code_names(sheets)
        wb, wb_code = parts.with_workbook_code_name(pkg.read(wp.WORKBOOK).decode("utf-8"), "ThisWorkbook")

        # The xlwings.conf sheet: a new sheet entry, as the file backend adds its own sheets
        # (docProps/app.xml is left alone: Excel rebuilds it on save).
        wb_xml, wb_rels, ct, _, refs = wp.add_sheet_entries(
            wb.encode("utf-8"), info.rels, pkg.read(wp.CT_PART), None, set(pkg.names), info.sheets,
            [(conf_sheet.SHEET_NAME, False)])
        settings = dict(conf_sheet.DEFAULTS)
        if self.python:
            settings["Interpreter_Win"] = self.python
        self.add[refs[0].part] = conf_sheet.sheet_xml(settings, lang=lang).encode("utf-8")

        source = vbaproject.crlf(macro_source())
        result = MacroWorkbook(dst, module_name(source), button.MACRO)
        self._buttons(sheets, lang, result)

        # The VBA project.
        code_names = [c for c in codes if c] + ["xlwings_conf"]
        macro = vbaproject.Module(result.module, "std", source)
        self.add[VBA_PART] = vbaproject.project_for_workbook(code_names, macro, this_workbook=wb_code)
        wb_rels = [*wb_rels, wp.Rel(wp.free_rid(wb_rels), parts.REL_VBA, wp.relative(wp.WORKBOOK, VBA_PART))]
        ct = wp.ct_set_override(ct, wp.WORKBOOK, parts.CT_MACRO_MAIN)
        ct = wp.ct_add_override(ct, VBA_PART, parts.CT_VBA)
        self.replace.update({wp.WORKBOOK: wb_xml, wp.rels_name(wp.WORKBOOK): wp.rels_xml(wb_rels),
                             wp.CT_PART: wp.ct_ensure_default(ct, "vml", parts.CT_VML)})
        result.xlwings_version = vbaproject.xlwings_version()
        if dst.exists():
            check_not_open(dst, lang)
        with atomic_output(dst, lang) as tmp:
            write_package(pkg, tmp, replace=self.replace, add=self.add)
        return result

    def _code_names(self, sheets: list[tuple[str, str]]) -> list[str | None]:
        """Keep the code names present, give the other sheets Sheet<n> (as Excel does) — except
        xltrack's owned sheets, which every file refresh rewrites whole: they keep none, so no
        document module can be orphaned (Excel adds their modules itself when it opens the file)."""
        owned = _owned_sheet_names()
        codes = [parts.sheet_code_name(self.read(part).decode("utf-8")) for _, part in sheets]
        used = set(codes)
        n = 1
        for i, (name, part) in enumerate(sheets):
            if codes[i] is None and name not in owned:
                while f"Sheet{n}" in used:
                    n += 1
                codes[i] = f"Sheet{n}"
                used.add(codes[i])
                self.put(part, parts.with_sheet_code_name(self.read(part).decode("utf-8"), codes[i]).encode("utf-8"))
        return codes

    def _buttons(self, sheets: list[tuple[str, str]], lang: str, result: MacroWorkbook) -> None:
        existing_maps = set()
        for name in self.pkg.names:
            if name.endswith(".vml"):
                existing_maps |= button.idmaps(self.pkg.read(name).decode("utf-8", "replace"))
        for sheet_name, key in _button_sheet_names([n for n, _ in sheets]).items():
            part = dict(sheets)[sheet_name]
            xml = self.read(part).decode("utf-8")
            # Dashboard: over the right end of the title rows (A1:J2 are merged title cells);
            # Projects: right of the last column, next to the computed columns it refreshes.
            col = DASHBOARD_BUTTON_COL if key == "dashboard" else parts.last_column(xml) + 1
            where = dict(col=col, row=0, text=LABEL[lang])
            rels_part = wp.rels_name(part)
            rels = wp.parse_rels(self.read(rels_part))
            rid = parts.legacy_drawing_rid(xml)
            rel = next((r for r in rels if r.id == rid), None) if rid is not None else None
            if rel is not None:
                vml_part = wp.resolve(part, rel.target)
                self.put(vml_part, button.add_to_drawing(self.read(vml_part).decode("utf-8"), **where).encode("utf-8"))
            else:
                vml_part = wp.free_name(set(self.pkg.names) | set(self.add), "xl/drawings/vmlDrawing%d.vml")
                idmap = max(existing_maps, default=0) + 1
                existing_maps.add(idmap)
                self.add[vml_part] = button.new_drawing(idmap, **where).encode("utf-8")
                rid = wp.free_rid(rels)
                rels = [*rels, wp.Rel(rid, parts.REL_VML, wp.relative(part, vml_part))]
                self.put(rels_part, wp.rels_xml(rels))
                self.put(part, parts.with_legacy_drawing(xml, rid).encode("utf-8"))
            result.buttons[sheet_name] = vml_part
