"""Whole-process measurements: a command run as a fresh process, as a user waits for it.

Each run starts a new process (``subprocess.Popen``) and reaps it with :func:`os.wait4`, which
hands back the resource usage of *that* child alone:

* **wall** — ``time.perf_counter()`` from just before the fork to the return of ``wait4``:
  interpreter start-up, imports, the work, and exit;
* **peak RSS** — ``ru_maxrss`` of the reaped child (KiB on Linux). This is exact for the child,
  unlike ``getrusage(RUSAGE_CHILDREN)``, whose ``ru_maxrss`` is the largest of *all* children
  ever reaped (a running maximum, not a per-run figure, so deltas between runs mean nothing).
  If the child itself forks workers and waits for them, the kernel folds the largest of them into
  the child's figure: it is then the peak of the biggest single process, not their sum;
* **CPU** — ``ru_utime + ru_stime`` of the child (and of the workers it waited for): steadier
  than wall time on a shared machine, where other jobs stretch the wall time of every run.

:func:`interleave` runs several cases round-robin (xltrack, baseline, xltrack, baseline…) so a
burst of load from other processes hits both sides of a ratio alike; figures are medians.
"""
from __future__ import annotations

import os
import statistics
import subprocess
import tempfile
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

ROOT = Path(__file__).resolve().parent.parent
XLTRACK = str(Path(sys.executable).with_name("xltrack"))


@dataclass(frozen=True)
class Run:
    wall: float        # seconds, fork to reap
    cpu: float         # user + system seconds of the child
    rss: int           # peak resident set size of the child, bytes
    code: int          # exit code


@dataclass
class Case:
    """One command to time. ``setup`` runs before each run, untimed (e.g. copy a fresh workbook);
    ``ok`` are the exit codes that count as success (``validate`` exits 1 when data errors exist)."""

    name: str
    argv: Sequence[str]
    setup: Callable[[], None] | None = None
    ok: tuple[int, ...] = (0,)
    cwd: str | None = None
    runs: list[Run] = field(default_factory=list)

    @property
    def wall(self) -> float:
        return statistics.median(r.wall for r in self.runs)

    @property
    def cpu(self) -> float:
        return statistics.median(r.cpu for r in self.runs)

    @property
    def rss(self) -> int:
        return int(statistics.median(r.rss for r in self.runs))


def measure(argv: Sequence[str], *, cwd: str | None = None, ok: tuple[int, ...] = (0,)) -> Run:
    """Run ``argv`` once as a fresh process; its output is discarded (errors are shown)."""
    with open(os.devnull, "wb") as null, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(list(argv), stdout=null, stderr=err, cwd=cwd)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        proc.returncode = code = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
        if code not in ok:
            err.seek(0)
            raise RuntimeError(f"{' '.join(map(str, argv))} exited {code}:\n"
                               + err.read().decode(errors="replace")[-2000:])
    return Run(wall=wall, cpu=usage.ru_utime + usage.ru_stime, rss=usage.ru_maxrss * 1024, code=code)


def interleave(cases: Sequence[Case], repeat: int, *, log: Callable[[str], None] | None = None) -> None:
    """Run every case ``repeat`` times, round-robin, appending to ``case.runs``."""
    for i in range(repeat):
        for case in cases:
            if case.setup:
                case.setup()
            run = measure(case.argv, cwd=case.cwd, ok=case.ok)
            case.runs.append(run)
            if log:
                log(f"  {case.name} #{i + 1}: {run.wall:.2f} s wall, {run.cpu:.2f} s CPU, "
                    f"{run.rss / 2**20:.0f} MiB  (load {load():.2f})")


def load() -> float:
    """The 1-minute load average."""
    return os.getloadavg()[0]


def machine() -> str:
    return (f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {os.cpu_count()} cores, "
            f"load average {' / '.join(f'{x:.2f}' for x in os.getloadavg())} (1/5/15 min)")


def quick() -> bool:
    """``BENCH_QUICK=1``: skip the 50,000-project rows (``make bench BENCH_QUICK=1``)."""
    return os.environ.get("BENCH_QUICK", "") not in ("", "0")


def repeat_default() -> int:
    return int(os.environ.get("BENCH_REPEAT", "3" if quick() else "5"))


def cache_dir() -> Path:
    """Where generated demo workbooks are kept between runs (``BENCH_DIR``)."""
    d = Path(os.environ.get("BENCH_DIR", "/tmp/xltrack-bench"))
    d.mkdir(parents=True, exist_ok=True)
    return d


AS_OF = "2026-11-27"


def demo_workbook(rows: int, *, log: Callable[[str], None] = print) -> Path:
    """``xltrack init --demo --rows N`` (seed 7, as of :data:`AS_OF`), generated once and cached."""
    path = cache_dir() / f"demo-{rows}.xlsx"
    if not path.exists():
        t = time.perf_counter()
        tmp = path.with_name(f"tmp-{path.name}")
        tmp.unlink(missing_ok=True)
        subprocess.run([XLTRACK, "init", "--demo", "--rows", str(rows), "--seed", "7",
                        "--as-of", AS_OF, str(tmp)], check=True, capture_output=True)
        tmp.replace(path)
        log(f"generated {path} ({path.stat().st_size / 1e6:.1f} MB) in {time.perf_counter() - t:.0f} s")
    return path


@dataclass
class Row:
    """A line of the whole-process table."""

    command: str
    xltrack: Case
    baseline: Case | None = None
    target: str = ""
    wall_max: float | None = None       # target: median wall seconds at most
    ratio_min: float | None = None      # target: baseline / xltrack at least
    rss_max: int | None = None          # target: peak RSS bytes at most

    def ratio(self) -> float | None:
        return self.baseline.wall / self.xltrack.wall if self.baseline and self.baseline.runs else None

    def cpu_ratio(self) -> float | None:
        return self.baseline.cpu / self.xltrack.cpu if self.baseline and self.baseline.runs else None

    def met(self) -> bool:
        r = self.ratio()
        return ((self.wall_max is None or self.xltrack.wall <= self.wall_max)
                and (self.ratio_min is None or (r is not None and r >= self.ratio_min))
                and (self.rss_max is None or self.xltrack.rss <= self.rss_max))


def table(rows: Sequence[Row]) -> str:
    """The issue's table: command, xltrack (median wall, CPU, peak), baseline, ratio (of wall
    times; of CPU times in brackets), target, and whether the target is met (by wall time)."""
    out = ["| command | xltrack: wall (CPU), peak | baseline: wall (CPU), peak | ratio (CPU) | target | met |",
           "|---|---|---|---:|---|---|"]
    for r in rows:
        x = r.xltrack
        b = r.baseline
        base = (f"{b.wall:.2f} s ({b.cpu:.2f}), {b.rss / 2**20:.0f} MiB [{b.name}, n={len(b.runs)}]"
                if b and b.runs else "—")
        ratio = f"{r.ratio():.1f}× ({r.cpu_ratio():.1f}×)" if r.ratio() else "—"
        targeted = (r.wall_max, r.ratio_min, r.rss_max) != (None, None, None)
        met = ("yes" if r.met() else "**no**") if targeted else "—"
        out.append(f"| {r.command} | {x.wall:.2f} s ({x.cpu:.2f}), {x.rss / 2**20:.0f} MiB [n={len(x.runs)}] "
                   f"| {base} | {ratio} | {r.target or '—'} | {met} |")
    return "\n".join(out)
