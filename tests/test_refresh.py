"""refresh() end to end on the standard workbook: fidelity, stability, LibreOffice, the CLI."""
from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from tests.support.libreoffice import convert
from tests.support.package_check import problems
from tests.support.xlsx_compare import cell_dump, changed_parts, parts
from xltrack.backends.file.package import Package
from xltrack.backends.file.workbook_parts import WorkbookInfo
from xltrack.backends.safe_write import exclusive_lock
from xltrack.pipeline import layout
from xltrack.refresh import refresh

AS_OF = dt.date(2026, 11, 27)
ROOT = Path(__file__).resolve().parent.parent


def demo_book(path: Path, rows: int = 60, lang: str = "zh") -> Path:
    from xltrack.build.api import init
    return init(path, lang=lang, demo=True, rows=rows, seed=3, as_of=AS_OF)


def sheet_parts(path: Path) -> dict[str, str]:
    with Package(path) as pkg:
        return {s.name: s.part for s in WorkbookInfo(pkg).sheets}


def owned_columns(path: Path, lang: str = "zh") -> dict[str, set[int]]:
    """Columns of computed headers on the user sheets (read from the refreshed file)."""
    wb = openpyxl.load_workbook(path, read_only=True)
    out = {}
    for key in ("projects", "payments"):
        sheet = layout().sheet(key)
        labels = {c.label(lang) for c in sheet.owned_columns}
        ws = wb[sheet.name(lang)]
        head = next(ws.iter_rows(min_row=1, max_row=1, values_only=True))
        out[sheet.name(lang)] = {i for i, v in enumerate(head, start=1) if v in labels}
    wb.close()
    return out


@pytest.fixture(scope="module")
def refreshed(tmp_path_factory) -> tuple[Path, Path, Path]:
    d = tmp_path_factory.mktemp("refresh")
    before = demo_book(d / "before.xlsx")
    once = d / "once.xlsx"
    once.write_bytes(before.read_bytes())
    res = refresh(once, as_of=AS_OF)
    assert res.backup is not None and res.backup.read_bytes() == before.read_bytes()
    return before, once, res.backup


def test_refresh_changes_only_what_xltrack_owns(refreshed):
    before, once, _ = refreshed
    L = layout()
    names = sheet_parts(before)
    owned_sheets = {names[s.name("zh")] for s in L.owned_sheets}
    computed = {names[L.sheet(k).name("zh")] for k in ("projects", "payments")}
    changed, removed, added = changed_parts(before, once)
    assert removed == set()
    allowed = owned_sheets | computed | {"xl/styles.xml", "[Content_Types].xml"}
    assert changed <= allowed, changed - allowed
    assert all(a.startswith(("xl/charts/", "xl/drawings/", "xl/worksheets/_rels/")) for a in added)
    # every user cell keeps value and style, except the IDs xltrack filled into empty cells
    skip = owned_columns(once)
    user = [L.sheet(k).name("zh") for k in ("projects", "activities", "payments", "config", "guide")]
    a, b = cell_dump(before, user, skip), cell_dump(once, user, skip)
    diff = {k for k in a.keys() | b.keys() if a.get(k) != b.get(k)}
    assert {k for k in diff if not (k[0] == "项目跟踪" and k[1].startswith("A"))} == set()
    assert all(a.get(k, (None,))[0] is None and str(b[k][0]).startswith("P-") for k in diff)
    assert problems(once) == []


def test_refresh_twice_then_nothing_changes(refreshed, tmp_path: Path):
    _, once, _ = refreshed
    twice, thrice = tmp_path / "twice.xlsx", tmp_path / "thrice.xlsx"
    twice.write_bytes(once.read_bytes())
    refresh(twice, as_of=AS_OF, backup=False)
    changed, removed, added = changed_parts(once, twice)
    # only the Issues sheet may change: the "ID assigned" notes are gone once IDs are written
    assert removed == added == set() and len(changed) <= 1
    thrice.write_bytes(twice.read_bytes())
    refresh(thrice, as_of=AS_OF, backup=False)
    assert thrice.read_bytes() == twice.read_bytes()


