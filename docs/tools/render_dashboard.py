"""Render the refreshed demo workbook's dashboard (看板 / Dashboard) to PNG for the docs.

    python3 docs/tools/render_dashboard.py          # writes docs/img/dashboard.png (zh)
    python3 docs/tools/render_dashboard.py en       # writes docs/img/dashboard-en.png

``xltrack init --demo`` for a fixed date (2026-11-27), ``xltrack.refresh``, then LibreOffice
headless exports every sheet as one PDF page (``SinglePageSheets``); the dashboard's page is
cropped to its tiles and charts (columns A–J; the chart data blocks from column M are left out)
with pdftoppm.
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
from xltrack.refresh import refresh  # noqa: E402

AS_OF = dt.date(2026, 11, 27)
PDF_FILTER = 'pdf:calc_pdf_Export:{"SinglePageSheets":{"type":"boolean","value":"true"}}'
TILES_AND_CHARTS = 0.675     # share of the page width left of the chart data blocks (A–J of A–P)
CHARTS_BOTTOM = 0.84         # share of the page height above the charts' bottom (the demo's data blocks run longer)


def render(lang: str, out: Path, dpi: int = 110) -> Path:
    title = "看板" if lang == "zh" else "Dashboard"
    with tempfile.TemporaryDirectory(prefix="xlt-dash-") as tmp:
        t = Path(tmp)
        book = init(t / "demo.xlsx", lang=lang, demo=True, as_of=AS_OF)
        refresh(book, as_of=AS_OF, backup=False)
        subprocess.run(["soffice", f"-env:UserInstallation=file://{t}/profile", "--headless", "--norestore",
                        "--convert-to", PDF_FILTER, "--outdir", str(t), str(book)], check=True,
                       capture_output=True)
        pdf = book.with_suffix(".pdf")
        text = subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
        page = next(i for i, p in enumerate(text.split("\f"), start=1) if p.lstrip().startswith(title))
        info = subprocess.run(["pdfinfo", "-f", str(page), "-l", str(page), str(pdf)], check=True,
                              capture_output=True, text=True).stdout
        w_pt, h_pt = next(line for line in info.splitlines() if "size:" in line).split(":")[1].split("x")[:2]
        w_px = int(float(w_pt) * dpi / 72 * TILES_AND_CHARTS)
        h_px = int(float(h_pt.split()[0]) * dpi / 72 * CHARTS_BOTTOM)
        subprocess.run(["pdftoppm", "-png", "-r", str(dpi), "-f", str(page), "-l", str(page), "-singlefile",
                        "-x", "0", "-y", "0", "-W", str(w_px), "-H", str(h_px), str(pdf), str(t / "dash")],
                       check=True)
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(t / "dash.png", out)
    return out


if __name__ == "__main__":
    lang = sys.argv[1] if len(sys.argv) > 1 else "zh"
    name = "dashboard.png" if lang == "zh" else f"dashboard-{lang}.png"
    print(render(lang, ROOT / "docs" / "img" / name))
