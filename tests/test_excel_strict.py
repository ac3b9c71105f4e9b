"""Excel strictness (issue 15, item 7): every package xltrack writes passes ``openxml-audit -f
microsoft365`` (schema validation with Office's namespaces, plus its Excel-specific checks) with
no error and no warning.

Covered here: ``init`` (zh and en), ``init --demo`` then ``refresh``, ``init --macro``,
``init --into`` a workbook XlsxWriter made, and ``excel make-macro``. Not yet: split, import and
the nightly attachment (their own jobs), and ``--into`` an openpyxl-made workbook, whose own
styles part already fails the audit (openpyxl writes ``<font>`` children out of schema order) and
whose lack of a shared-strings part makes every inline string a warning.
"""
from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
from pathlib import Path

import xlsxwriter

from xltrack.build.api import init
from xltrack.macro import make_macro_workbook
from xltrack.refresh import refresh

AS_OF = dt.date(2026, 11, 27)


def _audit(folder: Path) -> dict[str, dict]:
    exe = shutil.which("openxml-audit") or str(Path(__import__("sys").executable).parent / "openxml-audit")
    proc = subprocess.run([exe, "-f", "microsoft365", "-r", "-m", "0", "-o", "json", str(folder)],
                          capture_output=True, text=True, timeout=600)
    results = json.loads(proc.stdout)
    return {Path(r["file"]).name: r for r in results}


def test_every_package_xltrack_writes_passes_openxml_audit(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    init(out / "init-zh.xlsx", lang="zh")
    init(out / "init-en.xlsx", lang="en")
    demo = init(out / "refreshed-zh.xlsx", lang="zh", demo=True, as_of=AS_OF)
    refresh(demo, as_of=AS_OF, backup=False)
    init(out / "macro-en.xlsm", lang="en", macro=True)
    team = out / "into-xlsxwriter.xlsx"
    wb = xlsxwriter.Workbook(str(team))
    ws = wb.add_worksheet("Deals")
    ws.write_row(0, 0, ["ID", "Customer", "Owner", "Stage", "Amount"])
    ws.write_row(1, 0, ["P-1", "ACME", "Ann", "Lead", 1000])
    wb.close()
    init(team, lang="en", into=True, backup=False)
    refresh(team, as_of=AS_OF, backup=False)
    make_macro_workbook(demo, out / "make-macro.xlsm")
    results = _audit(out)
    assert sorted(results) == sorted(p.name for p in out.iterdir())
    findings = {name: r.get("errors") for name, r in results.items()
                if r["error_count"] or r.get("warning_count")}
    assert findings == {}
