"""Render the demo workbook's first sheets to PNG for the docs (LibreOffice headless + pdftoppm).

    python3 docs/tools/render_workbook.py            # writes docs/img/workbook-zh.png and -en.png

The demo is generated for a fixed date (2026-11-27) so the picture does not change from day to
day, except that the live colours are based on the renderer's TODAY().
"""
from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from xltrack.build.api import init  # noqa: E402

AS_OF = dt.date(2026, 11, 27)


def render(lang: str, out: Path, rows: int = 24) -> Path:
    with tempfile.TemporaryDirectory(prefix="xlt-render-") as tmp:
        t = Path(tmp)
        book = init(t / f"workbook-{lang}.xlsx", lang=lang, demo=True, rows=rows, as_of=AS_OF)
        refreshed = _refresh(book)
        _landscape_fit(book, refreshed)
        subprocess.run(["soffice", f"-env:UserInstallation=file://{t}/profile", "--headless", "--norestore",
                        "--convert-to", "pdf", "--outdir", str(t), str(book)], check=True, capture_output=True)
        pdf = book.with_suffix(".pdf")
        dpi = 170
        x0, y0, x1, y1 = _content_box(pdf)
        k, m = dpi / 72, 12
        crop = [str(int(v)) for v in (x0 * k - m, y0 * k - m, (x1 - x0) * k + 2 * m, (y1 - y0) * k + 2 * m)]
        subprocess.run(["pdftoppm", "-png", "-r", str(dpi), "-f", "1", "-l", "1", "-singlefile",
                        "-x", crop[0], "-y", crop[1], "-W", crop[2], "-H", crop[3], str(pdf), str(t / "page")],
                       check=True)
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(t / "page.png", out)
    return out


def _content_box(pdf: Path) -> tuple[float, float, float, float]:
    """The bounding box (points) of the text on page 1, from ``pdftotext -bbox``."""
    import re
    html = subprocess.run(["pdftotext", "-f", "1", "-l", "1", "-bbox", str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout
    boxes = [tuple(map(float, m)) for m in re.findall(
        r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)"', html)]
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def _refresh(book: Path) -> bool:
    """Refresh the demo so the picture shows lights and reasons (when refresh exists)."""
    try:
        from xltrack.refresh import refresh
    except ImportError:
        return False
    refresh(book, as_of=AS_OF, backup=False)
    return True


SHOW = {"id", "customer", "owner", "stage", "amount", "expected_close", "next_step", "next_step_due",
        "light", "risk_reasons", "days_in_stage", "idle_days"}


def _landscape_fit(book: Path, refreshed: bool) -> None:
    """Print setup for the picture only: landscape, the telling columns of Projects on one page."""
    import openpyxl  # docs tool, not the library: a lossy load-save of a throwaway copy is fine
    from openpyxl.utils import get_column_letter

    from xltrack.pipeline import layout
    wb = openpyxl.load_workbook(book)
    ws = wb.worksheets[0]
    cols = layout().sheet("projects").columns
    last = len(cols) if refreshed else 14
    for i, col in enumerate(cols[:last], start=1):
        if refreshed and col.key not in SHOW:
            ws.column_dimensions[get_column_letter(i)].hidden = True
        if col.key == "risk_reasons":
            ws.column_dimensions[get_column_letter(i)].width = 64   # the picture shows whole reasons
    ws.print_area = f"A1:{get_column_letter(last)}21"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 1
    wb.save(book)


if __name__ == "__main__":
    for lang in sys.argv[1:] or ["zh", "en"]:
        print(render(lang, ROOT / "docs" / "img" / f"workbook-{lang}.png"))
