"""Owned sheets print for a weekly review: A4 landscape, one page wide (LibreOffice honours it)."""
from __future__ import annotations

import datetime as dt
import re
import zipfile

from tests.support.libreoffice import convert
from xltrack.build.api import init
from xltrack.pipeline import layout
from xltrack.refresh import refresh


def test_every_owned_sheet_fits_one_page_wide_in_landscape(tmp_path):
    book = init(tmp_path / "p.xlsx", demo=True, rows=40, seed=5, as_of=dt.date(2026, 11, 27))
    refresh(book, as_of=dt.date(2026, 11, 27), backup=False)
    with zipfile.ZipFile(book) as z:
        wb = z.read("xl/workbook.xml").decode()
        rels = z.read("xl/_rels/workbook.xml.rels").decode()
        target = {m.group(1): m.group(2) for m in re.finditer(r'Id="([^"]+)"[^>]*Target="([^"]+)"', rels)}
        target |= {m.group(2): m.group(1) for m in re.finditer(r'Target="([^"]+)"[^>]*Id="([^"]+)"', rels)}
        sheets = dict(re.findall(r'<sheet [^>]*name="([^"]+)"[^>]*r:id="([^"]+)"', wb))
        owned = [s.zh for s in layout().owned_sheets]
        for name in owned:
            xml = z.read("xl/" + target[sheets[name]].lstrip("/").removeprefix("xl/")).decode()
            assert '<pageSetUpPr fitToPage="1"/>' in xml, name
            assert 'orientation="landscape" fitToWidth="1" fitToHeight="0"' in xml, name


def test_libreoffice_prints_the_risk_list_one_page_wide(tmp_path):
    """Without fit-to-width the risk list's columns spill over several pages in the PDF."""
    from tests.support.libreoffice import pdf_text

    book = init(tmp_path / "p.xlsx", demo=True, rows=40, seed=5, as_of=dt.date(2026, 11, 27))
    refresh(book, as_of=dt.date(2026, 11, 27), backup=False)
    pages = pdf_text(convert(book, "pdf", tmp_path / "pdf")).split("\f")
    risk = [p for p in pages if "风险清单 — " in p]
    assert len(risk) == 1
    # the last columns (next step due, days) are on the same page as the title
    assert "下一步截止" in risk[0] and "未跟进天数" in risk[0]
