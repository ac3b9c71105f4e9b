"""The Refresh button's entry point, run by xlwings' RunPython from ``macros/xltrack.bas``::

    RunPython "import xltrack.excel; xltrack.excel.refresh_button()"

It refreshes the calling workbook in place (no save, no close) and ends with a short summary in
the status bar and a message box. Errors become a one-line message box, never a traceback.

:func:`refresh_book` is the button's job: the open workbook as source and sink of
:func:`xltrack.jobs.run_job` (``BookSource`` → ``BookSink``).
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Callable

from .i18n import pick

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


def refresh_book(book, *, as_of: dt.date | None = None,
                 progress: Callable[[str], None] | None = None) -> dict[str, Any]:
    """Refresh the open ``book`` in place; return the summary the button shows.

    The summary is built from the job's :class:`~xltrack.jobs.JobResult`: the plan's counts
    (projects, red, yellow, green, errors, warnings, ids_assigned) plus ``lang``, ``as_of``,
    ``seconds``, ``issues`` and ``message``. ``progress`` (default: Excel's status bar) hears
    each step. ``as_of`` defaults to today.
    """
    from .clock import today
    from .jobs.book import BookSink, BookSource
    from .jobs.runner import run_job

    say = progress or (lambda msg: setattr(book.app, "status_bar", msg))
    source = BookSource(book)

    def step(name: str) -> None:
        if name == "read":
            say("xltrack: 读取 / reading…")
        elif name == "compute":
            say(pick(source.lang, "xltrack：计算中…", "xltrack: computing…"))

    res = run_job(source, BookSink(say), as_of=as_of or today(), progress=step)
    summary: dict[str, Any] = dict(res.plan.summary)
    summary.update(lang=res.lang, as_of=res.as_of.isoformat(), seconds=round(res.seconds, 2),
                   issues=len(res.tables.issues), message=res.message)
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
