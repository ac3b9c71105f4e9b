"""How many calls the live (xlwings) backend makes for a full refresh, by workbook size.

Runs the real pipeline against the call-counting fake of xlwings (tests/fakes/xlwings_fake.py) on
demo workbooks of growing size: as ``xltrack init --demo`` writes them, and after one file
refresh (the nightly job), which is what the manager usually clicks on. Each call stands for one
or a few COM round trips in Excel (≈0.1–1 ms each with screen updating off), so the count, not
the fake's own speed, is the figure to watch.

    python3 benchmarks/bench_live_calls.py 100 1000 5000

Measured 2026-11-27 (value writes 15, fill calls 22, conditional rules 6, chart calls 20 at every
size after a file refresh; "s (fake)" is Python time including the pipeline, not COM calls):

| projects | before (per-colour paint) | now, fresh demo | now, after a file refresh |
|---:|---:|---:|---:|
| 100 | 1,049 | 577 | 541 |
| 1,000 | 1,130 | 577 | 541 |
| 5,000 | 1,579 | 577 | 541 |

Where the ≈540 go (after a file refresh): reading 41 (5 per input sheet + the sheet names),
computed columns ≈60 (incl. 6 rules), owned sheets ≈420 (formats ≈250, column widths ≈100 —
one call per distinct width —, merges 22, charts 20), status bar and app state ≈20.
"""
from __future__ import annotations

import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.fakes.xlwings_fake import Book  # noqa: E402
from xltrack.excel import refresh_book  # noqa: E402
from xltrack.build.api import init  # noqa: E402
from xltrack.refresh import refresh  # noqa: E402

# The previous design (fills and font colours painted per colour over ≤255-character
# multi-area addresses; owned sheets formatted per attribute with resets), same benchmark.
BEFORE = {100: 1049, 1000: 1130, 5000: 1579}


def _count(path: Path) -> tuple[Book, float]:
    book = Book.from_xlsx(path)
    t = time.perf_counter()
    refresh_book(book, as_of=dt.date(2026, 11, 27))
    return book, time.perf_counter() - t


def main(sizes: list[int]) -> None:
    print("| projects | before | calls (fresh demo) | calls (after a file refresh) | value writes "
          "| fill calls | conditional rules | chart calls | s (fake) |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as d:
        for n in sizes:
            path = init(Path(d) / f"demo{n}.xlsx", demo=True, rows=n, as_of=dt.date(2026, 11, 20))
            fresh, _ = _count(path)
            filed = refresh(path, as_of=dt.date(2026, 11, 26), output=Path(d) / f"filed{n}.xlsx",
                            backup=False).path
            book, s = _count(filed)
            c = book.calls
            charts = sum(v for k, v in c.items() if k.startswith(("Chart.", "Charts.")))
            print(f"| {n} | {BEFORE.get(n, '–')} | {fresh.total_calls()} | {book.total_calls()} | "
                  f"{c['Range.value']} | {c['Range.color']} | {c['ConditionalFormats.add_cell_value']} | "
                  f"{charts} | {s:.2f} |")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [100, 1000, 5000])
