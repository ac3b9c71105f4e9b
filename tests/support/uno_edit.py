"""UNO script (run with /usr/bin/python3): open a workbook in LibreOffice, type text into one cell
of the first sheet, save it as .xlsx — a salesperson editing their split copy in a real
spreadsheet application.

Usage: uno_edit.py SRC DST CELL TEXT. Used by tests/test_team_merge.py through
support.libreoffice.run_uno_script.
"""
import sys

from uno_office import load, save_xlsx, start, stop

src, dst, cell, text = sys.argv[1:5]
desktop, proc = start()
doc = load(desktop, src)
doc.Sheets.getByIndex(0).getCellRangeByName(cell).setString(text)
save_xlsx(doc, dst)
stop(desktop, proc)
print("ok")
