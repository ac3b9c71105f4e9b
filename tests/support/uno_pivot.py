"""UNO script (run with /usr/bin/python3): open a workbook in LibreOffice, add a pivot table
(DataPilot) on a new sheet "Pivot" summing column H by column G of the first sheet, save as .xlsx.

Usage: uno_pivot.py SRC DST. Used by tests/test_refresh.py through support.libreoffice.run_uno_script.
"""
import sys
from uno_office import load, save_xlsx, start, stop   # imports uno first
from com.sun.star.table import CellAddress, CellRangeAddress
src, dst = sys.argv[1], sys.argv[2]
desktop, proc = start()
doc = load(desktop, src)
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
save_xlsx(doc, dst)
stop(desktop, proc)
print("ok")
