"""The ``xltrack`` command line: one thin command per public function.

Only this package imports click. Commands live one per module (``xltrack/cli/<name>.py``, each
exposing ``command``) and are loaded lazily. Shared options are defined once in
:mod:`xltrack.cli.options`. Errors: an :class:`xltrack.errors.XltrackError` prints its one-line
message and exits with its code; anything else prints a short note (the traceback with ``-v``)
and exits 70.
"""
from __future__ import annotations

import importlib
import sys

import click

from .. import __version__

COMMANDS = {
    "init": "xltrack.cli.init_cmd",
    "demo": "xltrack.cli.demo_cmd",
    "validate": "xltrack.cli.validate_cmd",
    "report": "xltrack.cli.report_cmd",
    "refresh": "xltrack.cli.refresh_cmd",
    "nightly": "xltrack.cli.nightly_cmd",
    "notify": "xltrack.cli.notify_cmd",
    "excel": "xltrack.cli.excel_cmd",
    "import": "xltrack.cli.import_cmd",
    "split": "xltrack.cli.split_cmd",
    "merge": "xltrack.cli.merge_cmd",
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        names = []
        for name, mod in COMMANDS.items():
            if importlib.util.find_spec(mod) is not None:
                names.append(name)
        return names

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        mod = COMMANDS.get(name)
        if mod is None or importlib.util.find_spec(mod) is None:
            return None
        return importlib.import_module(mod).command


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="xltrack")
@click.option("-v", "--verbose", is_flag=True, help="Show tracebacks and debug details.")
@click.pass_context
def cli(ctx: click.Context, verbose: bool) -> None:
    """xltrack — keep the sales pipeline in Excel, get what a CRM gives.

    \b
    Exit codes: 0 ok · 1 data errors found · 2 usage · 3 workbook unreadable or
    config broken · 4 workbook locked/open · 5 output not writable · 6 mail or robot message not sent ·
    70 internal error (rerun with -v).
    """
    ctx.ensure_object(dict)
    ctx.obj["verbose"] = verbose


def main(argv: list[str] | None = None) -> None:
    """Console entry point: runs the click group and maps errors to exit codes."""
    from .errors import run_cli

    sys.exit(run_cli(cli, argv))


import importlib.util  # noqa: E402  (used by LazyGroup)
