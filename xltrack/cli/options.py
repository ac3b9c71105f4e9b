"""Options shared by several commands, defined once."""
from __future__ import annotations

import datetime as dt
import logging
import sys

import click


class DateParam(click.ParamType):
    name = "DATE"

    def convert(self, value, param, ctx):
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value).strip())
        except ValueError:
            self.fail(f"{value!r} is not a date; use YYYY-MM-DD, e.g. 2026-11-27", param, ctx)


as_of_option = click.option(
    "--as-of", "as_of", type=DateParam(), default=None,
    help="The date the rules are computed for (YYYY-MM-DD). Default: today.")

workbook_argument = click.argument(
    "path", type=click.Path(dir_okay=False, path_type=str), metavar="WORKBOOK")

lang_option = click.option(
    "--lang", type=click.Choice(["zh", "en"]), default=None,
    help="Language of sheet names, headers and messages (default: detected from the workbook, else zh).")


def resolve_as_of(as_of: dt.date | None) -> dt.date:
    """The explicit as-of date, or today: the only place the CLI reads the clock."""
    return as_of or dt.date.today()


def log_to_stderr(logger: str, label: str, verbose: bool) -> None:
    """A job's log lines (attempts, retries, warnings) on stderr, timestamped for cron."""
    log = logging.getLogger(logger)
    for old in [h for h in log.handlers if getattr(h, "_xltrack", False)]:
        log.removeHandler(old)   # a previous run in the same process (tests) wrote to another stderr
    h = logging.StreamHandler(sys.stderr)
    h.setFormatter(logging.Formatter(f"%(asctime)s xltrack {label} %(levelname)s: %(message)s"))
    h._xltrack = True  # type: ignore[attr-defined]
    log.addHandler(h)
    log.setLevel(logging.DEBUG if verbose else logging.INFO)
