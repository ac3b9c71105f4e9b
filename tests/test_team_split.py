"""xltrack split: one workbook per owner/team, nothing of anyone else's anywhere in the package."""
from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path

import pytest

import xltrack
from xltrack.refresh import refresh
from xltrack.team import scope as S
from xltrack.team.record import find_record

from .support.libreoffice import convert, pdf_text, pdf_to_png
from .support.package_check import problems

AS_OF = dt.date(2026, 11, 27)


@pytest.fixture(scope="module")
def team(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("team")
    book = xltrack.init(d / "pipeline.xlsx", demo=True, as_of=AS_OF)
    refresh(book, as_of=AS_OF, backup=False)
    return book


@pytest.fixture(scope="module")
def blank(tmp_path_factory) -> dict[str, bytes]:
    """The parts of an empty standard workbook: template text (help notes, examples) is nobody's data."""
    d = tmp_path_factory.mktemp("blank")
    book = xltrack.init(d / "blank.xlsx", as_of=AS_OF)
    with zipfile.ZipFile(book) as z:
        return {n: z.read(n) for n in z.namelist()}


@pytest.fixture(scope="module")
def split_by_owner(team, tmp_path_factory):
    out = tmp_path_factory.mktemp("copies")
    return xltrack.split(team, by="owner", output_dir=out, as_of=AS_OF)


def _leaks(copy: Path, tokens: set[str], blank: dict[str, bytes]) -> list[tuple[str, str]]:
    """(member, token) for each token found in a member more often than in the blank template."""
    found = []
    with zipfile.ZipFile(copy) as z:
        for name in z.namelist():
            data = z.read(name)
            base = blank.get(name, b"")
            for tok in tokens:
                t = tok.encode("utf-8")
                if data.count(t) > base.count(t):
                    found.append((name, tok))
    return found


def test_every_project_in_exactly_one_copy_and_no_other_owners_data_in_any_part(team, split_by_owner, blank):
    tables = xltrack.read_workbook(team, as_of=AS_OF)
    res = split_by_owner
    assert [c.scope.key for c in res.copies] == [s.key for s in S.all_scopes(tables, "owner")]
    seen: list[str] = []
    for c in res.copies:
        copy_tables = xltrack.read_workbook(c.path, as_of=AS_OF)
        ids = copy_tables.projects["id"].tolist()
        seen += ids
        sel = S.select(tables, c.scope)
        assert sorted(ids) == sorted(sel.ids)
        assert len(copy_tables.activities) == c.activities == int(sel.activities.sum())
        assert len(copy_tables.payments) == c.payments == int(sel.payments.sum())
        mine = set(tables.projects.loc[sel.projects, "customer"].dropna()) | set(sel.ids)
        others = (set(tables.projects.loc[~sel.projects, "customer"].dropna())
                  | set(tables.projects.loc[~sel.projects, "id"].dropna())) - mine
        assert others
        assert _leaks(c.path, others, blank) == [], c.path.name
        assert problems(c.path) == []
    assert sorted(seen) == sorted(tables.projects["id"].tolist())          # each project exactly once
    assert len(seen) == 60                     # (the demo has one duplicated ID, P-0017, on two rows)


def test_a_copy_keeps_the_structure_and_computes_its_own_summary(team, split_by_owner):
    copy = next(c for c in split_by_owner.copies if c.label == "梁佳怡")
    with zipfile.ZipFile(team) as z:
        team_parts = set(z.namelist())
    with zipfile.ZipFile(copy.path) as z:
        names = set(z.namelist())
        wb = z.read("xl/workbook.xml").decode()
        sheet1 = z.read("xl/worksheets/sheet1.xml").decode()
        table = z.read("xl/tables/table1.xml").decode()
        item = {n: z.read(n) for n in names if n.startswith("customXml/item")}
    assert team_parts - names == set()                        # the standard workbook: every part kept
    assert {"customXml/item1.xml", "customXml/itemProps1.xml"} <= names
    assert "xlt_owners" in wb and "xlt_stages" in wb          # the drop-downs' named ranges
    assert "<dataValidation" in sheet1 and "<conditionalFormatting" in sheet1
    assert re.search(r'ref="A1:[A-Z]+12"', table)             # the table shrinks to 11 rows
    rec = find_record(item)
    assert rec.scope == "梁佳怡" and rec.by == "owner" and len(rec.projects) == 11
    assert rec.workbook["name"] == "pipeline.xlsx"
    report = xltrack.report(copy.path, as_of=AS_OF).to_dict()
    assert report["totals"]["projects"] == 11
    with_projects = {o["owner"] for o in report["by_owner"] if o["open_count"] or o["won_count"] or o["lost_count"]}
    assert with_projects == {"梁佳怡"}


def test_split_by_team_and_only(team, tmp_path):
    res = xltrack.split(team, by="team", output_dir=tmp_path, as_of=AS_OF, only=["华南组"])
    assert [c.label for c in res.copies] == ["华南组"]
    t = xltrack.read_workbook(res.copies[0].path, as_of=AS_OF)
    south = {o.name for o in t.pipeline.owners if o.team == "华南组"}
    assert len(t.projects) == 16 and set(t.projects["owner"]) <= south
    from xltrack.errors import OutputExists

    with pytest.raises(OutputExists):
        xltrack.split(team, by="team", output_dir=tmp_path, as_of=AS_OF, only=["华南组"])


def test_cli_split_and_bad_input(team, tmp_path):
    from click.testing import CliRunner

    from xltrack.cli import cli

    r = CliRunner().invoke(cli, ["split", str(team), "-o", str(tmp_path / "x"), "--only", "朱明",
                                 "--as-of", "2026-11-27"])
    assert r.exit_code == 0, r.output
    assert "pipeline-朱明.xlsx" in r.output and "8" in r.output
    from xltrack.cli.errors import run_cli

    assert run_cli(cli, ["split", str(team), "-o", str(tmp_path / "x"), "--only", "朱明"]) == 5
    assert run_cli(cli, ["split", str(team), "-o", str(tmp_path / "y"), "--only", "无名氏"]) == 2
    assert run_cli(cli, ["split", str(tmp_path / "missing.xlsx"), "-o", str(tmp_path / "z")]) == 3
    assert not (tmp_path / "y").exists() or not any((tmp_path / "y").iterdir())


@pytest.mark.libreoffice
def test_libreoffice_opens_a_copy_and_shows_its_rows(split_by_owner, tmp_path):
    copy = next(c for c in split_by_owner.copies if c.label == "梁佳怡")
    pdf = convert(copy.path, "pdf", tmp_path)
    text = pdf_text(pdf)
    assert "P-0001" in text and "合肥联创纺织有限公司" in text       # 梁佳怡's first project
    assert "P-0002" not in text                                     # someone else's
    assert pdf_to_png(pdf, tmp_path / "page")


def test_a_project_without_an_id_gets_the_same_id_in_its_copy_as_in_the_team(tmp_path):
    book = xltrack.init(tmp_path / "raw.xlsx", demo=True, as_of=AS_OF)     # not refreshed: 2 blank IDs
    team = xltrack.read_workbook(book, as_of=AS_OF)
    assigned = {i.normalized: i.row for i in team.issues if i.code == "id-assigned"}
    assert len(assigned) == 2
    res = xltrack.split(book, output_dir=tmp_path / "copies", as_of=AS_OF)
    found = {}
    for c in res.copies:
        ids = set(xltrack.read_workbook(c.path, as_of=AS_OF).projects["id"])
        for pid in assigned:
            if pid in ids:
                found[pid] = c.scope.key
    owner_of = dict(zip(team.projects["id"], team.projects["owner"]))
    assert found == {pid: owner_of[pid] for pid in assigned}


def test_a_note_on_a_data_row_goes_only_to_that_rows_copy(team, tmp_path):
    """A note (comment) typed on a project's cell travels with the row, renumbered; nobody else's
    copy holds its text."""
    import shutil

    from xltrack.backends.file.package import Package, write_package

    book = tmp_path / "notes.xlsx"
    with Package(team) as pkg:
        comments = pkg.read("xl/comments1.xml")
        vml = pkg.read("xl/drawings/vmlDrawing1.vml")
        t = xltrack.read_workbook(team, as_of=AS_OF)
        row = int(t.projects["_row"].iloc[9])       # the 10th project
        pid, owner = t.projects["id"].iloc[9], t.projects["owner"].iloc[9]
        note = ('<comment ref="B%d" authorId="0"><text><r><t>机密：客户预算只有一半</t></r></text></comment>' % row).encode()
        comments = comments.replace(b"</commentList>", note + b"</commentList>")
        shape = re.search(rb"<v:shape\b.*?</v:shape>", vml, re.S).group(0)
        shape = re.sub(rb"<x:Row>\d+</x:Row>", b"<x:Row>%d</x:Row>" % (row - 1), shape).replace(b"_x0000_s1025", b"_x0000_s1999")
        vml = vml.replace(b"</xml>", shape + b"</xml>")
        write_package(pkg, book, replace={"xl/comments1.xml": comments, "xl/drawings/vmlDrawing1.vml": vml})
    res = xltrack.split(book, output_dir=tmp_path / "copies", as_of=AS_OF)
    holders = []
    for c in res.copies:
        with zipfile.ZipFile(c.path) as z:
            data = z.read("xl/comments1.xml").decode()
            if "机密：客户预算只有一半" in data:
                holders.append(c.scope.key)
                new_row = dict(zip(*[xltrack.read_workbook(c.path, as_of=AS_OF).projects[k] for k in ("id", "_row")]))[pid]
                assert f'ref="B{new_row}"' in data
                assert f"<x:Row>{new_row - 1}</x:Row>" in z.read("xl/drawings/vmlDrawing1.vml").decode()
    assert holders == [owner]
    shutil.rmtree(tmp_path / "copies")


def test_each_copy_is_made_through_the_job_runner(team, tmp_path, monkeypatch):
    import xltrack.jobs.runner as runner_mod

    calls = []
    real = runner_mod.run_job

    def spy(source, sink, **kw):
        calls.append((type(source).__name__, type(sink).__name__))
        return real(source, sink, **kw)
    monkeypatch.setattr(runner_mod, "run_job", spy)
    xltrack.split(team, by="team", output_dir=tmp_path, as_of=AS_OF)
    assert calls == [("CopySource", "FileSink")] * 4


def test_an_xlsm_copy_keeps_the_macro_and_the_buttons(tmp_path):
    book = xltrack.init(tmp_path / "team.xlsm", demo=True, macro=True, as_of=AS_OF)
    [copy] = xltrack.split(book, output_dir=tmp_path / "copies", only=["朱明"], as_of=AS_OF).copies
    assert copy.path.suffix == ".xlsm"
    with zipfile.ZipFile(book) as z:
        team_parts = {n: z.read(n) for n in z.namelist()}
    with zipfile.ZipFile(copy.path) as z:
        names = set(z.namelist())
        assert z.read("xl/vbaProject.bin") == team_parts["xl/vbaProject.bin"]
        assert b"macroEnabled" in z.read("[Content_Types].xml")
        assert 'name="xlwings.conf"' in z.read("xl/workbook.xml").decode()
    assert set(team_parts) - names == set()       # every part of the macro workbook is there
    assert problems(copy.path) == []
