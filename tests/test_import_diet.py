"""The import diet: each command imports what it uses, and nothing heavier.

A user waits for the whole process, imports included (pandas alone is ~0.4 s of a 10k refresh).
Each command runs here as a fresh process (``xltrack.cli.main`` in a subprocess); afterwards the
process lists the heavy packages present in ``sys.modules``. A command that pulls in a package
it does not use (``xltrack --help`` importing pandas, ``validate`` importing lxml or openpyxl)
fails the test: move that import into the function that needs it.
"""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from xltrack.cli import COMMANDS as CLI_COMMANDS

# The packages that cost real import time (or memory), by top-level name.
HEAVY = {"pandas", "numpy", "pydantic", "lxml", "python_calamine", "openpyxl", "xlsxwriter",
         "xlwings", "smtplib", "aiosmtpd", "PIL", "uno"}

_PROBE = """
import json, sys
sys.argv = ["xltrack", *sys.argv[1:]]
from xltrack.cli import main
try:
    main()
except SystemExit:
    pass
print(json.dumps(sorted({m.split(".")[0] for m in sys.modules})))
"""

LIGHT = set()                                            # help, version, usage
TEMPLATE = {"pydantic", "xlsxwriter"}                    # build the template from the pipeline
READ = {"pandas", "numpy", "pydantic", "python_calamine"}  # read + normalize (+ compute)
WRITE = READ | {"lxml"}                                  # + the file backend

COMMANDS = [
    (["--help"], LIGHT),
    (["--version"], LIGHT),
    *(([name, "--help"], LIGHT) for name in CLI_COMMANDS),   # every command's help, new ones too
    (["validate", "{book}", "--as-of", "2026-11-27"], READ),
    (["validate", "{book}", "--as-of", "2026-11-27", "--format", "json"], READ),
    (["report", "{book}", "--as-of", "2026-11-27"], READ),
    (["refresh", "{copy}", "--as-of", "2026-11-27"], WRITE),
    (["init", "{new}"], TEMPLATE),
]


def imported(*args: str) -> set[str]:
    out = subprocess.run([sys.executable, "-c", _PROBE, *args], capture_output=True, text=True,
                         check=True)
    return set(json.loads(out.stdout.strip().splitlines()[-1]))


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    folder = tmp_path_factory.mktemp("diet")
    path = folder / "demo.xlsx"
    imported("init", "--demo", "--rows", "30", "--as-of", "2026-11-27", str(path))
    return path


@pytest.mark.parametrize("argv,allowed", COMMANDS, ids=[" ".join(c[0]) for c in COMMANDS])
def test_command_imports_only_what_it_uses(argv, allowed, book, tmp_path):
    copy = tmp_path / "copy.xlsx"
    copy.write_bytes(book.read_bytes())
    args = [a.format(book=book, copy=copy, new=tmp_path / "new.xlsx") for a in argv]
    heavy = imported(*args) & HEAVY
    assert heavy - allowed == set(), f"xltrack {' '.join(argv)} imports {sorted(heavy - allowed)}"
    if "{new}" in argv:
        assert (tmp_path / "new.xlsx").is_file()   # the command really ran


def test_reading_and_validating_do_not_import_the_writers(book):
    """The reader finds sheet parts and error cells with the standard library's XML parser."""
    heavy = imported("validate", str(book), "--as-of", "2026-11-27") & HEAVY
    assert {"pandas", "python_calamine"} <= heavy          # it did read the workbook
    assert not heavy & {"lxml", "openpyxl", "xlsxwriter"}


def test_importing_xltrack_builds_and_reads_nothing():
    """``import xltrack`` and the pipeline package: no model building, no template parsing."""
    out = subprocess.run([sys.executable, "-c",
                          "import sys, json, xltrack, xltrack.cli, xltrack.pipeline.defaults as d;"
                          "print(json.dumps([sorted({m.split('.')[0] for m in sys.modules}),"
                          " d._default_pipeline.cache_info().currsize, d.layout.cache_info().currsize]))"],
                         capture_output=True, text=True, check=True)
    mods, pipelines, layouts = json.loads(out.stdout)
    assert set(mods) & (HEAVY - {"pydantic"}) == set()
    assert (pipelines, layouts) == (0, 0)
