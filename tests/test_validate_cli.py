"""``xltrack validate``: exact output, formats and exit codes; parity with ``xltrack.validate``."""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

import xltrack
from xltrack.cli import cli
from xltrack.cli.errors import run_cli
from xltrack.issues import CATALOG

from .validate_books import ZH_HEADER, messy_sheets, write_book

ROOT = Path(__file__).resolve().parent.parent
AS_OF = dt.date(2026, 11, 27)

MESSY_TABLE = """\
表        单元格  字段            代码                   说明
项目跟踪  D4      stage           unknown-stage          未知阶段：商务洽淡，是否为“商务洽谈”？
项目跟踪  A5      id              id-assigned            项目编号为空，已分配 P-0004
项目跟踪  H5      expected_close  ambiguous-date         日期 3/5 有歧义，按月/日/年理解为 2026-03-05
项目跟踪  A7      id              duplicate-id           项目编号重复：P-0002（与第 4 行相同）
项目跟踪  C7      owner           missing-required       必填项为空：负责人
项目跟踪  E7      amount          bad-amount             无法识别的金额：abc
项目跟踪  F7      probability     bad-probability        无法识别的赢率：150%（应为 0–100% 之间）
项目跟踪  G7      created         bad-date               无法识别的日期：someday
项目跟踪  D8      stage           error-value            单元格是错误值 #N/A
沟通记录  A3      project_id      unknown-project        找不到项目编号 P-0009
沟通记录  B4      date            future-date            日期在今天之后：2026-11-30
沟通记录  C4      type            unknown-activity-type  未知沟通方式：飞鸽
8 个错误，4 个警告（5 个项目，3 条沟通记录，1 条回款计划）
"""


def run(argv, capsys):
    code = run_cli(cli, argv)
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture
def messy(tmp_path) -> Path:
    return write_book(tmp_path / "messy.xlsx", messy_sheets())


def test_table_output_and_exit_1_on_errors(messy, capsys):
    code, out, err = run(["validate", str(messy), "--as-of", "2026-11-27"], capsys)
    assert (code, out, err) == (1, MESSY_TABLE, "")


def test_json_and_csv_carry_every_field(messy, capsys):
    code, out, _ = run(["validate", str(messy), "--format", "json", "--as-of", "2026-11-27"], capsys)
    doc = json.loads(out)
    assert code == 1
    assert doc["summary"] == {"errors": 8, "warnings": 4, "projects": 5, "activities": 3, "payments": 1,
                              "lang": "zh"}
    assert doc["issues"][2] == {
        "sheet": "项目跟踪", "cell": "H5", "field": "expected_close", "code": "ambiguous-date",
        "severity": "warning", "value": "3/5", "normalized": "2026-03-05", "suggestion": None,
        "message": "日期 3/5 有歧义，按月/日/年理解为 2026-03-05", "row": 5}
    code, out, _ = run(["validate", str(messy), "--format", "csv", "--as-of", "2026-11-27"], capsys)
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 1 and len(rows) == 12
    assert rows[0] == {"sheet": "项目跟踪", "cell": "D4", "field": "stage", "code": "unknown-stage",
                       "severity": "error", "value": "商务洽淡", "normalized": "", "suggestion": "商务洽谈",
                       "message": "未知阶段：商务洽淡，是否为“商务洽谈”？", "row": "4"}


def test_clean_workbook_exits_0_even_with_warnings(tmp_path, capsys):
    p = write_book(tmp_path / "ok.xlsx", {"Projects": [
        ["ID", "Customer", "Owner", "Stage", "Amount"],
        ["P-0001", "Acme", "Ann", "Negotiation", "1.5M"],
        [None, "Globex", "Bob", "lead", 1000]]})
    code, out, err = run(["validate", str(p), "--as-of", "2026-11-27"], capsys)
    assert code == 0 and err == ""
    assert out == ("sheet     cell  field  code         message\n"
                   "Projects  A3    id     id-assigned  Blank project ID, assigned P-0002\n"
                   "0 error(s), 1 warning(s) in 2 projects, 0 activities, 0 payments\n")
    p2 = write_book(tmp_path / "clean.xlsx", {"项目跟踪": [ZH_HEADER, ["P-1", "甲", "张伟", "线索", None, None,
                                                                     dt.date(2026, 11, 1)]]})
    assert run(["validate", str(p2), "--as-of", "2026-11-27"], capsys) == \
        (0, "0 个错误，0 个警告（1 个项目，0 条沟通记录，0 条回款计划）\n", "")


