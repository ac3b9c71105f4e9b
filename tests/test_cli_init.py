"""``xltrack init`` and ``xltrack demo`` end to end through the CLI entry point (exit codes, messages)."""
from __future__ import annotations

import os
from pathlib import Path

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from xltrack.cli import cli
from xltrack.cli.errors import run_cli


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = run_cli(cli, list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def values(path: Path) -> dict[str, list]:
    wb = CalamineWorkbook.from_path(str(path))
    return {n: wb.get_sheet_by_name(n).to_python(skip_empty_area=False) for n in wb.sheet_names}


def test_init_creates_the_workbook(tmp_path, capsys):
    path = tmp_path / "团队跟踪.xlsx"
    code, out, err = run(capsys, "init", str(path))
    assert (code, out, err) == (0, f"已创建 {path}\n", "")
    assert openpyxl.load_workbook(path).sheetnames[0] == "项目跟踪"


def test_init_en(tmp_path, capsys):
    path = tmp_path / "t.xlsx"
    code, out, _ = run(capsys, "init", str(path), "--lang", "en")
    assert code == 0 and out == f"Created {path}\n"
    assert openpyxl.load_workbook(path).sheetnames[:3] == ["Projects", "Activities", "Payments"]


def test_existing_file_is_refused_without_force(tmp_path, capsys):
    path = tmp_path / "t.xlsx"
    path.write_bytes(b"my precious workbook")
    code, out, err = run(capsys, "init", str(path))
    assert (code, out) == (5, "")
    assert err == f"xltrack: {path} 已存在，未覆盖；如确需覆盖请加 --force\n"
    assert path.read_bytes() == b"my precious workbook"
    code, _, err = run(capsys, "init", str(path), "--lang", "en")
    assert err == f"xltrack: {path} already exists and was not overwritten; add --force to replace it\n"
    code, _, _ = run(capsys, "init", str(path), "--force")
    assert code == 0 and path.read_bytes()[:2] == b"PK"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".~xltrack-")]   # no temp file left


def test_force_refuses_a_workbook_open_in_excel(tmp_path, capsys):
    path = tmp_path / "t.xlsx"
    path.write_bytes(b"open in Excel")
    (tmp_path / "~$t.xlsx").write_bytes(b"lock")
    code, _, err = run(capsys, "init", str(path), "--force", "--lang", "en")
    assert code == 4 and "is open in Excel/WPS/LibreOffice" in err and err.count("\n") == 1
    assert path.read_bytes() == b"open in Excel"


def test_missing_folder(tmp_path, capsys):
    path = tmp_path / "nope" / "t.xlsx"
    code, out, err = run(capsys, "init", str(path), "--lang", "en")
    assert (code, out, err) == (5, "", f"xltrack: folder {path.parent} does not exist\n")


def test_no_write_permission(tmp_path, capsys):
    """Root ignores folder permissions, so as root (CI) the command runs without the
    capabilities that let root bypass them (util-linux ``setpriv``)."""
    import shutil
    import subprocess
    import sys

    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o555)
    try:
        if os.geteuid() != 0:
            code, _, err = run(capsys, "init", str(ro / "t.xlsx"), "--lang", "en")
        else:
            setpriv = shutil.which("setpriv")
            assert setpriv, "util-linux setpriv is needed to drop root's permission bypass"
            drop = "-dac_override,-dac_read_search"
            root = Path(__file__).resolve().parent.parent
            proc = subprocess.run(
                [setpriv, "--bounding-set", drop, "--inh-caps", drop, sys.executable, "-c",
                 "import sys; from xltrack.cli import main; main(sys.argv[1:])",
                 "init", str(ro / "t.xlsx"), "--lang", "en"],
                capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(root)})
            code, err = proc.returncode, proc.stderr
    finally:
        ro.chmod(0o755)
    assert code == 5 and err == f"xltrack: no permission to write in folder {ro}\n"
    assert list(ro.iterdir()) == []


def test_unwritable_target_gives_one_line(tmp_path, capsys):
    """Even as root: a folder in the way of the file is a clear one-line error, not a traceback."""
    (tmp_path / "t.xlsx").mkdir()
    code, _, err = run(capsys, "init", str(tmp_path / "t.xlsx"), "--lang", "en")
    assert code == 5 and err == f"xltrack: {tmp_path / 't.xlsx'} is a folder\n"


def test_wrong_suffix_and_bad_options(tmp_path, capsys):
    code, _, err = run(capsys, "init", str(tmp_path / "t.csv"), "--lang", "en")
    assert code == 5 and "use a name ending in .xlsx" in err and err.count("\n") == 1
    code, _, err = run(capsys, "init", str(tmp_path / "t.xlsx"), "--demo", "--as-of", "yesterday")
    assert code == 2 and "is not a date" in err
    code, _, err = run(capsys, "init", str(tmp_path / "t.xlsx"), "--lang", "fr")
    assert code == 2


