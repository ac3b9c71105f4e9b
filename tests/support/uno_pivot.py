"""UNO script (run with /usr/bin/python3): open a workbook in LibreOffice, add a pivot table
(DataPilot) on a new sheet "Pivot" summing column H by column G of the first sheet, save as .xlsx.

Usage: uno_pivot.py SRC DST. Used by tests/test_refresh.py through support.libreoffice.run_uno_script.
"""
import sys, os, subprocess, time, uno, tempfile
from com.sun.star.beans import PropertyValue
from com.sun.star.table import CellAddress, CellRangeAddress
src, dst = sys.argv[1], sys.argv[2]
prof = tempfile.mkdtemp(prefix="lo-uno-")
port = 2000 + os.getpid() % 5000
proc = subprocess.Popen(["soffice", f"-env:UserInstallation=file://{prof}", "--headless", "--norestore",
                         f"--accept=socket,host=127.0.0.1,port={port};urp;"])
local = uno.getComponentContext()
resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
for _ in range(120):
    try:
        ctx = resolver.resolve(f"uno:socket,host=127.0.0.1,port={port};urp;StarOffice.ComponentContext")
        break
    except Exception:
        time.sleep(0.5)
desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
def pv(n, v):
    p = PropertyValue(); p.Name = n; p.Value = v; return p
doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(src), "_blank", 0, (pv("Hidden", True),))
sheets = doc.Sheets
proj = sheets.getByIndex(0)
sheets.insertNewByName("Pivot", sheets.Count)
piv = sheets.getByName("Pivot")
tables = piv.getDataPilotTables()
desc = tables.createDataPilotDescriptor()
rng = CellRangeAddress(); rng.Sheet = 0; rng.StartColumn = 0; rng.StartRow = 0; rng.EndColumn = 7; rng.EndRow = 30
desc.setSourceRange(rng)
fields = desc.getDataPilotFields()
from com.sun.star.sheet.DataPilotFieldOrientation import ROW, DATA
from com.sun.star.sheet.GeneralFunction import SUM
f = fields.getByIndex(6); f.Orientation = ROW      # stage
d = fields.getByIndex(7); d.Orientation = DATA; d.Function = SUM   # amount
addr = CellAddress(); addr.Sheet = sheets.Count - 1; addr.Column = 0; addr.Row = 0
tables.insertNewByName("StagePivot", addr, desc)
doc.storeToURL(uno.systemPathToFileUrl(dst), (pv("FilterName", "Calc MS Excel 2007 XML"),))
doc.close(True)
try:
    desktop.terminate()
except Exception:
    pass
proc.wait(timeout=60)
print("ok")
