"""UNO script (run with /usr/bin/python3): open a workbook in LibreOffice, type text into one cell
of the first sheet, save it as .xlsx — a salesperson editing their split copy in a real
spreadsheet application.

Usage: uno_edit.py SRC DST CELL TEXT. Used by tests/test_team_merge.py through
support.libreoffice.run_uno_script.
"""
import os
import subprocess
import sys
import tempfile
import time

import uno
from com.sun.star.beans import PropertyValue

src, dst, cell, text = sys.argv[1:5]
prof = tempfile.mkdtemp(prefix="lo-uno-")
port = 2000 + os.getpid() % 5000
proc = subprocess.Popen(["soffice", f"-env:UserInstallation=file://{prof}", "--headless", "--norestore",
                         f"--accept=socket,host=127.0.0.1,port={port};urp;"])
local = uno.getComponentContext()
resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
for _ in range(240):
    try:
        ctx = resolver.resolve(f"uno:socket,host=127.0.0.1,port={port};urp;StarOffice.ComponentContext")
        break
    except Exception:
        time.sleep(0.5)
desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)


def pv(n, v):
    p = PropertyValue()
    p.Name = n
    p.Value = v
    return p


doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(src), "_blank", 0, (pv("Hidden", True),))
doc.Sheets.getByIndex(0).getCellRangeByName(cell).setString(text)
doc.storeToURL(uno.systemPathToFileUrl(dst), (pv("FilterName", "Calc MS Excel 2007 XML"),))
doc.close(True)
try:
    desktop.terminate()
except Exception:
    pass
proc.wait(timeout=60)
print("ok")
