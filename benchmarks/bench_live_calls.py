"""How many calls the live (xlwings) backend makes for a full refresh, by workbook size.

Runs the real pipeline against the call-counting fake of xlwings (tests/fakes/xlwings_fake.py) on
demo workbooks of growing size. Each call stands for one COM round trip in Excel (≈0.1–1 ms with
screen updating off), so the count, not the fake's own speed, is the figure to watch.

    python3 benchmarks/bench_live_calls.py 100 1000 5000
"""
from __future__ import annotations

import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.fakes.xlwings_fake import Book  # noqa: E402
from xltrack.backends.live import refresh_book  # noqa: E402
from xltrack.build.api import init  # noqa: E402


def main(sizes: list[int]) -> None:
    print("| projects | calls | value writes | fill calls | font-colour calls | s (fake) |")
    print("|---:|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as d:
        for n in sizes:
            path = init(Path(d) / f"demo{n}.xlsx", demo=True, rows=n, as_of=dt.date(2026, 11, 20))
            book = Book.from_xlsx(path)
            t = time.perf_counter()
            refresh_book(book, as_of=dt.date(2026, 11, 27))
            s = time.perf_counter() - t
            c = book.calls
            print(f"| {n} | {sum(c.values())} | {c['Range.value']} | {c['Range.color']} | "
                  f"{c['Font.color']} | {s:.2f} |")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [100, 1000, 5000])
