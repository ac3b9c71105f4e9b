"""The optional inline picture of the digest (``--chart``): the refreshed Dashboard as one PNG.

Route chosen: **LibreOffice renders the Dashboard sheet to PDF, poppler's ``pdftoppm`` turns the
first page into a PNG** — rather than drawing a bar chart ourselves. Why, measured on the demo
workbook on this 2-core machine: the LibreOffice step takes ≈ 2.6 s (start-up dominates; the same
cost as the attachment's recalculation) and ``pdftoppm`` ≈ 0.2 s, for a ≈ 40 KB PNG of 616 × 436
px. In exchange the picture is exactly what the team sees in Excel — KPI tiles, the funnel, pipeline by
owner, forecast and collections charts, in the workbook's colours and with CJK labels rendered by
a real font engine. A self-drawn PNG (zlib only) would need no LibreOffice, but could not render
Chinese owner or stage names without shipping a font rasteriser, i.e. labels would be missing
exactly where the reader needs them. The image is opt-in and best effort: when ``soffice``,
python3-uno or ``pdftoppm`` is missing or the rendering fails, the mail goes out without it and the
log says why in one line.

How: LibreOffice never opens the user's workbook — the refreshed file is copied into the job's
temporary folder first (LibreOffice would otherwise leave a ``.~lock`` file next to it), and a
UNO script (run by ``/usr/bin/python3``, like :mod:`.recalc`, with a private
``-env:UserInstallation`` profile and macros disabled) hides every other sheet (the Dashboard's
charts read only the Dashboard's own cells, which xltrack writes as values), sets the print area to
the tiles and charts (the chart data tables on the right are left out, so the picture is bigger),
narrows the margins, scales it to one page and exports that page as PDF. ``pdftoppm -scale-to-x`` renders that page
:data:`WIDTH` px wide, which fits the digest's 640 px column (phones shrink it further through
``width:100%``).
"""
from __future__ import annotations

import logging
import shutil
import struct
import subprocess
import tempfile
from dataclasses import dataclass
from email.utils import make_msgid
from pathlib import Path

from ..i18n import pick
from ..sheets.style import sheet_name
from .office import last_line, libreoffice_available, run_uno

log = logging.getLogger("xltrack.nightly")

WIDTH = 616          # the digest column is 640 px with 12 px padding each side
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

# Run inside LibreOffice by :func:`.office.run_uno`: ARGS = src, dst_pdf, sheet name
PRINT_SHEET = r'''
from com.sun.star.table import CellRangeAddress
src, dst, sheet = ARGS

def last_index(positions, edge):
    """The last column/row whose start lies before ``edge`` (1/100 mm)."""
    n = 0
    for i, start in enumerate(positions):
        if start < edge:
            n = i
    return n

doc = open_doc(desktop, src)
sheets = doc.Sheets
if not sheets.hasByName(sheet):
    sys.exit("the workbook has no sheet %s" % sheet)
target = sheets.getByName(sheet)
index = list(sheets.ElementNames).index(sheet)
target.IsVisible = True
doc.CurrentController.setActiveSheet(target)
for name in list(sheets.ElementNames):
    if name != sheet:   # hidden, not removed: removing sheets makes LibreOffice relabel the series
        sheets.getByName(name).IsVisible = False
cursor = target.createCursor()
cursor.gotoEndOfUsedArea(False)
used = cursor.getRangeAddress()
right = bottom = 0
page = target.DrawPage
for i in range(page.Count):
    shape = page.getByIndex(i)
    right = max(right, shape.Position.X + shape.Size.Width)
    bottom = max(bottom, shape.Position.Y + shape.Size.Height)
if right > 0:
    cols = [target.Columns.getByIndex(c).Position.X for c in range(used.EndColumn + 1)]
    rows = [target.Rows.getByIndex(r).Position.Y for r in range(used.EndRow + 1)]
    area = CellRangeAddress()
    area.Sheet = index
    area.StartColumn, area.StartRow = 0, 0
    area.EndColumn, area.EndRow = last_index(cols, right), last_index(rows, bottom)
    target.setPrintAreas((area,))
style = doc.StyleFamilies.getByName("PageStyles").getByName(target.PageStyle)
for prop in ("LeftMargin", "RightMargin", "TopMargin", "BottomMargin"):
    setattr(style, prop, 400)
style.HeaderIsOn = False
style.ScaleToPagesX = 1          # the whole print area on page 1 (owned sheets print one page wide)
style.ScaleToPagesY = 1
style.FooterIsOn = False
fd = uno.Any("[]com.sun.star.beans.PropertyValue", (pv("PageRange", "1"),))
doc.storeToURL(uno.systemPathToFileUrl(dst), (pv("FilterName", "calc_pdf_Export"), pv("FilterData", fd)))
doc.close(True)
'''


