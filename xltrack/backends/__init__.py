"""Backends apply a :class:`xltrack.plan.WritePlan`.

* :mod:`xltrack.backends.file` edits the .xlsx/.xlsm package part by part (CLI, nightly job);
* :mod:`xltrack.backends.safe_write` makes writing the file atomic, backed up and locked;
* the live backend (xlwings) writes into the open workbook (the Excel button).
"""
