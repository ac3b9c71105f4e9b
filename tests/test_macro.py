"""The macro-enabled workbook: VBA source read back, the button's binding, LibreOffice's view,
and the VBA project and button surviving a refresh through the file backend."""
from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from tests.support.libreoffice import run_uno_script
from xltrack.errors import OutputError, WorkbookUnreadable
from xltrack.macro import button, cfb, conf_sheet, ovba, vbaproject
from xltrack.macro.workbook import MACROS_DIR, make_macro_workbook

olevba = __import__("oletools.olevba", fromlist=["VBA_Parser"])
BAS = MACROS_DIR / "xltrack.bas"


def _code(text: str) -> str:
    """Source without Attribute lines, LF line ends (how olevba and LibreOffice show modules)."""
    lines = text.replace("\r\n", "\n").split("\n")
    return "\n".join(l for l in lines if not l.startswith("Attribute VB_")).strip("\n")


def _vba_modules(path: Path) -> dict[str, str]:
    parser = olevba.VBA_Parser(str(path))
    try:
        return {Path(vba_filename).stem: code for _, _, vba_filename, code in parser.extract_macros()}
    finally:
        parser.close()


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}


def _src_xlsx(path: Path, *, comment: bool = True) -> Path:
    xlsxwriter = __import__("xlsxwriter")
    wb = xlsxwriter.Workbook(str(path))
    p = wb.add_worksheet("项目跟踪")
    p.write_row(0, 0, ["项目编号", "客户名称", "当前阶段", "预计金额"])
    for r in range(1, 12):
        p.write_row(r, 0, [f"P-{r:04d}", f"客户{r}", "商务洽谈", 1000 * r])
    if comment:
        p.write_comment("A1", "项目唯一编号")
    wb.add_worksheet("沟通记录").write("A1", "项目编号")
    wb.add_worksheet("看板").write("A1", "看板")
    wb.close()
    return path


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> tuple[Path, Path]:
    d = tmp_path_factory.mktemp("macro")
    src = _src_xlsx(d / "team.xlsx")
    dst = d / "team.xlsm"
    make_macro_workbook(src, dst, python=r"C:\xltrack\venv\Scripts\pythonw.exe")
    return src, dst


# -- MS-OVBA compression and the compound file --------------------------------------------------

@settings(max_examples=40, deadline=None)
@given(st.binary(max_size=9000) | st.text(alphabet="ab =\r\n", max_size=9000).map(str.encode))
def test_ovba_round_trip_and_oletools_agree(data):
    packed = ovba.compress(data)
    assert ovba.decompress(packed)[:len(data)] == data
    assert bytes(olevba.decompress_stream(bytearray(packed)))[:len(data)] == data


def test_ovba_compresses_a_large_module():
    text = (Path(vbaproject.xlwings_quickstart()).parent / "xlwings.bas").read_bytes()
    packed = ovba.compress(text)
    assert len(text) > 40_000 and len(packed) < len(text) * 0.6
    assert bytes(olevba.decompress_stream(bytearray(packed))) == text


def test_cfb_round_trip_is_read_by_olefile():
    olefile = __import__("olefile")
    streams = {"PROJECT": b"x" * 10, "VBA/dir": b"d" * 5000, "VBA/m": b"", "VBA/big": bytes(range(256)) * 300}
    data = cfb.write(streams)
    assert cfb.read(data) == streams
    ole = olefile.OleFileIO(data)
    assert sorted("/".join(e) for e in ole.listdir()) == sorted(streams)
    assert all(ole.openstream(k).read() == v for k, v in streams.items())


# -- the generated .xlsm ------------------------------------------------------------------------

