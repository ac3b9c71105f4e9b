"""Exceptions for what a run cannot recover from, and the documented exit codes.

Bad *data* never raises: it becomes an :class:`xltrack.issues.Issue`. These exceptions are for a
workbook that cannot be read, a broken Config sheet, a locked file, an output that cannot be
written or mail that cannot be sent. Each carries the exit code the CLI returns and a message
that says what to do. See ``docs/exit-codes.md``.
"""
from __future__ import annotations

# Exit codes (documented in docs/exit-codes.md and tested in tests/test_cli_exit_codes.py).
EXIT_OK = 0            # done; no errors in the data (warnings may exist)
EXIT_DATA_ERRORS = 1   # done, but the data has error-level issues (validate; refresh --strict)
EXIT_USAGE = 2         # bad command line (click's own code)
EXIT_UNREADABLE = 3    # workbook missing/unreadable/unsupported, or its Config sheet is broken
EXIT_LOCKED = 4        # workbook open/locked, another refresh running, or saved by someone meanwhile
EXIT_WRITE_FAILED = 5  # output cannot be written (permissions, disk, path); original untouched
EXIT_SEND_FAILED = 6   # mail or a robot message could not be delivered after retries (the rest was sent)
EXIT_INTERNAL = 70     # a bug in xltrack: rerun with -v and report it


class XltrackError(Exception):
    """Base class: ``str(err)`` is a one-line message for the user."""

    exit_code = EXIT_INTERNAL

    def __init__(self, message: str, *, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:  # one line, plus the hint when there is one
        return f"{self.message} {self.hint}" if self.hint else self.message


class WorkbookUnreadable(XltrackError):
    """The file is not a workbook we can read (missing, encrypted, .xls/.xlsb/.ods/.csv, no sheet)."""

    exit_code = EXIT_UNREADABLE


class ConfigError(XltrackError):
    """The Config sheet (or a config file) is broken. ``problems`` holds located messages."""

    exit_code = EXIT_UNREADABLE

    def __init__(self, message: str, problems: list[str] | None = None, *, hint: str | None = None):
        super().__init__(message, hint=hint)
        self.problems = list(problems or [])

    def __str__(self) -> str:
        lines = [super().__str__(), *("  " + p for p in self.problems)]
        return "\n".join(lines)


class WorkbookLocked(XltrackError):
    """The workbook is open in a spreadsheet program, locked by the OS, or being refreshed."""

    exit_code = EXIT_LOCKED


class WorkbookChanged(WorkbookLocked):
    """Someone saved the workbook while xltrack was working on it: nothing was written, their
    version is kept, and a rerun picks their save up (exit 4, like a locked workbook)."""


class OutputError(XltrackError):
    """The output cannot be written; the original workbook is untouched."""

    exit_code = EXIT_WRITE_FAILED


class UsageError(XltrackError):
    """A bad value on the command line or in the call (a webhook URL without its key, say)."""

    exit_code = EXIT_USAGE


class SendError(XltrackError):
    """Mail or a robot message could not be delivered after the configured retries."""

    exit_code = EXIT_SEND_FAILED


class OutputExists(OutputError):
    """The output file already exists and overwriting was not asked for (``init`` without --force)."""


class UsageError(XltrackError):
    """A wrong argument found after the command line was parsed (e.g. a name not on Config)."""

    exit_code = EXIT_USAGE
