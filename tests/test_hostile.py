"""The hostile corpus (issue 15, item 4): every broken, foreign or malicious file gets the
documented exit code and one clear sentence, leaves the file byte for byte as it was, and leaves
no temporary, lock or backup file behind; files that are merely odd are refreshed into packages
that stay well-formed and within Excel's limits.

The files are generated here from a demo workbook (``tests/support/hostile.py``). The heavy cases
(bombs, a cell at XFD1048576, a 1,048,576-row sheet) run the CLI in a child process under an
address-space limit, and assert its peak memory from ``wait4``.
"""
from __future__ import annotations

import hashlib
import os
import re
import resource
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest

from tests.support import hostile as H
from tests.support.package_check import problems
from xltrack.build.api import init
from xltrack.cli import cli
from xltrack.cli.errors import run_cli
from xltrack.errors import EXIT_UNREADABLE

AS_OF = ["--as-of", "2026-11-27"]
GIB = 1 << 30


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    return init(tmp_path_factory.mktemp("base") / "base.xlsx", lang="en", demo=True,
                as_of=__import__("datetime").date(2026, 11, 27))


def _digest(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def _listing(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def _secret(folder: Path) -> Path:
    p = folder.parent / "secret.txt"
    p.write_text("TOPSECRET-7731", encoding="utf-8")
    return p


def _projects(base: Path) -> str:
    return H.sheet_part(base, "Projects")


REFUSED = {
    # id: (maker(base, dst, folder), expected fragment of the one sentence)
    "not-a-zip": (lambda b, d, f: H.not_a_zip(d), "is not a spreadsheet (unrecognised content)"),
    "empty": (lambda b, d, f: H.empty(d), "is an empty file"),
    "truncated-10%": (lambda b, d, f: H.truncated(b, d, 0.10), "is a damaged zip file"),
    "truncated-50%": (lambda b, d, f: H.truncated(b, d, 0.50), "is a damaged zip file"),
    "truncated-99.9%": (lambda b, d, f: H.truncated(b, d, 0.999), "is a damaged zip file"),
    "zip-bomb": (lambda b, d, f: H.whitespace_bomb(b, d, _projects(b), 100 << 20), "(limit 200 : 1; a zip bomb?)"),
    "zip-bomb-shared-strings": (lambda b, d, f: H.whitespace_bomb(b, d, "xl/sharedStrings.xml", 100 << 20),
                                "the part xl/sharedStrings.xml is compressed"),
    "zip-bomb-lying-size": (lambda b, d, f: H.lying_size_bomb(b, d, _projects(b), 100 << 20),
                            "is refused: the part xl/worksheets/sheet1.xml is damaged"),
    "xml-bomb-workbook": (lambda b, d, f: H.billion_laughs(b, d), "the part xl/workbook.xml declares a DTD or entities"),
    "xml-bomb-shared-strings": (lambda b, d, f: H.billion_laughs(b, d, "xl/sharedStrings.xml"),
                                "the part xl/sharedStrings.xml declares a DTD"),
    "external-entity-workbook": (lambda b, d, f: H.external_entity(b, d, "xl/workbook.xml", _secret(f)),
                                 "declares a DTD or entities"),
    "external-entity-sheet": (lambda b, d, f: H.external_entity(b, d, _projects(b), _secret(f)),
                              "declares a DTD or entities"),
    "external-entity-shared-strings": (lambda b, d, f: H.external_entity(b, d, "xl/sharedStrings.xml", _secret(f)),
                                       "declares a DTD or entities"),
    "encrypted": (lambda b, d, f: H.ole(d, "EncryptedPackage"), "is password-protected (encrypted)"),
    "xls-renamed": (lambda b, d, f: H.ole(d, "Workbook"), "is a legacy Excel 97-2003 workbook (.xls)"),
    "xlsb-renamed": (lambda b, d, f: H.xlsb_like(d), "is an Excel binary workbook (.xlsb)"),
    "ods-renamed": (lambda b, d, f: H.ods_like(d), "is an OpenDocument spreadsheet (.ods)"),
    "csv-renamed": (lambda b, d, f: H.csv_renamed(d), "is a CSV text file"),
    "strict-ooxml": (lambda b, d, f: H.strict_ooxml(b, d), "is a Strict Open XML workbook"),
    "duplicate-member": (lambda b, d, f: H.duplicate_member(b, d, _projects(b)), "appears twice in the zip"),
    "zipcrypto-member": (lambda b, d, f: H.zipcrypto_flag(b, d, _projects(b)), "is encrypted (password-protected zip)"),
    "no-content-types": (lambda b, d, f: H.without(b, d, "[Content_Types].xml"), "[Content_Types].xml is missing"),
    "xlsm-named-xlsx": (lambda b, d, f: H.xlsm_named_xlsx(b, d), "is a macro-enabled workbook (.xlsm) named .xlsx"),
    "cell-at-XFD1048576": (lambda b, d, f: H.add_far_cell(b, d, "Activities", "XFD", 1048576),
                           "spans 1,048,576 rows × 16,384 columns (to cell XFD1048576)"),
    "no-projects-sheet": (lambda b, d, f: H.drop_sheet_entry(b, d, "Projects"), "No “Projects” sheet found"),
    "config-deleted": (lambda b, d, f: H.drop_sheet_entry(b, d, "Config"),
                       "has no “Config” sheet (but has xltrack's “Dashboard”): the Config sheet was deleted or renamed"),
    "config-no-stages": (lambda b, d, f: H.drop_rows(b, d, "Config", range(10, 26)), "no “[Stages]” block"),
    "config-duplicate-stage": (lambda b, d, f: H.set_text_cells(b, d, "Config", {"B13": b"Lead"}),
                               "Config!B13: stage name “Lead” is used twice"),
    "config-negative-threshold": (lambda b, d, f: H.set_number_cells(b, d, "Config", {"G12": -3.0}),
                                  "Config!G12: "),
    "config-text-in-number": (lambda b, d, f: H.set_text_cells(b, d, "Config", {"H12": b"ten"}), "Config!H12: "),
    "config-probability-150%": (lambda b, d, f: H.set_number_cells(b, d, "Config", {"F13": 1.5}),
                                "Config!F13: 1.5 is shown as 150%, outside 0%–100%"),
    "config-stage-alias-names-another-stage": (lambda b, d, f: H.set_text_cells(b, d, "Config", {"N12": b"Discovery"}),
                                               "Config!N12: alias “Discovery” is the name of another stage, “Discovery”"),
    "config-alias-on-two-stages": (lambda b, d, f: H.set_text_cells(b, d, "Config", {"N13": b"prospect"}),
                                   "Config!N13: alias “prospect” is given to two stages, “Lead” and “Discovery”"),
    "config-owner-alias-is-another-owner": (lambda b, d, f: H.set_text_cells(b, d, "Config", {"B44": "赵文博".encode()}),
                                            "Config!B44: alias “赵文博” is the name of another owner, “赵文博”"),
    "config-alias-on-two-owners": (lambda b, d, f: H.set_text_cells(b, d, "Config", {"B44": b"Tony"}),
                                   "Config!B45: alias “Tony” is given to two owners, “孙思远” and “赵文博”"),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_a_hostile_file_is_refused_with_one_sentence_and_left_as_it_was(case, base, tmp_path, capsys):
    make, fragment = REFUSED[case]
    folder = tmp_path / "team"
    folder.mkdir()
    book = make(base, folder / "pipeline.xlsx", folder)
    before, files = _digest(book), _listing(folder)
    for command in ("validate", "refresh", "report"):
        rc = run_cli(cli, [command, str(book), *AS_OF])
        out, err = capsys.readouterr()
        assert rc == EXIT_UNREADABLE, (command, err)
        assert fragment in err, (command, err)
        assert err.startswith("xltrack: ") and "Traceback" not in err
        assert "TOPSECRET" not in out + err
    assert _digest(book) == before
    assert _listing(folder) == files           # no temp, lock or backup file


def test_a_fifo_given_as_the_workbook_is_refused_at_once(tmp_path, capsys):
    fifo = tmp_path / "pipeline.xlsx"
    os.mkfifo(fifo)
    for command in ("validate", "refresh"):
        assert run_cli(cli, [command, str(fifo), *AS_OF]) == EXIT_UNREADABLE
        assert "is not a regular file (a pipe, socket or device)" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipeline.xlsx"]


# -- the heavy ones: a child process, an address-space limit, its peak memory -----------------

def _run_limited(args: list[str], cwd: Path, *, limit: int = 4 * GIB, timeout: int = 240) -> tuple[int, str, int]:
    """(exit code, stderr, peak RSS in bytes) of ``xltrack ARGS`` in a child under RLIMIT_AS."""
    err_path = cwd / ".." / "stderr.txt"

    def limit_memory() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    with open(err_path, "wb") as err, open(os.devnull, "wb") as out:
        p = subprocess.Popen([sys.executable, "-c", "from xltrack.cli import main; main()", *args],
                             cwd=cwd, stdout=out, stderr=err, preexec_fn=limit_memory)
        try:
            _, status, usage = os.wait4(p.pid, 0)
        finally:
            p.returncode = 0
    return os.waitstatus_to_exitcode(status), err_path.read_text(encoding="utf-8"), usage.ru_maxrss * 1024


@pytest.mark.slow
def test_a_big_zip_bomb_is_refused_from_the_directory_with_little_memory(base, tmp_path):
    folder = tmp_path / "team"
    folder.mkdir()
    book = H.whitespace_bomb(base, folder / "pipeline.xlsx", _projects(base), 1000 << 20)   # 1 GB of spaces
    assert book.stat().st_size < 3 << 20
    rc, err, peak = _run_limited(["refresh", "pipeline.xlsx", *AS_OF], folder)
    assert rc == EXIT_UNREADABLE and "compressed 1,0" in err and "a zip bomb?" in err
    assert peak < 300 << 20


@pytest.mark.slow
def test_a_cell_at_XFD1048576_allocates_nothing_big(base, tmp_path):
    folder = tmp_path / "team"
    folder.mkdir()
    H.add_far_cell(base, folder / "pipeline.xlsx", "Activities", "XFD", 1048576)
    rc, err, peak = _run_limited(["validate", "pipeline.xlsx", *AS_OF], folder)
    assert rc == EXIT_UNREADABLE and "to cell XFD1048576" in err
    assert peak < 300 << 20


@pytest.mark.slow
def test_a_real_1048576_row_sparse_sheet_still_passes_within_1_GiB(base, tmp_path):
    folder = tmp_path / "team"
    folder.mkdir()
    book = H.every_row(base, folder / "pipeline.xlsx", "Activities", "G", 1048576, 1000)
    with zipfile.ZipFile(book) as z:
        assert max(i.file_size for i in z.infolist()) > 40 << 20       # a 48 MB sheet part
    rc, err, peak = _run_limited(["refresh", "pipeline.xlsx", *AS_OF], folder)
    assert rc == 0, err
    assert peak < GIB
    assert problems(book) == []


# -- odd but legitimate content: refreshed, and the package stays within Excel's rules ---------

def test_control_characters_long_text_and_formula_text_stay_well_formed_text(base, tmp_path):
    book = H.set_text_cells(base, tmp_path / "pipeline.xlsx", "Projects", {
        "B3": b"Acme_x0000_ Ltd_x0001__x001F_", "D5": b"tab\tand\rcr", "B6": b'=HYPERLINK("http://evil","x")',
        "D7": b"+1+1", "D8": b"@SUM(1)", "D9": b"-2+3", "H10": b"y" * 32767, "G11": b"z" * 32767,
        "F12": b"Li_x0001_Lei", "F13": b"o" * 32767, "B14": b"\tSUM(A1)"})
    assert run_cli(cli, ["refresh", str(book), *AS_OF, "--no-backup"]) == 0
    assert problems(book) == []
    wb = openpyxl.load_workbook(book)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, str):
                    assert len(c.value) <= 32767, (ws.title, c.coordinate)
                    assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f]", c.value), (ws.title, c.coordinate)
    issues = wb["Issues"]
    messages = [c.value for c in issues["F"] if isinstance(c.value, str)]
    assert any(m.startswith("Not an amount: yyy") and m.endswith("…") and len(m) == 32767 for m in messages)
    with zipfile.ZipFile(book) as z:   # user text never becomes a formula in any part
        for n in z.namelist():
            if n.endswith(".xml"):
                data = z.read(n)
                assert not re.search(rb"<(?:\w+:)?f>[^<]*(?:evil|SUM\(1\)|1\+1)", data), n


def test_error_values_and_merged_cells_in_user_columns(base, tmp_path):
    part = _projects(base)
    data = dict(H.members_by_name(base))[part]
    data = re.sub(rb'<c r="H12"([^>]*?)(?: t="\w+")?(?:/>|>.*?</c>)', rb'<c r="H12"\1 t="e"><v>#REF!</v></c>', data, count=1, flags=re.S)
    data = re.sub(rb'<c r="D13"([^>]*?)(?: t="\w+")?(?:/>|>.*?</c>)', rb'<c r="D13"\1 t="e"><f>1/0</f><v>#DIV/0!</v></c>', data, count=1, flags=re.S)
    data = data.replace(b"</sheetData>", b'</sheetData><mergeCells count="1"><mergeCell ref="L20:N21"/></mergeCells>', 1) \
        if b"<mergeCells" not in data else data
    book = H.rewrite(base, tmp_path / "pipeline.xlsx", {part: data})
    assert run_cli(cli, ["refresh", str(book), *AS_OF, "--no-backup"]) == 0
    assert problems(book) == []
    with zipfile.ZipFile(book) as z:
        sheet = z.read(part)
    assert b'<mergeCell ref="L20:N21"/>' in sheet
    assert b"<f>1/0</f><v>#DIV/0!</v>" in sheet      # the user's formula and its cached error kept



@pytest.mark.parametrize("case", ["zip-bomb", "cell-at-XFD1048576", "external-entity-sheet"])
def test_an_import_source_gets_the_same_limits(case, base, tmp_path, capsys):
    """``xltrack import`` reads foreign workbooks through python-calamine too: the same package
    and sheet limits apply to the source, and the target workbook is left as it was."""
    make, _ = REFUSED[case]
    folder = tmp_path / "team"
    folder.mkdir()
    source = make(base, folder / "crm-export.xlsx", folder)
    target = folder / "pipeline.xlsx"
    target.write_bytes(base.read_bytes())
    before, files = _digest(target), _listing(folder)
    rc = run_cli(cli, ["import", str(source), "--into", str(target), *AS_OF])
    err = capsys.readouterr().err
    assert rc == EXIT_UNREADABLE, err
    assert "is refused" in err and "Traceback" not in err and "TOPSECRET" not in err
    assert _digest(target) == before and _listing(folder) == files