def test_vba_source_read_back_equals_macros_source(made):
    _, dst = made
    mods = _vba_modules(dst)
    assert _code(mods["xltrack"]) == _code(BAS.read_text())
    # xlwings' own modules are carried verbatim from the wheel's quickstart workbook
    theirs = _vba_modules(vbaproject.xlwings_quickstart())
    assert _code(mods["xlwings"]) == _code(theirs["xlwings"])
    assert _code(mods["Dictionary"]) == _code(theirs["Dictionary"])
    assert {"ThisWorkbook", "Sheet1", "Sheet2", "xlwings_conf"} <= set(mods)
    assert "Sheet3" not in mods      # 看板 is owned (rewritten by every file refresh): no code name


def test_button_macro_resolves_to_a_sub_in_the_project(made):
    _, dst = made
    parts = _parts(dst)
    vmls = {n: p.decode() for n, p in parts.items() if n.endswith(".vml")}
    bound = [m for v in vmls.values() for m in button.button_macros(v)]
    assert bound == ["XltrackRefresh", "XltrackRefresh"]
    code = _vba_modules(dst)["xltrack"]
    assert re.search(r"^Sub XltrackRefresh\(\)", code, re.M)
    assert 'RunPython "import xltrack.excel; xltrack.excel.refresh_button()"' in code


def test_only_the_named_parts_change_and_sheet_edits_are_insertions(made):
    src, dst = made
    a, b = _parts(src), _parts(dst)
    changed = {n for n in a if a[n] != b.get(n)}
    assert set(a) <= set(b)
    assert changed == {"[Content_Types].xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels",
                       "xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml", "xl/worksheets/sheet3.xml",
                       "xl/drawings/vmlDrawing1.vml"}   # sheet1's rels already point at its VML
    assert b'codeName' not in b["xl/worksheets/sheet3.xml"]
    for n in ("xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml", "xl/worksheets/sheet3.xml"):
        new = b[n].decode()
        new = re.sub(r'<sheetPr codeName="Sheet\d"/>', "", new)
        new = re.sub(r'<legacyDrawing xmlns:r="[^"]+" r:id="rId\d+"/>', "", new)
        assert new == a[n].decode(), n
    # the comment's VML keeps its shapes; the button is appended
    old_vml, new_vml = a["xl/drawings/vmlDrawing1.vml"].decode(), b["xl/drawings/vmlDrawing1.vml"].decode()
    assert new_vml.startswith(old_vml[:old_vml.rindex("</xml>")])
    assert 'ObjectType="Note"' in new_vml and 'ObjectType="Button"' in new_vml
    assert b["xl/vbaProject.bin"][:8] == cfb.SIGNATURE


def test_conf_sheet_holds_the_interpreter_and_no_udf_server(made):
    _, dst = made
    parts = _parts(dst)
    wb = parts["xl/workbook.xml"].decode()
    assert 'name="xlwings.conf"' in wb and 'codeName="ThisWorkbook"' in wb
    conf = next(p for n, p in parts.items() if n.startswith("xl/worksheets/sheet") and b"Interpreter_Win" in p)
    settings_ = conf_sheet.read_settings(conf.decode(), [])
    assert settings_["Interpreter_Win"] == r"C:\xltrack\venv\Scripts\pythonw.exe"
    assert settings_["Use UDF Server"] is False
    assert list(settings_) == list(conf_sheet.DEFAULTS)


def test_openpyxl_loads_it_with_the_macro_sheet(made):
    openpyxl = __import__("openpyxl")
    _, dst = made
    wb = openpyxl.load_workbook(dst, keep_vba=True)
    assert wb.sheetnames == ["项目跟踪", "沟通记录", "看板", "xlwings.conf"]
    assert wb["xlwings.conf"]["A1"].value == "Interpreter_Win"


def test_refuses_a_workbook_that_already_has_vba_and_a_wrong_suffix(made, tmp_path):
    _, dst = made
    with pytest.raises(WorkbookUnreadable, match="already has a VBA project"):
        make_macro_workbook(dst, tmp_path / "again.xlsm")
    with pytest.raises(OutputError, match=r"\.xlsm"):
        make_macro_workbook(made[0], tmp_path / "x.xlsx")


