Attribute VB_Name = "xltrack"
' xltrack: the Refresh button of the team workbook.
'
' This file is the only source of the macro: `xltrack excel make-macro` and `xltrack init --macro`
' embed it verbatim into the .xlsm. It needs the xlwings VBA module (embedded next to it) and
' a Python with xltrack and xlwings (see docs/excel-button.md).
Option Explicit

' Bound to the Refresh buttons on the Projects and Dashboard sheets.
Sub XltrackRefresh()
    RunPython "import xltrack.excel; xltrack.excel.refresh_button()"
End Sub
