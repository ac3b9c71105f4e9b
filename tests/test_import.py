"""`xltrack import`: CRM exports into the workbook, end to end (CLI and API), exit codes, fidelity."""
from __future__ import annotations

import contextlib
import datetime as dt
import io
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest
from python_calamine import CalamineWorkbook

import xltrack
from xltrack.build.api import init
from xltrack.cli import cli
from xltrack.cli.errors import run_cli
from xltrack.compute.api import report

from .support.libreoffice import convert
from .support.package_check import problems
from .support.crm_exports import KIND, STAGE_KEY, chinese_crm_csv, hubspot_xlsx, salesforce_csv
from .support.xlsx_compare import changed_parts, parts

AS_OF = dt.date(2026, 3, 16)


@dataclass
class Ran:
    exit_code: int
    output: str


def run(*args: str) -> Ran:
    """The CLI as a user runs it (errors mapped to exit codes and one-line messages)."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        code = run_cli(cli, list(args))
    return Ran(code, out.getvalue())


def projects(path: Path, sheet: str = "项目跟踪") -> list[list]:
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python()


def expected_kpis(deals: list[dict]) -> dict:
    """The KPIs computed independently with pandas, from the generated source rows."""
    df = pd.DataFrame(deals)
    df["key"] = df["stage"].map(STAGE_KEY)
    df["kind"] = df["stage"].map(KIND).fillna("open")
    won, lost = df[df.kind == "won"], df[df.kind == "lost"]
    cycle = (pd.to_datetime(won["close"]) - pd.to_datetime(won["created"])).dt.days
    per_owner = {}
    for owner, g in df.groupby("owner"):
        w, lo = (g.kind == "won").sum(), (g.kind == "lost").sum()
        per_owner[owner] = (round(w / (w + lo), 4) if w + lo else None, round(g.loc[g.kind == "won", "amount"].sum(), 2))
    return {"by_stage": df["key"].value_counts().to_dict(), "win_rate": round(len(won) / (len(won) + len(lost)), 4),
            "won_amount": round(won["amount"].sum(), 2), "avg_cycle_days": round(cycle.mean(), 2),
            "owners": per_owner}


def actual_kpis(path: Path) -> dict:
    k = report(path, as_of=AS_OF).kpis
    t = k["totals"]
    return {"by_stage": {s["stage"]: s["count"] for s in k["by_stage"] if s["count"]},
            "win_rate": t["win_rate"], "won_amount": t["won_amount"], "avg_cycle_days": t["avg_cycle_days"],
            "owners": {o["owner"]: (o["win_rate"], o["won_amount"]) for o in k["by_owner"] if o["owner"]}}


@pytest.mark.parametrize("make", [salesforce_csv, hubspot_xlsx, chinese_crm_csv])
def test_kpis_after_import_equal_pandas_on_the_source(tmp_path, make):
    src, deals = make(tmp_path, as_of=AS_OF)
    book = init(tmp_path / "team.xlsx")
    res = xltrack.import_rows(src, book, add_owners=True, as_of=AS_OF)
    assert res.counts["added"] == len(deals) and res.counts["rejected"] == 0
    assert sorted(res.imported.owners_added) == sorted({d["owner"] for d in deals})
    got, want = actual_kpis(book), expected_kpis(deals)
    assert got["by_stage"] == want["by_stage"]
    assert got["win_rate"] == want["win_rate"] and got["won_amount"] == pytest.approx(want["won_amount"])
    assert got["avg_cycle_days"] == want["avg_cycle_days"]
    assert {o: (w, pytest.approx(a)) for o, (w, a) in want["owners"].items()} == got["owners"]


def test_values_land_typed_and_reimport_is_byte_identical(tmp_path):
    src, deals = salesforce_csv(tmp_path, n=12, as_of=AS_OF)
    book = init(tmp_path / "team.xlsx")
    r = run("import", str(src), "--into", str(book), "--as-of", AS_OF.isoformat(), "--add-owners")
    assert r.exit_code == 0, r.output
    assert "导入：新增 12，更新 0，未变 0，拒绝 0" in r.output
    rows = projects(book)
    head = rows[0]
    first = dict(zip(head, rows[1]))
    d = deals[0]
    assert first["项目编号"] == d["id"] and first["客户名称"] == d["account"]
    assert first["预计成交日期"] == d["close"] and isinstance(first["预计金额"], float)
    assert first["当前阶段"] == {"lead": "线索获取", "discovery": "需求挖掘", "proposal": "方案制定",
                                "negotiation": "商务洽谈", "won": "成交交付", "lost": "输单"}[STAGE_KEY[d["stage"]]]
    assert problems(book) == []
    before = book.read_bytes()
    r = run("import", str(src), "--into", str(book), "--as-of", AS_OF.isoformat())
    assert r.exit_code == 0 and "导入：新增 0，更新 0，未变 12，拒绝 0" in r.output
    assert book.read_bytes() == before


def test_update_changes_only_mapped_cells_and_keeps_user_columns(tmp_path):
    src, deals = salesforce_csv(tmp_path, n=6, as_of=AS_OF)
    book = init(tmp_path / "team.xlsx", lang="en")
    xltrack.import_rows(src, book, add_owners=True, as_of=AS_OF)
    text = src.read_text(encoding="utf-8-sig").replace("Web", "Web")
    lines = text.splitlines()
    cells = lines[1].split(",")
    lines[1] = lines[1].replace(cells[2], "Renamed deal")           # Opportunity Name of the first deal
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    res = xltrack.import_rows(src, book, as_of=AS_OF)
    assert (res.counts["added"], res.counts["updated"], res.counts["unchanged"]) == (0, 1, 5)
    rows = projects(book, "Projects")
    assert rows[1][rows[0].index("Project")] == "Renamed deal"


def test_gbk_csv_and_unknown_stage_is_reported_not_guessed(tmp_path):
    src, deals = chinese_crm_csv(tmp_path, n=5, as_of=AS_OF)
    data = src.read_bytes().decode("gbk").replace("谈判审核", "谈判中").replace("初步接洽", "谈判中")
    src.write_bytes(data.encode("gbk"))
    book = init(tmp_path / "team.xlsx")
    r = run("import", str(src), "--into", str(book), "--as-of", AS_OF.isoformat())
    assert r.exit_code == 0, r.output
    assert "来源：商机导出.csv（gb18030，分隔符 ','）" in r.output
    if "谈判中" in data:
        assert "未识别的阶段“谈判中”" in r.output
        stages = [row[6] for row in projects(book)[1:]]
        assert "谈判中" in stages                     # kept as written, flagged on the Issues sheet
    assert "不在“设置”表中的负责人" in r.output


def test_dry_run_and_print_mapping_write_nothing(tmp_path):
    src, _ = hubspot_xlsx(tmp_path, n=8, as_of=AS_OF)
    book = init(tmp_path / "team.xlsx")
    before = book.read_bytes()
    r = run("import", str(src), "--into", str(book), "--dry-run")
    assert r.exit_code == 0 and "（试运行，未写入）" in r.output and "Deal Name → project" in r.output
    r = run("import", str(src), "--into", str(book), "--print-mapping")
    assert r.exit_code == 0
    assert '"Deal Stage" = "stage"' in r.output and '"Pipeline" = ""' in r.output
    assert book.read_bytes() == before
    (tmp_path / "map.toml").write_text(r.output, encoding="utf-8")
    res = xltrack.import_rows(src, book, mapping=tmp_path / "map.toml", as_of=AS_OF)
    assert res.counts["added"] == 8


def test_mapping_file_overrides_and_located_errors(tmp_path):
    src = tmp_path / "own.csv"
    src.write_text("编号;客户;机会;状态;金额（万元）\nX1;甲公司;一期;跟进中;12\n", encoding="utf-8")
    book = init(tmp_path / "team.xlsx")
    m = tmp_path / "map.toml"
    m.write_text('target = "projects"\namount_unit = "万元"\n\n[columns]\n"机会" = "project"\n'
                 '"金额（万元）" = "amount"\n"状态" = "stage"\n\n[stages]\n"跟进中" = "discovery"\n\n[constants]\nowner = "张伟"\n',
                 encoding="utf-8")
    res = xltrack.import_rows(src, book, mapping=m, as_of=AS_OF, add_owners=True)
    row = dict(zip(*projects(book)[:2]))
    assert (row["项目编号"], row["项目名称"], row["当前阶段"], row["预计金额"], row["负责人"]) == \
        ("X1", "一期", "需求挖掘", 120000.0, "张伟")
    assert res.imported.owners_added == ["张伟"]
    m.write_text('[columns]\n"机会" = "project"\n"状态" = "stagee"\n', encoding="utf-8")
    r = run("import", str(src), "--into", str(book), "--mapping", str(m))
    assert r.exit_code == 2
    assert f"{m}:3: 未知字段“stagee”" in r.output
    m.write_text('targett = "projects"\n', encoding="utf-8")
    r = run("import", str(src), "--into", str(book), "--mapping", str(m))
    assert r.exit_code == 2 and f"{m}:1: 未知的设置“targett”" in r.output


def test_exit_codes_unrecognised_unreadable_locked(tmp_path):
    book = init(tmp_path / "team.xlsx", lang="en")
    src = tmp_path / "odd.csv"
    src.write_text("Deal Nme,Acount,Foo\n1,2,3\n", encoding="utf-8")
    r = run("import", str(src), "--into", str(book))
    assert r.exit_code == 1
    assert "No header row of odd.csv is recognised; nothing was imported." in r.output
    assert "“Deal Nme” → project" in r.output and "“Acount” → customer" in r.output
    enc = tmp_path / "secret.xlsx"
    enc.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 2000)   # an encrypted (OLE) package
    r = run("import", str(enc), "--into", str(book))
    assert r.exit_code == 3 and "Cannot read the import file secret.xlsx" in r.output
    r = run("import", str(tmp_path / "missing.csv"), "--into", str(book))
    assert r.exit_code == 3
    good, _ = salesforce_csv(tmp_path, n=3, as_of=AS_OF)
    lock = tmp_path / ("~$" + book.name)
    lock.write_bytes(b"x")
    before = book.read_bytes()
    r = run("import", str(good), "--into", str(book))
    assert r.exit_code == 4 and book.read_bytes() == before


def test_rows_beyond_5001_get_validation_and_colours(tmp_path):
    """The table, drop-downs, validations and live colours cover imported rows past row 5,001."""
    import zipfile
    src = tmp_path / "many.csv"
    lines = ["ID,Customer,Owner,Stage,Next step due"] + \
        [f"P-{i:05d},Co {i},Jane,Lead,2026-0{1 + i % 9}-1{i % 10}" for i in range(1, 5031)]
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    book = init(tmp_path / "team.xlsx", lang="en")
    res = xltrack.import_rows(src, book, as_of=AS_OF, add_owners=True)
    assert res.counts["added"] == 5030
    with zipfile.ZipFile(book) as z:
        table = next(z.read(n).decode() for n in z.namelist() if n.startswith("xl/tables/")
                     and b"xlt_projects" in z.read(n))
        sheet = z.read("xl/worksheets/sheet1.xml").decode()   # Projects
    assert 'ref="A1:AF5031"' in table
    assert 'sqref="G2:G5031"' in sheet                      # the stage drop-down
    assert "$A$2:$A$5031" in sheet                           # the duplicate-ID rule's range
    assert ':M5001"' not in sheet and 'sqref="M2:M5031"' in sheet   # next-step-due colour
    assert not re.search(r":\$?[A-Z]+\$?5001\b", sheet)             # no range stops at the old end
    assert problems(book) == []


def test_excel_authored_workbook_keeps_every_non_owned_part(shared_fixtures, tmp_path):
    book = tmp_path / "team.xlsx"
    shutil.copyfile(shared_fixtures / "excel-authored-dashboard.xlsx", book)   # the fixture is read-only
    run("init", str(book), "--into")
    adopted = tmp_path / "adopted.xlsx"
    shutil.copy(book, adopted)
    src, deals = salesforce_csv(tmp_path, n=20, as_of=AS_OF)
    r = run("import", str(src), "--into", str(book), "--as-of", AS_OF.isoformat(), "--add-owners")
    assert r.exit_code == 0, r.output
    changed, removed, added = changed_parts(adopted, book)
    assert removed == set()
    before, after = parts(adopted), parts(book)
    owned = {n for n in changed if n.startswith(("xl/worksheets/", "xl/tables/", "xl/charts/", "xl/drawings/"))}
    assert changed - owned <= {"xl/styles.xml", "[Content_Types].xml", "xl/workbook.xml",
                               "xl/_rels/workbook.xml.rels", "docProps/app.xml", "xl/calcChain.xml"}
    for name in ("xl/model/item.data", "xl/pivotCache/pivotCacheDefinition1.xml", "xl/slicers/slicer1.xml",
                 "xl/timelines/timeline1.xml", "xl/media/image1.jpeg", "customXml/item14.xml",
                 "xl/sharedStrings.xml", "xl/connections.xml"):
        assert after[name] == before[name]
    # only xltrack's sheets and the Projects table changed among the worksheets and tables
    from xltrack.backends.file.package import Package
    from xltrack.backends.file.workbook_parts import WorkbookInfo
    info = WorkbookInfo(Package(book))
    mine = {info.sheet(n).part for n in ("项目跟踪", "设置", "看板", "漏斗", "负责人", "风险清单", "本周变化",
                                         "回款", "数据问题", "历史", "沟通记录", "回款计划") if info.sheet(n)}
    for name in owned:
        if name.startswith("xl/worksheets/sheet"):
            assert name in mine, name
    assert len([r for r in projects(book)[1:] if r[0]]) == len(deals)
    assert problems(book) == []


def test_libreoffice_opens_the_imported_workbook_with_typed_values(tmp_path):
    src, deals = hubspot_xlsx(tmp_path, n=10, as_of=AS_OF)
    book = init(tmp_path / "team.xlsx", lang="en")
    xltrack.import_rows(src, book, as_of=AS_OF, add_owners=True)
    back = convert(book, "xlsx", tmp_path / "lo")
    import openpyxl
    ws = openpyxl.load_workbook(back)["Projects"]
    head = [c.value for c in ws[1]]
    row = {h: c for h, c in zip(head, ws[2])}
    d = deals[0]
    assert row["ID"].value == d["id"] and row["Customer"].value == d["account"]
    assert row["Expected close"].value.date() == d["close"] and row["Expected close"].is_date
    assert row["Amount"].value == pytest.approx(d["amount"]) and row["Amount"].data_type == "n"
    assert ws.tables["xlt_projects"].ref == "A1:AF11"


def test_activities_and_payments_follow_their_projects(tmp_path):
    src, deals = salesforce_csv(tmp_path, n=4, as_of=AS_OF)
    book = init(tmp_path / "team.xlsx")
    xltrack.import_rows(src, book, add_owners=True, as_of=AS_OF)
    acts = tmp_path / "activities.csv"
    acts.write_text("项目编号,跟进日期,跟进方式,沟通内容\n"
                    f"{deals[0]['id']},2026/3/10,Phone,首次沟通\n{deals[1]['id']},2026年3月12日,拜访,演示\n",
                    encoding="utf-8")
    pays = tmp_path / "payments.csv"
    pays.write_text("Project ID,Installment,Planned date,Planned amount\n"
                    f"{deals[0]['id']},1,2026-04-01,\"¥50,000\"\n", encoding="utf-8")
    for f, n in ((acts, 2), (pays, 1)):
        r = run("import", str(f), "--into", str(book), "--as-of", AS_OF.isoformat())
        assert r.exit_code == 0 and f"导入：新增 {n}，更新 0，未变 0，拒绝 0" in r.output, r.output
    a = projects(book, "沟通记录")
    assert a[1][:3] == [deals[0]["id"], dt.date(2026, 3, 10), "电话"] and a[2][1] == dt.date(2026, 3, 12)
    p = projects(book, "回款计划")
    assert p[1][:4] == [deals[0]["id"], "1", dt.date(2026, 4, 1), 50000.0]
    r = run("import", str(acts), "--into", str(book), "--as-of", AS_OF.isoformat())
    assert "导入：新增 0，更新 0，未变 2，拒绝 0" in r.output


def test_import_into_a_workbook_saved_by_libreoffice(tmp_path):
    """LibreOffice's own XML flavour (its styles, rows, table part): the rows land and the table grows."""
    book = convert(init(tmp_path / "team.xlsx", lang="en"), "xlsx", tmp_path / "lo")
    src, deals = salesforce_csv(tmp_path, n=6, as_of=AS_OF)
    res = xltrack.import_rows(src, book, add_owners=True, as_of=AS_OF)
    assert res.counts["added"] == 6 and problems(book) == []
    rows = projects(book, "Projects")
    assert [r[0] for r in rows[1:7]] == [d["id"] for d in deals]
    assert rows[1][rows[0].index("Expected close")] == deals[0]["close"]
    again = xltrack.import_rows(src, book, as_of=AS_OF)
    assert again.counts["unchanged"] == 6