def test_demo_flag_is_deterministic(tmp_path, capsys):
    a, b = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    for p in (a, b):
        code, out, _ = run(capsys, "init", str(p), "--demo", "--rows", "15", "--seed", "3", "--as-of", "2026-11-27")
        assert code == 0 and out == f"已创建 {p}（演示数据：15 个项目）\n"
    va, vb = values(a), values(b)
    assert va == vb and len([r for r in va["项目跟踪"][1:] if any(v != "" for v in r)]) == 15


def test_demo_command(tmp_path, capsys):
    folder = tmp_path / "out"
    code, out, err = run(capsys, "demo", str(folder), "--rows", "10", "--as-of", "2026-11-27")
    assert code == 0, err
    assert out.splitlines()[0] == f"演示工作簿：{folder / 'xltrack-demo.xlsx'}"
    assert (folder / "xltrack-demo.xlsx").is_file()
    code, _, err = run(capsys, "demo", str(folder), "--rows", "10", "--as-of", "2026-11-27")   # reruns fine
    assert code == 0, err


def test_init_macro_writes_an_xlsm_with_the_vba_project_and_buttons(tmp_path, capsys):
    import zipfile

    from oletools.olevba import VBA_Parser

    path = tmp_path / "team.xlsm"
    code, out, err = run(capsys, "init", "--macro", str(path), "--lang", "en")
    assert (code, err) == (0, "") and out == f"Created {path}\n"
    with zipfile.ZipFile(path) as z:
        names = set(z.namelist())
        assert "xl/vbaProject.bin" in names
        ct = z.read("[Content_Types].xml").decode()
        assert "application/vnd.ms-excel.sheet.macroEnabled.main+xml" in ct
    sheets = openpyxl.load_workbook(path, keep_vba=True).sheetnames
    assert sheets[0] == "Projects" and "xlwings.conf" in sheets
    source = {name: code for (_, _, name, code) in VBA_Parser(str(path)).extract_macros()}
    bas = (Path(__file__).resolve().parent.parent / "macros" / "xltrack.bas").read_text(encoding="utf-8")
    assert "XltrackRefresh" in bas
    assert any("Sub XltrackRefresh" in c for c in source.values())


def test_init_plain_refuses_an_xlsm_name_and_macro_refuses_xlsx(tmp_path, capsys):
    code, _, err = run(capsys, "init", str(tmp_path / "t.xlsm"), "--lang", "en")
    assert code == 5 and "add --macro for a macro-enabled .xlsm" in err and err.count("\n") == 1
    code, _, err = run(capsys, "init", "--macro", str(tmp_path / "t.xlsx"), "--lang", "en")
    assert code == 5 and "use a name ending in .xlsm" in err and not (tmp_path / "t.xlsx").exists()


def test_init_into_adds_the_sheets_and_keeps_every_other_part(tmp_path, capsys, shared_fixtures):
    import shutil
    import zipfile

    book = tmp_path / "crm.xlsx"
    shutil.copyfile(shared_fixtures / "excel-authored-dashboard.xlsx", book)   # the fixture is read-only
    with zipfile.ZipFile(book) as z:
        before = {n: z.read(n) for n in z.namelist()}
    # the fixture has its own sheet called "Dashboard": the English sheets would overwrite it
    code, out, err = run(capsys, "init", "--into", str(book), "--lang", "en")
    assert code == 5 and "already has a sheet named 'Dashboard'" in err and err.count("\n") == 1
    with zipfile.ZipFile(book) as z:
        assert {n: z.read(n) for n in z.namelist()} == before
    code, out, err = run(capsys, "init", "--into", str(book))
    assert (code, err) == (0, "") and out == f"已在 {book} 中加入 xltrack 工作表\n"
    with zipfile.ZipFile(book) as z:
        after = {n: z.read(n) for n in z.namelist()}
    allowed = {"xl/workbook.xml", "xl/_rels/workbook.xml.rels", "[Content_Types].xml",
               "docProps/app.xml", "xl/styles.xml"}
    changed = {n for n in before if before[n] != after.get(n)}
    assert changed <= allowed
    names = openpyxl.load_workbook(book, read_only=True).sheetnames
    assert {"项目跟踪", "沟通记录", "回款计划", "设置", "看板", "历史", "Dashboard"} <= set(names)
    # a second --into is refused for the owned sheets it would overwrite, and the file is untouched
    snapshot = book.read_bytes()
    code, _, err = run(capsys, "init", "--into", str(book))
    assert code != 0 and err.count("\n") == 1 and book.read_bytes() == snapshot


def test_init_into_a_missing_workbook(tmp_path, capsys):
    code, out, err = run(capsys, "init", "--into", str(tmp_path / "none.xlsx"), "--lang", "en")
    assert (code, out) == (3, "") and "does not exist: --into needs an existing workbook" in err


def test_demo_options_without_demo_are_a_usage_error(tmp_path, capsys):
    code, out, err = run(capsys, "init", str(tmp_path / "t.xlsx"), "--rows", "10", "--seed", "3")
    assert code == 2 and "--rows, --seed only apply to demo data: add --demo" in err
    assert not (tmp_path / "t.xlsx").exists()