_UNO = r'''
import json, os, subprocess, sys, time, uuid
import uno
from com.sun.star.beans import PropertyValue
def prop(n, v):
    p = PropertyValue(); p.Name = n; p.Value = v; return p
path, profile = sys.argv[1], sys.argv[2]
pipe = "xlt_" + uuid.uuid4().hex[:10]
proc = subprocess.Popen(["soffice", "-env:UserInstallation=file://" + profile, "--headless", "--norestore",
                         "--invisible", "--accept=pipe,name=%s;urp;" % pipe],
                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
out = {}
try:
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    for _ in range(240):
        try:
            ctx = resolver.resolve("uno:pipe,name=%s;urp;StarOffice.ComponentContext" % pipe); break
        except Exception:
            time.sleep(0.25)
    desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
    doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(os.path.abspath(path)), "_blank", 0,
                                       (prop("Hidden", True), prop("MacroExecutionMode", 0)))
    libs = doc.BasicLibraries
    out["modules"] = {}
    for lib in libs.getElementNames():
        libs.loadLibrary(lib)
        l = libs.getByName(lib)
        out["modules"][lib] = {n: l.getByName(n) for n in l.getElementNames()}
    out["buttons"], out["notes"] = {}, {}
    for name in doc.Sheets.getElementNames():
        sh = doc.Sheets.getByName(name)
        out["notes"][name] = sh.Annotations.getCount()
        forms = sh.DrawPage.Forms
        for fi in range(forms.getCount()):
            form = forms.getByIndex(fi)
            for ci in range(form.getCount()):
                ctl = form.getByIndex(ci)
                out["buttons"].setdefault(name, []).append(
                    [getattr(ctl, "Label", None)] + [e.ScriptCode for e in form.getScriptEvents(ci)])
    doc.close(True)
finally:
    proc.terminate()
    try:
        proc.wait(30)
    except Exception:
        proc.kill()
print(json.dumps(out, ensure_ascii=False))
'''


@pytest.mark.libreoffice
def test_libreoffice_lists_the_module_and_binds_the_buttons(made, tmp_path):
    _, dst = made
    proc = run_uno_script(_UNO, str(dst), str(tmp_path / "profile"))
    assert proc.returncode == 0, proc.stderr
    seen = json.loads(proc.stdout.strip().splitlines()[-1])
    project = seen["modules"]["VBAProject"]
    assert {"xltrack", "xlwings", "Dictionary", "ThisWorkbook"} <= set(project)
    assert _code(BAS.read_text()).split("Option Explicit", 1)[1].strip() in project["xltrack"].replace("\r\n", "\n")
    url = "vnd.sun.star.script:VBAProject.xltrack.XltrackRefresh?language=Basic&location=document"
    assert seen["buttons"] == {"项目跟踪": [["刷新", url]], "看板": [["刷新", url]]}
    assert seen["notes"]["项目跟踪"] == 1          # the cell comment sharing the drawing is intact


# -- surviving a refresh through the file backend -----------------------------------------------

def _hand_plan():
    from xltrack.plan import Cell, ColumnWrite, SheetWrite, Style, WritePlan
    red = Style(fill="FFC7CE")
    col = ColumnWrite(sheet="项目跟踪", key="light", col=5, header_row=1, header=Cell("状态灯"),
                      rows=list(range(2, 13)), cells=[Cell("红", red) for _ in range(11)])
    dash = SheetWrite(key="dashboard", name="看板", rows=[[Cell("看板"), Cell(3)]])
    return WritePlan(columns=[col], sheets=[dash])


