"""`xltrack report` end to end on real .xlsx files: formats, options, exit codes, library parity."""
from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from xltrack.cli import cli
from xltrack.cli.errors import run_cli
from xltrack.compute.api import report
from xltrack.formats import to_dict

ROOT = Path(__file__).resolve().parent.parent
AS_OF = "2026-11-27"


def _write(path: Path, lang: str) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    if lang == "zh":
        ws.title = "项目跟踪"
        ws.append(["项目编号", "客户名称", "负责人", "当前阶段", "预计金额", "创建日期", "预计成交日期",
                   "下一步计划", "下一步截止"])
        stages = ["商务洽谈", "赢单", "方案制定"]
        acts_sheet, acts_head = "沟通记录", ["项目编号", "日期", "方式", "跟进人", "沟通内容"]
    else:
        ws.title = "Projects"
        ws.append(["ID", "Customer", "Owner", "Stage", "Amount", "Created", "Expected close", "Next step",
                   "Next step due"])
        stages = ["Negotiation", "Won", "Proposal"]
        acts_sheet, acts_head = "Activities", ["Project ID", "Date", "Type", "Owner", "Summary"]
    ws.append(["P-0001", "华为", "张三", stages[0], 1_000_000, dt.date(2026, 9, 1), dt.date(2026, 12, 31),
               "报价", dt.date(2026, 11, 24)])
    ws.append(["P-0002", "腾讯", "李四", stages[1], 500_000, dt.date(2026, 8, 1), None, None, None])
    ws.append(["P-0003", "<script>alert(1)</script>", "李四", stages[2], 200_000, dt.date(2026, 11, 1),
               dt.date(2027, 1, 15), "方案", dt.date(2026, 12, 5)])
    a = wb.create_sheet(acts_sheet)
    a.append(acts_head)
    a.append(["P-0001", dt.date(2026, 11, 15), "电话", "张三", "报价沟通"])
    a.append(["P-0003", dt.date(2026, 11, 26), "拜访", "李四", "方案讲解"])
    wb.save(path)
    return path


@pytest.fixture(scope="module")
def zh_book(tmp_path_factory) -> Path:
    return _write(tmp_path_factory.mktemp("zh") / "pipeline.xlsx", "zh")


@pytest.fixture(scope="module")
def en_book(tmp_path_factory) -> Path:
    return _write(tmp_path_factory.mktemp("en") / "pipeline.xlsx", "en")


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = run_cli(cli, ["report", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_json_is_the_documented_contract(capsys, zh_book):
    code, out, _ = run(capsys, str(zh_book), "--format", "json", "--as-of", AS_OF)
    assert code == 0
    d = json.loads(out)
    assert list(d)[:3] == ["as_of", "currency", "lang"]
    for key in ("totals", "by_stage", "by_owner", "forecast", "collections", "changes", "issues"):
        assert key in d
    assert d["as_of"] == AS_OF and d["currency"] == "CNY"
    assert d["totals"]["projects"] == 3 and d["totals"]["open_amount"] == 1_200_000
    assert d["totals"]["weighted_amount"] == 1_000_000 * 0.75 + 200_000 * 0.5
    assert d["totals"]["win_rate"] == 1.0 and isinstance(d["by_stage"], list)
    assert [f["month"] for f in d["forecast"]] == ["2026-12", "2027-01"]
    assert d["issues"] == {"error": 0, "warning": 0, "total": 0, "by_code": {}}
    assert d["risks"][0]["id"] == "P-0001"
    assert d["risks"][0]["reasons"][:2] == ["下一步已逾期 3 天", "12 天未跟进（红线 10 天）"]


def test_library_and_cli_agree(capsys, zh_book):
    _, out, _ = run(capsys, str(zh_book), "--format", "json", "--as-of", AS_OF, "--period", "quarter")
    lib = to_dict(report(zh_book, as_of=dt.date(2026, 11, 27), period="quarter"))
    assert json.loads(out) == lib and lib["period"]["start"] == "2026-10-01"


def test_table_in_the_workbook_language(capsys, zh_book, en_book):
    code, out, _ = run(capsys, str(zh_book), "--as-of", AS_OF)
    assert code == 0
    assert out.startswith("销售管道报告 · 截至 2026-11-27 · CNY")
    assert "12 天未跟进（红线 10 天）" in out and "## 阶段漏斗" in out
    _, out, _ = run(capsys, str(en_book), "--as-of", AS_OF, "--period", "week")
    assert out.startswith("Pipeline report · As of 2026-11-27")
    assert "Period: This week 2026-11-23 ~ 2026-11-27" in out
    assert "No follow-up for 12 days (red at 10 days)" in out


def test_html_is_escaped_and_self_contained(capsys, zh_book, tmp_path):
    target = tmp_path / "r.html"
    code, out, _ = run(capsys, str(zh_book), "--format", "html", "--as-of", AS_OF, "-o", str(target))
    assert code == 0 and out == ""
    html = target.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert 'class="red"' in html and "http" not in html


def test_errors_are_one_line_with_documented_codes(capsys, tmp_path, zh_book):
    code, _, err = run(capsys, str(tmp_path / "missing.xlsx"))
    assert code == 3 and err.count("\n") == 1 and "Traceback" not in err
    code, _, err = run(capsys, str(zh_book), "--as-of", "27/11/2026")
    assert code == 2 and "is not a date" in err
    code, _, err = run(capsys, str(zh_book), "--as-of", AS_OF, "-o", str(tmp_path / "no" / "dir" / "r.txt"))
    assert code == 5 and err.startswith("xltrack: cannot write")


def test_subprocess_end_to_end(zh_book):
    p = subprocess.run([sys.executable, "-c", "from xltrack.cli import main; main()", "report", str(zh_book),
                        "--format", "json", "--as-of", AS_OF], capture_output=True, text=True, cwd=ROOT,
                       timeout=120)
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["totals"]["red"] >= 1


def test_demo_workbook_reports(tmp_path):
    from xltrack.build.api import init

    book = init(tmp_path / "demo.xlsx", demo=True, rows=40, seed=3, as_of=dt.date(2026, 11, 27))
    d = to_dict(report(book, as_of=dt.date(2026, 11, 27)))
    assert d["totals"]["projects"] == 40
    assert d["totals"]["red"] + d["totals"]["yellow"] + d["totals"]["green"] == 40
    assert d["issues"]["total"] > 0  # the demo carries typical typing mistakes; the report still runs
    json.dumps(d, allow_nan=False)


def test_xltrack_report_is_callable_even_after_the_formatters_are_imported(zh_book):
    import xltrack
    import xltrack.formats as formatters

    res = xltrack.report(zh_book, as_of=dt.date(2026, 11, 27))
    assert res.kpis["totals"]["projects"] == 3
    assert formatters.to_dict(res) == res.to_dict()
