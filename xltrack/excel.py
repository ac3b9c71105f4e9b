"""The Refresh button's entry point, run by xlwings' RunPython from ``macros/xltrack.bas``::

    RunPython "import xltrack.excel; xltrack.excel.refresh_button()"

It refreshes the calling workbook in place (no save, no close) and ends with a short summary in
the status bar and a message box. Errors become a one-line message box, never a traceback.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

INSTALL_HINT = 'xlwings is not installed in this Python: run  pip install "xltrack[excel]"'


def _xlwings():
    try:
        import xlwings
    except ImportError as e:          # pragma: no cover - exercised on machines without xlwings
        raise ImportError(INSTALL_HINT) from e
    return xlwings


def refresh_button(as_of: dt.date | None = None) -> dict[str, Any] | None:
    """Refresh ``xlwings.Book.caller()``; show the summary; return it (None after an error)."""
    xw = _xlwings()
    book = xw.Book.caller()
    from .backends.live import refresh_book
    from .errors import XltrackError

    app = book.app
    try:
        summary = refresh_book(book, as_of=as_of)
    except XltrackError as e:
        app.status_bar = False
        app.alert(str(e), title="xltrack")
        return None
    except Exception as e:            # a bug: a one-line message, the traceback in a log file
        app.status_bar = False
        log = _log_traceback()
        app.alert(f"xltrack: internal error: {type(e).__name__}: {e}\n(details: {log})", title="xltrack")
        return None
    app.status_bar = summary["message"]
    app.alert(summary["message"], title="xltrack")
    return summary


def _log_traceback() -> str:
    import tempfile
    import traceback
    from pathlib import Path
    path = Path(tempfile.gettempdir()) / "xltrack-error.log"
    try:
        path.write_text(traceback.format_exc(), encoding="utf-8")
    except OSError:
        return "-"
    return str(path)