@pytest.mark.parametrize("make,message", [
    (lambda d: (d / "x.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504
                                         + "Workbook".encode("utf-16-le")) and d / "x.xls",
     "xltrack: x.xls is a legacy Excel 97-2003 workbook (.xls), expected an .xlsx or .xlsm workbook; "
     "save it as .xlsx in Excel.\n"),
    (lambda d: (d / "x.csv").write_text("a,b\n1,2\n") and d / "x.csv",
     "xltrack: x.csv is a CSV text file, expected an .xlsx or .xlsm workbook; open it in Excel and save "
     "it as .xlsx.\n"),
    (lambda d: write_book(d / "noproj.xlsx", {"Sheet1": [["a"]]}),
     "xltrack: 找不到“项目跟踪”表（工作簿中的表：Sheet1）。\n"),
    (lambda d: write_book(d / "nohead.xlsx", {"项目跟踪": [["hello", "world"], [1, 2]]}),
     "xltrack: “项目跟踪”表的前 10 行中找不到表头（应包含 客户名称、负责人、当前阶段 等列标题）。\n"),
])
def test_unreadable_workbooks_exit_3_with_one_sentence(tmp_path, capsys, make, message):
    p = make(tmp_path)
    assert run(["validate", str(p)], capsys) == (3, "", message)


def test_broken_config_sheet_exits_3(tmp_path, capsys):
    sheets = messy_sheets()
    sheets["设置"] = [["这不是设置"], ["xx", "yy"]]
    code, out, err = run(["validate", str(write_book(tmp_path / "cfg.xlsx", sheets))], capsys)
    assert (code, out) == (3, "") and err.startswith("xltrack: “设置”表")


def test_usage_errors_exit_2(messy, capsys):
    code, _, err = run(["validate", str(messy), "--as-of", "27/11/2026"], capsys)
    assert code == 2 and "'27/11/2026' is not a date; use YYYY-MM-DD" in err
    code, _, err = run(["validate", str(messy), "--format", "xml"], capsys)
    assert code == 2 and "Invalid value for '--format'" in err
    assert run(["validate"], capsys)[0] == 2


def test_subprocess_no_traceback_unless_verbose(tmp_path):
    p = tmp_path / "x.ods"
    import zipfile
    with zipfile.ZipFile(p, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
    cmd = [sys.executable, "-c", "from xltrack.cli import main; main()"]
    r = subprocess.run(cmd + ["validate", str(p)], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 3 and "Traceback" not in r.stderr
    assert r.stderr == ("xltrack: x.ods is an OpenDocument spreadsheet (.ods), expected an .xlsx or .xlsm "
                        "workbook; save it as .xlsx in LibreOffice.\n")
    r = subprocess.run(cmd + ["-v", "validate", str(p)], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 3 and "Traceback" in r.stderr


def test_library_parity(messy, capsys):
    tables = xltrack.validate(messy, as_of=AS_OF)
    _, out, _ = run(["validate", str(messy), "--format", "json", "--as-of", "2026-11-27"], capsys)
    assert [(i.sheet, i.cell, i.code) for i in tables.issues] == \
        [(i["sheet"], i["cell"], i["code"]) for i in json.loads(out)["issues"]]


def test_every_catalog_code_is_documented_with_an_example():
    doc = (ROOT / "docs" / "issues.md").read_text(encoding="utf-8")
    rows = dict(re.findall(r"^\| `([a-z-]+)` \| (error|warning) \|", doc, flags=re.M))
    assert set(rows) == set(CATALOG)
    assert rows == {c.code: c.severity for c in CATALOG.values()}


def test_zero_projects_with_the_list_on_another_sheet_is_a_warning_naming_it(tmp_path, capsys):
    """The 8,800-row case: an empty Projects sheet beside the team's real list under another
    name; validate says where the projects probably are instead of a silent "0 projects"."""
    import openpyxl
    book = tmp_path / "team.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sales 2026"
    ws.append(["ID", "Customer", "Owner", "Stage", "Amount"])
    for i in range(25):
        ws.append([f"P-{i}", "ACME", "Ann", "Lead", 100])
    notes = wb.create_sheet("Notes")
    for i in range(30):
        notes.append([f"note {i}"])
    wb.create_sheet("Projects").append(["ID", "Customer", "Owner", "Stage", "Amount"])
    wb.save(book)
    assert run_cli(cli, ["validate", str(book), "--as-of", "2026-11-27"]) == 0
    out = capsys.readouterr().out
    assert ("projects-elsewhere  No projects on “Projects”, but sheet “Sales 2026” has a project header "
            "(5 column titles); if that is your project list, rename it to “Projects”") in out
    assert "sheet “Notes” has 30 rows" in out
    assert out.rstrip().endswith("0 error(s), 2 warning(s) in 0 projects, 0 activities, 0 payments")