def test_libreoffice_opens_the_refreshed_workbook_with_values_and_fills(refreshed, tmp_path: Path):
    _, once, _ = refreshed
    back = convert(once, "xlsx", tmp_path / "lo")
    wb = openpyxl.load_workbook(back)
    ws = wb["项目跟踪"]
    head = [c.value for c in ws[1]]
    light = head.index("状态灯") + 1
    values = [ws.cell(r, light) for r in range(2, 62)]
    assert {c.value for c in values} <= {"红", "黄", "绿"} and len({c.value for c in values}) >= 2
    fills = {c.value: c.fill.fgColor.rgb[-6:] for c in values}
    assert fills.get("红") == "FFC7CE" and fills.get("绿") == "C6EFCE"
    assert isinstance(ws.cell(2, head.index("阶段天数") + 1).value, (int, float))
    assert wb["历史"].max_row > 1


def _cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-c", "from xltrack.cli import main; main()", *args],
                          capture_output=True, text=True, env=env, cwd=cwd, timeout=120)


def test_cli_refresh_prints_a_summary_and_writes_output(refreshed, tmp_path: Path):
    before, _, _ = refreshed
    out = tmp_path / "out.xlsx"
    p = _cli("refresh", str(before), "--as-of", "2026-11-27", "-o", str(out))
    assert p.returncode == 0, p.stderr
    assert p.stdout.startswith(f"已刷新 {out}：60 个项目，红 ")
    assert out.exists() and before.read_bytes() == refreshed[0].read_bytes()


def test_cli_refuses_a_workbook_open_in_excel(refreshed, tmp_path: Path):
    book = tmp_path / "team.xlsx"
    book.write_bytes(refreshed[0].read_bytes())
    (tmp_path / "~$team.xlsx").write_bytes(b"owner")
    p = _cli("refresh", str(book), "--as-of", "2026-11-27")
    assert p.returncode == 4
    assert p.stderr.strip() == ("xltrack: 工作簿 team.xlsx 正在被 Excel/WPS/LibreOffice 打开（发现锁文件 ~$team.xlsx），"
                                "请关闭后重试。")
    assert book.read_bytes() == refreshed[0].read_bytes()


def test_a_concurrent_refresh_is_refused(refreshed, tmp_path: Path):
    book = tmp_path / "team.xlsx"
    book.write_bytes(refreshed[0].read_bytes())
    with exclusive_lock(book):          # another refresh holds the workbook
        p = _cli("refresh", str(book), "--as-of", "2026-11-27")
    assert p.returncode == 4
    assert "另一个 xltrack 刷新正在进行" in p.stderr
    assert book.read_bytes() == refreshed[0].read_bytes()
    assert _cli("refresh", str(book), "--as-of", "2026-11-27").returncode in (0, 1)


def test_user_text_that_looks_like_a_formula_stays_text(tmp_path: Path):
    from xltrack.build.api import init
    book = init(tmp_path / "f.xlsx", lang="en")
    wb = openpyxl.load_workbook(book)
    ws = wb["Projects"]
    ws["B2"], ws["F2"], ws["G2"] = "=HYPERLINK(\"http://x\")", "Ann", "Lead"
    ws["L2"] = "@cmd|' /C calc'!A0"
    ws.cell(2, 2).data_type = "s"
    wb.save(book)
    refresh(book, as_of=AS_OF, backup=False)
    back = openpyxl.load_workbook(book)["Projects"]
    assert back["B2"].value == "=HYPERLINK(\"http://x\")" and back["B2"].data_type == "s"
    xml = parts(book)[sheet_parts(book)["Projects"]]
    assert b"<f>HYPERLINK" not in xml and b"<f>cmd" not in xml