def test_file_backend_keeps_vba_project_and_projects_button(made, tmp_path):
    apply_plan = __import__("xltrack.backends.file", fromlist=["apply_plan"]).apply_plan
    _, dst = made
    out = tmp_path / "refreshed.xlsm"
    apply_plan(dst, _hand_plan(), out)
    a, b = _parts(dst), _parts(out)
    for n in ("xl/vbaProject.bin", "xl/drawings/vmlDrawing1.vml", "xl/worksheets/_rels/sheet1.xml.rels"):
        assert a[n] == b[n], n
    assert b'<legacyDrawing' in b["xl/worksheets/sheet1.xml"]
    assert b'codeName="Sheet1"' in b["xl/worksheets/sheet1.xml"]
    assert _code(_vba_modules(out)["xltrack"]) == _code(BAS.read_text())


def test_file_backend_keeps_the_dashboard_button(made, tmp_path):
    from xltrack.backends.file import apply_plan
    _, dst = made
    out = tmp_path / "refreshed.xlsm"
    apply_plan(dst, _hand_plan(), out)
    a, b = _parts(dst), _parts(out)
    assert a["xl/drawings/vmlDrawing2.vml"] == b.get("xl/drawings/vmlDrawing2.vml")
    assert b"<legacyDrawing" in b["xl/worksheets/sheet3.xml"]


def test_project_is_source_only_and_version_independent(made):
    """No p-code: Office compiles every module from the source we wrote (MS-OVBA 2.3.4.1/2.3.4.3)."""
    import struct
    _, dst = made
    streams = cfb.read(_parts(dst)["xl/vbaProject.bin"])
    assert streams["VBA/_VBA_PROJECT"][:4] == bytes.fromhex("CC61FFFF")
    d = ovba.decompress(streams["VBA/dir"])
    offsets = [struct.unpack("<I", payload)[0] for rid, payload, _ in vbaproject._records(d) if rid == 0x0031]
    _, _, mods = vbaproject.read_project(_parts(dst)["xl/vbaProject.bin"])
    assert offsets == [0] * len(mods) and len(mods) == 7
    assert not any(k.startswith("VBA/__SRP") for k in streams)
    # the PROJECT stream lists exactly the modules, keeping xlwings' project id and protection state
    project = streams["PROJECT"].decode("cp1252")
    assert "Module=xltrack\r\n" in project and "Module=xlwings\r\n" in project and "Class=Dictionary\r\n" in project
    base = cfb.read(zipfile.ZipFile(vbaproject.xlwings_quickstart()).read("xl/vbaProject.bin"))["PROJECT"].decode("cp1252")
    for key in ("ID=", "CMG=", "DPB=", "GC="):
        assert re.search(f"^{key}.*$", project, re.M).group(0) == re.search(f"^{key}.*$", base, re.M).group(0)


def test_sheet_edits_respect_element_order_and_prefixes():
    from xltrack.macro import parts
    xml = ('<x:worksheet xmlns:x="urn:m"><x:sheetPr filterMode="0"><x:tabColor rgb="FF0000FF"/></x:sheetPr>'
           '<x:sheetData><x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>&lt;extLst&gt;</x:t></x:is></x:c></x:row>'
           '</x:sheetData><x:pageMargins left="1"/><x:drawing r:id="rId1"/><x:tableParts count="0"/>'
           '<x:extLst/></x:worksheet>')
    out = parts.with_sheet_code_name(xml, "Sheet7")
    assert out.startswith('<x:worksheet xmlns:x="urn:m"><x:sheetPr filterMode="0" codeName="Sheet7"><x:tabColor')
    assert parts.sheet_code_name(out) == "Sheet7"
    out = parts.with_legacy_drawing(out, "rId4")
    assert '<x:drawing r:id="rId1"/><x:legacyDrawing xmlns:r=' in out and 'r:id="rId4"/><x:tableParts' in out
    assert parts.legacy_drawing_rid(out) == "rId4"
    bare = parts.with_sheet_code_name('<x:worksheet xmlns:x="urn:m"><x:sheetData/></x:worksheet>', "S")
    assert bare == '<x:worksheet xmlns:x="urn:m"><x:sheetPr codeName="S"/><x:sheetData/></x:worksheet>'
