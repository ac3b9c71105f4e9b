"""xltrack merge: copies' edits back by ID, three-way conflicts, flags, bad input, fidelity."""
from __future__ import annotations

import datetime as dt
import hashlib
import shutil
from pathlib import Path

import pytest

import xltrack
from xltrack.backends.file.adopt import adopt
from xltrack.cli import cli
from xltrack.cli.errors import run_cli
from xltrack.pipeline import layout
from xltrack.refresh import refresh

from .support.edit_cells import row_of, set_cells
from .support.package_check import problems
from .support.xlsx_compare import cell_dump, changed_parts, parts

AS_OF = dt.date(2026, 11, 27)


def _sha(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> tuple[Path, Path, Path]:
    """A refreshed demo team workbook and the copies of 梁佳怡 and 朱明, kept pristine."""
    d = tmp_path_factory.mktemp("base")
    team = xltrack.init(d / "pipeline.xlsx", demo=True, as_of=AS_OF)
    refresh(team, as_of=AS_OF, backup=False)
    res = xltrack.split(team, output_dir=d / "copies", as_of=AS_OF, only=["梁佳怡", "朱明"])
    liang, zhu = (c.path for c in res.copies)
    return team, liang, zhu


@pytest.fixture
def book(base, tmp_path) -> tuple[Path, Path, Path]:
    team, liang, zhu = base
    (tmp_path / "copies").mkdir()
    return (Path(shutil.copy(team, tmp_path / team.name)), Path(shutil.copy(liang, tmp_path / "copies" / liang.name)),
            Path(shutil.copy(zhu, tmp_path / "copies" / zhu.name)))


def _user_cells(path: Path) -> dict:
    """Every user cell of the three user sheets (xltrack's computed columns left out)."""
    t = xltrack.read_workbook(path, as_of=AS_OF)
    owned = {c.key for key in ("projects", "payments") for c in layout().sheet(key).owned_columns}
    skip = {info.name: {col for k, col in info.columns.items() if k in owned} for info in t.sheets.values()}
    return cell_dump(path, sheets=[i.name for i in t.sheets.values()], skip=skip)


def test_edits_in_two_copies_and_a_conflict_with_the_team(book):
    team, liang, zhu = book
    before = _user_cells(team)
    # 梁佳怡: amount and next step of P-0001, a new follow-up; 朱明: the stage of P-0015
    set_cells(liang, "projects", {2: {"amount": 999000, "next_step": "发送报价单"}})
    n = xltrack.read_workbook(liang, as_of=AS_OF).sheets["activities"].last_row + 1
    set_cells(liang, "activities", {n: {"project_id": "P-0001", "date": dt.date(2026, 11, 26), "type": "电话",
                                        "owner": "梁佳怡", "summary": "电话确认预算"}})
    set_cells(zhu, "projects", {row_of(zhu, "P-0015"): {"stage": "商务洽谈"}})
    # meanwhile, in the team workbook, the same field of P-0001
    r1, r15 = row_of(team, "P-0001"), row_of(team, "P-0015")
    set_cells(team, "projects", {r1: {"amount": 888000}})
    edited = _user_cells(team)

    res = xltrack.merge(team, [liang.parent], as_of=AS_OF)
    assert res.written
    after = _user_cells(team)
    changed = {k for k in set(edited) | set(after) if edited.get(k) != after.get(k)}
    t = xltrack.read_workbook(team, as_of=AS_OF)
    p, a = t.sheets["projects"], t.sheets["activities"]
    from xltrack.cellref import col_letter

    new_row = a.last_row
    expected = {(p.name, f"{col_letter(p.columns['next_step'])}{r1}"), (p.name, f"{col_letter(p.columns['stage'])}{r15}")}
    expected |= {(a.name, f"{col_letter(a.columns[f])}{new_row}") for f in ("project_id", "date", "type", "owner", "summary")}
    assert changed == expected
    assert after[(p.name, f"{col_letter(p.columns['amount'])}{r1}")][0] == 888000          # the team's value kept
    assert after[(p.name, f"{col_letter(p.columns['stage'])}{r15}")][0] == "商务洽谈"
    assert before.keys() <= after.keys()
    # the conflict: in the result, and on the Issues sheet with both values
    [conflict] = [c for co in res.outcome.copies for c in co.conflicts]
    assert (conflict.key, conflict.field, conflict.team_value, conflict.copy_value) == ("P-0001", "amount", 888000, 999000)
    dump = cell_dump(team, sheets=["数据问题"])
    texts = " ".join(str(v[0]) for v in dump.values())
    assert "合并冲突" in texts and "888000" in texts and "999000" in texts
    assert problems(team) == []

    # merging the same copies again changes nothing
    digest = _sha(team)
    again = xltrack.merge(team, [liang.parent], as_of=AS_OF)
    assert not again.written and again.outcome.writes == {}
    assert _sha(team) == digest


def test_deleted_handed_over_duplicate_and_new_rows(book):
    team, liang, zhu = book
    t = xltrack.read_workbook(liang, as_of=AS_OF)
    info = t.sheets["projects"]
    rows = dict(zip(t.projects["id"], t.projects["_row"]))
    clear = {f: None for f in info.columns if f in {c.key for c in layout().sheet("projects").user_columns}}
    last = info.last_row
    set_cells(liang, "projects", {
        rows["P-0010"]: clear,                                   # deleted in the copy
        rows["P-0014"]: {"owner": "朱明"},                        # handed to a colleague
        last + 1: {"id": "P-0061", "customer": "新客户甲", "project": "新项目", "owner": "梁佳怡",
                   "stage": "线索获取", "amount": 50000},        # new; P-0061 is already someone else's
        last + 2: {"id": "P-0900", "customer": "重复客户", "owner": "梁佳怡", "stage": "线索获取"},
        last + 3: {"id": "P-0900", "customer": "重复客户二", "owner": "梁佳怡", "stage": "线索获取"},
    })
    n_team = len(xltrack.read_workbook(team, as_of=AS_OF).projects)
    res = xltrack.merge(team, [liang], as_of=AS_OF)
    [co] = res.outcome.copies
    assert [d[2] for d in co.deleted] == ["P-0010"]
    assert co.moved == [("P-0014", "梁佳怡", "朱明")]
    assert co.renumbered == {"P-0061": "P-0063"}
    assert sorted((r.key, r.reason) for r in co.rejected) == [("P-0900", "duplicate"), ("P-0900", "duplicate")]
    after = xltrack.read_workbook(team, as_of=AS_OF).projects
    assert len(after) == n_team + 1                                     # only the new project
    assert "P-0010" in set(after["id"])                                 # flagged, not deleted
    assert after.loc[after["id"] == "P-0014", "owner"].item() == "朱明"
    assert after.loc[after["id"] == "P-0063", "customer"].item() == "新客户甲"
    texts = " ".join(str(v[0]) for v in cell_dump(team, sheets=["数据问题"]).values())
    assert "副本 pipeline-梁佳怡.xlsx 中删除了此行" in texts and "P-0014 已由 梁佳怡 转给 朱明" in texts
    # again: the renumbered project is recognised, nothing is added twice, nothing written
    digest = _sha(team)
    again = xltrack.merge(team, [liang], as_of=AS_OF)
    assert not again.written and again.outcome.copies[0].added == {} and _sha(team) == digest


def test_bad_input_is_refused_before_anything_is_written(book, tmp_path, base):
    team, liang, zhu = book
    digest = _sha(team)
    plain = xltrack.init(tmp_path / "plain.xlsx", as_of=AS_OF)
    assert run_cli(cli, ["merge", str(team), str(plain)]) == 3                       # no split record
    other = tmp_path / "other"
    other.mkdir()
    other_team = xltrack.init(other / "pipeline.xlsx", demo=True, lang="en", as_of=AS_OF)   # another team
    foreign = xltrack.split(other_team, output_dir=other / "copies", as_of=AS_OF).copies[0].path
    assert run_cli(cli, ["merge", str(team), str(liang), str(foreign)]) == 3          # another team's copy
    (zhu.parent / f"~${zhu.name}").write_text("someone")                                # zhu's copy is open
    assert run_cli(cli, ["merge", str(team), str(liang.parent)]) == 4
    assert _sha(team) == digest
    assert not list(team.parent.glob(".~merge-*"))


def test_cli_dry_run_lists_the_conflict_and_writes_nothing(book, capsys):
    team, liang, zhu = book
    set_cells(liang, "projects", {2: {"amount": 999000}})
    set_cells(team, "projects", {row_of(team, "P-0001"): {"amount": 888000}})
    digest = _sha(team)
    assert run_cli(cli, ["merge", str(team), str(liang), "--dry-run", "--as-of", "2026-11-27"]) == 0
    out = capsys.readouterr().out
    assert "项目跟踪!H2 P-0001 预计金额：团队 888000 · 副本 999000（pipeline-梁佳怡.xlsx）" in out
    assert "试运行" in out and _sha(team) == digest


def test_fidelity_through_split_and_merge_on_the_excel_authored_workbook(shared_fixtures, tmp_path):
    src = shared_fixtures / "excel-authored-dashboard.xlsx"
    team = Path(shutil.copyfile(src, tmp_path / src.name))   # the shared fixture is read-only (0444)
    adopt(team, backup=False)
    rows = {2 + i: {"id": f"P-{i + 1:04d}", "customer": f"客户{i}", "project": f"项目{i}", "owner": "张三",
                    "stage": "线索获取", "amount": 10000 * (i + 1), "created": dt.date(2026, 11, 1)} for i in range(5)}
    set_cells(team, "projects", rows)
    refresh(team, as_of=AS_OF, backup=False)
    before = tmp_path / "before.xlsx"
    shutil.copy(team, before)
    [copy] = xltrack.split(team, output_dir=tmp_path / "copies", as_of=AS_OF).copies
    assert problems(copy.path) == []
    set_cells(copy.path, "projects", {3: {"next_step": "约见客户"}})
    res = xltrack.merge(team, [copy.path], as_of=AS_OF)
    assert res.written and res.outcome.changes == 1
    changed, removed, added = changed_parts(before, team)
    assert removed == set() and added == set()
    original = parts(src)
    after = parts(team)
    # every part of the original workbook is byte-identical, apart from what adopting the
    # xltrack sheets changes (workbook, rels, content types, app, append-only styles)
    kept = {n for n in original if n not in {"xl/workbook.xml", "xl/_rels/workbook.xml.rels",
                                             "[Content_Types].xml", "docProps/app.xml", "xl/styles.xml"}}
    assert kept and all(after[n] == original[n] for n in kept)
    assert problems(team) == []
    t = xltrack.read_workbook(team, as_of=AS_OF)
    assert t.projects.loc[t.projects["id"] == "P-0002", "next_step"].item() == "约见客户"


@pytest.mark.libreoffice
def test_a_copy_edited_and_saved_in_libreoffice_merges_back(book, tmp_path):
    from xltrack.cellref import col_letter

    from .support.libreoffice import run_uno_script

    team, liang, zhu = book
    info = xltrack.read_workbook(liang, as_of=AS_OF).sheets["projects"]
    cell = f"{col_letter(info.columns['next_step'])}3"           # P-0010's next step
    saved = tmp_path / "saved" / liang.name
    saved.parent.mkdir()
    script = (Path(__file__).parent / "support" / "uno_edit.py").read_text(encoding="utf-8")
    proc = run_uno_script(script, str(liang), str(saved), cell, "周五上门演示")
    assert proc.returncode == 0 and saved.exists(), proc.stderr
    res = xltrack.merge(team, [saved], as_of=AS_OF)        # the split record survived LibreOffice's save
    [co] = res.outcome.copies
    assert res.written and co.updated == 1 and co.conflicts == [] and co.deleted == []
    t = xltrack.read_workbook(team, as_of=AS_OF).projects
    assert t.loc[t["id"] == "P-0010", "next_step"].item() == "周五上门演示"
