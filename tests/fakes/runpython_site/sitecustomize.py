"""Replace ``xlwings.Book.caller`` for a subprocess that runs the RunPython command line.

Active only when XLTRACK_FAKE_BOOK names an .xlsx: the caller is then a
:class:`tests.fakes.xlwings_fake.Book` loaded from it, and its state is dumped as JSON to
XLTRACK_FAKE_DUMP at exit. Put this folder first on PYTHONPATH to use it.
"""
import atexit
import json
import os

_src = os.environ.get("XLTRACK_FAKE_BOOK")
if _src:
    import xlwings

    from tests.fakes.xlwings_fake import Book

    _book = Book.from_xlsx(_src)
    _used = []

    def _caller(cls=None):
        _used.append(True)
        return _book

    xlwings.Book.caller = staticmethod(_caller)

    @atexit.register
    def _dump():
        out = os.environ.get("XLTRACK_FAKE_DUMP")
        if not out:
            return
        projects = _book._sheets._list[0]
        state = {"caller_used": bool(_used), "alerts": _book._app.alerts,
                 "status_bar": _book._app._status, "sheets": _book.sheet_names(),
                 "red_fills_on_projects": sum(1 for rc in set(projects.cells) if projects.effective("color", rc) == "#FFC7CE"),
                 "calls": sum(_book.calls.values()), "status_history": _book._app.status_history}
        with open(out, "w", encoding="utf-8") as f:
            json.dump(state, f, ensure_ascii=False)
