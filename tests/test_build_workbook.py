"""The generated workbook, read back with openpyxl (and opened by LibreOffice): zh and en."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from xltrack.build.api import init
from xltrack.build.owned_sheets import OWNED_TITLE
from xltrack.build.workbook import SHEET_ORDER
from xltrack.pipeline import layout

AS_OF = dt.date(2026, 11, 27)
LAY = layout()


@pytest.fixture(scope="module", params=["zh", "en"])
def book(request, tmp_path_factory):
    lang = request.param
    path = init(tmp_path_factory.mktemp(lang) / "t.xlsx", lang=lang)
    return lang, path, openpyxl.load_workbook(path)


def names(lang):
    return {s.key: s.name(lang) for s in LAY.sheets}


def test_sheets_in_order_with_tab_colours(book):
    lang, _, wb = book
    n = names(lang)
    assert wb.sheetnames == [n[k] for k in SHEET_ORDER]
    assert wb.active.title == n["projects"]
    for s in LAY.owned_sheets:
        ws = wb[s.name(lang)]
        assert ws.sheet_properties.tabColor.rgb.endswith("A6A6A6")
        assert ws["A1"].value == OWNED_TITLE[0 if lang == "zh" else 1]
        assert ws.max_row == 1


@pytest.mark.parametrize("key", ["projects", "activities", "payments"])
def test_user_sheets_are_tables_with_exact_headers_and_notes(book, key):
    lang, _, wb = book
    sheet = LAY.sheet(key)
    ws = wb[sheet.name(lang)]
    labels = [c.label(lang) for c in sheet.columns]
    assert [c.value for c in ws[1]] == labels                  # header text is exactly the label
    (table,) = ws.tables.values()
    assert table.name == f"xlt_{key}" and table.ref.startswith("A1:")
    assert [c.name for c in table.tableColumns] == labels
    assert ws.freeze_panes == ("C2" if key == "projects" else "A2")
    for i, col in enumerate(sheet.columns, start=1):
        cell = ws.cell(1, i)
        assert cell.comment is not None and col.help(lang) in cell.comment.text
        fill = cell.fill.fgColor.rgb[-6:]
        if col.owned:
            assert fill == LAY.colors["owned_header"]
            assert ("自动" if lang == "zh" else "Auto") in cell.comment.text
        else:
            assert fill == LAY.colors["user_header"]
    owned = [c.owned for c in sheet.columns]
    assert owned == sorted(owned), "computed columns sit together at the right end"


def _validations(ws):
    return {str(dv.sqref).split(":")[0]: dv for dv in ws.data_validations.dataValidation}


def test_drop_downs_and_validation(book):
    lang, _, wb = book
    n = names(lang)
    proj = _validations(wb[n["projects"]])
    assert proj["G2"].type == "list" and proj["G2"].formula1 == "xlt_stages"          # stage
    assert proj["F2"].type == "list" and proj["F2"].formula1 == "xlt_owners"          # owner
    assert proj["H2"].type == "decimal" and proj["H2"].promptTitle                   # amount
    assert proj["J2"].type == "date" and proj["J2"].showInputMessage and proj["J2"].prompt
    assert proj["I2"].type == "decimal" and proj["I2"].operator in (None, "between")          # probability
    assert str(proj["G2"].sqref) == "G2:G5001"                                        # generous range
    assert proj["A2"].type == "custom" and "COUNTIF" in proj["A2"].formula1           # unique IDs
    act = _validations(wb[n["activities"]])
    assert act["C2"].formula1 == "xlt_activity_types" and act["D2"].formula1 == "xlt_owners"
    pay = _validations(wb[n["payments"]])
    assert pay["C2"].type == "date" and pay["D2"].type == "decimal"
    for dv in [*proj.values(), *act.values(), *pay.values()]:
        assert dv.errorStyle == "warning"


def _resolve(wb, name):
    dn = wb.defined_names[name]
    (sheet, ref), = dn.destinations
    return wb[sheet], ref


def test_defined_names_point_at_the_config_lists(book):
    lang, _, wb = book
    cfg, ref = _resolve(wb, "xlt_stage_names")
    assert cfg.title == names(lang)["config"]
    values = [c[0].value for c in cfg[ref.replace("$", "")] if c[0].value]
    assert values == [s.name(lang) for s in __import__("xltrack.pipeline", fromlist=["x"]).default_pipeline().stages]
    for name in ("xlt_stages", "xlt_owners", "xlt_activity_types"):
        text = wb.defined_names[name].attr_text
        assert text.startswith("OFFSET(") and "COUNTA(" in text and names(lang)["config"] in text
    _, kinds = _resolve(wb, "xlt_stage_kinds")
    assert [c[0].value for c in cfg[kinds.replace("$", "")]][:5] == \
        (["进行中"] * 4 + ["赢单"] if lang == "zh" else ["open"] * 4 + ["won"])


def test_live_conditional_formats(book):
    lang, _, wb = book
    n = names(lang)
    rules = {str(cf.sqref): [r.formula[0] for r in cf.rules] for cf in wb[n["projects"]].conditional_formatting}
    assert "TODAY()" in rules["M2:M5001"][0] and "ISNUMBER($M2)" in rules["M2:M5001"][0]   # next step due
    assert "TODAY()" in rules["K2:K5001"][0]                                               # expected close
    assert len(rules["N2:N5001"]) == 2 and "xlt_stage_idle_red" in rules["N2:N5001"][0]    # last follow-up
    pay = {str(cf.sqref): cf.rules for cf in wb[n["payments"]].conditional_formatting}
    assert "TODAY()" in pay["C2:C5001"][0].formula[0]


def test_number_formats_and_guide(book):
    lang, _, wb = book
    ws = wb[names(lang)["projects"]]
    assert ws.column_dimensions["J"].width >= 12
    guide = wb[names(lang)["guide"]]
    assert guide["A1"].value == ("销售项目跟踪表 — 使用说明" if lang == "zh" else "Sales pipeline workbook — guide")
    assert guide.max_row >= 8


def test_demo_values_types_and_formats(tmp_path):
    path = init(tmp_path / "d.xlsx", demo=True, rows=30, seed=5, as_of=AS_OF)
    wb = openpyxl.load_workbook(path)
    ws = wb["项目跟踪"]
    (table,) = ws.tables.values()
    assert table.ref == f"A1:AF{ws.max_row}" and ws.max_row == 31
    created = [r[9] for r in ws.iter_rows(min_row=2) if isinstance(r[9].value, dt.datetime)]
    assert created and all(c.number_format == "yyyy-mm-dd" for c in created)
    amounts = [r[7] for r in ws.iter_rows(min_row=2) if isinstance(r[7].value, (int, float))]
    assert amounts and all(c.number_format == "#,##0" for c in amounts)
    acts = wb["沟通记录"]
    formula_like = [c for c in acts["E"] if isinstance(c.value, str) and c.value.startswith("-")]
    assert formula_like and all(c.data_type == "s" for c in formula_like)   # typed text stays text
    assert wb.custom_doc_props["xltrack_lang"].value == "zh"


def test_init_speed_is_recorded(tmp_path):
    """Not a timed assertion (see benchmarks/bench_init.py); only that init is not pathologically slow."""
    import time
    t = time.perf_counter()
    init(tmp_path / "e.xlsx")
    assert time.perf_counter() - t < 5


@pytest.mark.libreoffice
def test_libreoffice_opens_it_and_shows_chinese_headers(tmp_path):
    from tests.support.libreoffice import convert, pdf_text
    path = init(tmp_path / "lo.xlsx", demo=True, rows=12, as_of=AS_OF)
    text = pdf_text(convert(path, "pdf", tmp_path / "out"))
    for label in ("项目编号", "客户名称", "当前阶段", "预计金额", "状态灯", "沟通内容", "计划金额", "【阶段】",
                  "未跟进红灯(天)", "销售项目跟踪表 — 使用说明", "自动生成 — 由 xltrack 刷新，请勿手工编辑"):
        assert label in text, label


@pytest.mark.libreoffice
def test_libreoffice_opens_the_english_workbook(tmp_path):
    from tests.support.libreoffice import convert, pdf_text
    text = pdf_text(convert(init(tmp_path / "en.xlsx", lang="en"), "pdf", tmp_path / "out"))
    for label in ("Customer", "Owner", "Contact", "[Stages]", "Generated by xltrack on refresh"):
        assert label in text, label


def test_docs_workbook_md_is_current():
    """docs/workbook.md is generated from the layout data; regenerate with docs/tools/gen_workbook_md.py."""
    import importlib.util
    root = Path(__file__).resolve().parent.parent
    spec = importlib.util.spec_from_file_location("gen_workbook_md", root / "docs" / "tools" / "gen_workbook_md.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    assert (root / "docs" / "workbook.md").read_text(encoding="utf-8") == mod.render()