def test_refresh_of_a_workbook_resaved_by_libreoffice_keeps_its_parts(refreshed, tmp_path: Path):
    before = convert(refreshed[0], "xlsx", tmp_path / "lo")     # LibreOffice's own XML flavour
    book = tmp_path / "team.xlsx"
    book.write_bytes(before.read_bytes())
    refresh(book, as_of=AS_OF, backup=False)
    L = layout()
    names = sheet_parts(before)
    allowed = {names[s.name("zh")] for s in L.owned_sheets}
    allowed |= {names[L.sheet(k).name("zh")] for k in ("projects", "payments")}
    allowed |= {"xl/styles.xml", "[Content_Types].xml"}
    changed, removed, _ = changed_parts(before, book)
    assert removed == set() and changed <= allowed, changed - allowed
    skip = owned_columns(book)
    user = [L.sheet(k).name("zh") for k in ("projects", "activities", "payments", "config", "guide")]
    a, b = cell_dump(before, user, skip), cell_dump(book, user, skip)
    diff = {k for k in a.keys() | b.keys() if a.get(k) != b.get(k)}
    # only blank ID cells got their assigned ID, keeping the cell's style
    assert diff and all(k[0] == "项目跟踪" and k[1].startswith("A") for k in diff)
    for k in diff:
        assert a.get(k, (None,))[0] is None and str(b[k][0]).startswith("P-")
        if k in a:
            assert a[k][2] == b[k][2]


def test_the_refresh_button_and_vba_project_survive_refreshes(refreshed, tmp_path: Path):
    from xltrack.macro import make_macro_workbook
    from xltrack.macro.button import has_button

    xlsm = tmp_path / "team.xlsm"
    made = make_macro_workbook(refreshed[0], xlsm)
    before = parts(xlsm)
    refresh(xlsm, as_of=AS_OF, backup=False)
    refresh(xlsm, as_of=AS_OF, backup=False)
    after = parts(xlsm)
    assert after["xl/vbaProject.bin"] == before["xl/vbaProject.bin"]
    names = sheet_parts(xlsm)
    for sheet, vml in made.buttons.items():          # Projects (user) and Dashboard (owned)
        assert after[vml] == before[vml] and has_button(after[vml])
        rels = after["xl/worksheets/_rels/" + names[sheet].rsplit("/", 1)[1] + ".rels"].decode()
        assert vml.rsplit("/", 1)[1] in rels
        assert b"<legacyDrawing " in after[names[sheet]]
    assert problems(xlsm) == []


def test_output_with_another_extension_is_refused(refreshed, tmp_path: Path):
    from xltrack.errors import OutputError
    with pytest.raises(OutputError, match=r"must have the workbook's extension \(.xlsx\): out.xlsm"):
        refresh(refreshed[0], as_of=AS_OF, output=tmp_path / "out.xlsm")
    assert not (tmp_path / "out.xlsm").exists()


def test_a_pivot_table_added_by_libreoffice_survives_refresh(refreshed, tmp_path: Path):
    from tests.support.libreoffice import run_uno_script

    script = (Path(__file__).parent / "support" / "uno_pivot.py").read_text(encoding="utf-8")
    book = tmp_path / "pivot.xlsx"
    proc = run_uno_script(script, str(refreshed[0]), str(book))
    assert proc.returncode == 0 and book.exists(), proc.stderr
    before = parts(book)
    pivot_parts = {n for n in before if n.startswith(("xl/pivotTables/", "xl/pivotCache/"))}
    assert len(pivot_parts) >= 4
    refresh(book, as_of=AS_OF, backup=False)
    L = layout()
    names = sheet_parts(book)
    allowed = {names[s.name("zh")] for s in L.owned_sheets}
    allowed |= {names[L.sheet(k).name("zh")] for k in ("projects", "payments")}
    allowed |= {"xl/styles.xml", "[Content_Types].xml"}
    after = parts(book)
    changed = {n for n in before if before[n] != after.get(n)}
    assert changed <= allowed, changed - allowed
    assert all(after[n] == before[n] for n in pivot_parts)
    assert after[names["Pivot"]] == before[names["Pivot"]]
    assert problems(book) == []
