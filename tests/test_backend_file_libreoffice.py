"""LibreOffice as the real application: its own XML flavour in, and it opens what we write."""
from __future__ import annotations

from pathlib import Path

import openpyxl

from tests.support.libreoffice import convert
from tests.support.xlsx_compare import cell_dump, changed_parts
from tests.test_backend_file_apply import plan_for, rich_workbook
from xltrack.backends.file import apply_plan

OWNED_PARTS = {"xl/styles.xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "[Content_Types].xml",
               "docProps/app.xml"}


def test_libreoffice_saved_workbook_keeps_every_part_and_reopens_with_our_values(tmp_path: Path):
    lo = convert(rich_workbook(tmp_path / "rich.xlsx"), "xlsx", tmp_path / "lo")
    out = tmp_path / "out.xlsx"
    apply_plan(lo, plan_for(), out)
    changed, removed, _ = changed_parts(lo, out)
    assert removed == set()
    projects_part = next(n for n in changed if n.startswith("xl/worksheets/"))
    assert changed - OWNED_PARTS == {projects_part}
    skip = {"Projects": {6, 9}}
    before = cell_dump(lo, skip=skip)
    after = cell_dump(out, sheets=["Projects", "Mine", "Tabled"], skip=skip)
    after.pop(("Projects", "A5"))
    before.pop(("Projects", "A5"), None)
    assert after == before

    back = convert(out, "xlsx", tmp_path / "back")   # LibreOffice opens it and saves it again
    wb = openpyxl.load_workbook(back)
    ws = wb["Projects"]
    assert [ws.cell(r, 6).value for r in range(1, 7)] == ["Light", "Red", "=1+1", "+cmd", "-2", "@SUM(A1)"]
    assert ws["F3"].data_type == "s"
    assert ws["F2"].fill.fgColor.rgb.endswith("FFC7CE")
    assert ws["I14"].value == 7
    assert wb["History"]["B2"].is_date
    assert wb.sheetnames[-2:] == ["History", "Risk list"]