@dataclass(slots=True)
class InlineImage:
    """A picture referenced from the HTML body as ``<img src="cid:…">``."""

    data: bytes
    width: int
    height: int
    alt: str
    cid: str                 # with angle brackets, as in the Content-ID header
    filename: str = "dashboard.png"

    @property
    def src(self) -> str:
        return "cid:" + self.cid.strip("<>")


def png_size(data: bytes) -> tuple[int, int]:
    """(width, height) from a PNG's signature and IHDR chunk; ValueError when it is not a PNG."""
    if len(data) < 24 or data[:8] != PNG_SIGNATURE or data[12:16] != b"IHDR":
        raise ValueError("not a PNG image")
    return struct.unpack(">II", data[16:24])


def missing_tools() -> str | None:
    """Why the Dashboard cannot be rendered here (``None`` when everything is installed)."""
    if shutil.which("pdftoppm") is None:
        return "pdftoppm (poppler-utils) not found"
    if libreoffice_available() is None:
        return "LibreOffice (soffice with python3-uno) not found"
    return None


def render_dashboard_png(workbook: Path, sheet: str, *, width: int = WIDTH, timeout: float = 180) -> bytes:
    """The first printed page of ``sheet`` as PNG bytes, ``width`` px wide. RuntimeError on failure.

    ``workbook`` is copied first: LibreOffice only ever sees a private copy.
    """
    soffice = libreoffice_available()
    pdftoppm = shutil.which("pdftoppm")
    if soffice is None or pdftoppm is None:
        raise RuntimeError(missing_tools() or "LibreOffice or pdftoppm not found")
    with tempfile.TemporaryDirectory(prefix="xltrack-chart-") as tmp:
        t = Path(tmp)
        src, pdf = t / ("book" + workbook.suffix.lower()), t / "dashboard.pdf"
        shutil.copyfile(workbook, src)
        proc = run_uno(PRINT_SHEET, str(src), str(pdf), sheet, soffice=soffice, timeout=timeout)
        if proc.returncode != 0 or not pdf.is_file():
            raise RuntimeError(f"LibreOffice could not print the {sheet} sheet: {last_line(proc)}")
        proc = subprocess.run([pdftoppm, "-png", "-f", "1", "-l", "1", "-singlefile", "-scale-to-x", str(width),
                               "-scale-to-y", "-1", str(pdf), str(t / "dashboard")],
                              capture_output=True, text=True, timeout=timeout)
        png = t / "dashboard.png"
        if proc.returncode != 0 or not png.is_file():
            raise RuntimeError(f"pdftoppm failed (exit {proc.returncode})")
        return png.read_bytes()


def dashboard_image(workbook: Path, *, lang: str, as_of, domain: str | None = None) -> InlineImage | None:
    """The refreshed workbook's Dashboard as an :class:`InlineImage`, or ``None`` (logged) when it
    cannot be made here — the mail then goes out without a picture."""
    sheet = sheet_name("dashboard", lang)
    why = missing_tools()
    if why is None:
        try:
            data = render_dashboard_png(Path(workbook), sheet)
            w, h = png_size(data)
        except (RuntimeError, OSError, ValueError, subprocess.TimeoutExpired) as e:
            why = str(e) if not isinstance(e, subprocess.TimeoutExpired) else "rendering timed out"
        else:
            log.info("chart: %s sheet rendered as a %d×%d PNG (%d KB)", sheet, w, h, len(data) // 1024)
            alt = pick(lang, "看板（{d}）：关键指标、漏斗、负责人管道、成交预测与回款",
                       "Dashboard ({d}): KPIs, funnel, pipeline by owner, forecast and collections",
                       d=as_of.isoformat())
            return InlineImage(data=data, width=w, height=h, alt=alt, cid=make_msgid("dashboard", domain=domain))
    log.warning("chart: sending without the inline picture: %s", why)
    return None
