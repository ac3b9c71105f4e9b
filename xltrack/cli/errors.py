"""Turn exceptions into one-line messages and documented exit codes."""
from __future__ import annotations

import sys
import traceback

import click

from ..errors import EXIT_INTERNAL, EXIT_USAGE, XltrackError


def _verbose(argv: list[str]) -> bool:
    return "-v" in argv or "--verbose" in argv


def run_cli(group: click.Group, argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        rv = group.main(args=argv, prog_name="xltrack", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        return 1
    except click.ClickException as e:
        e.show()
        return e.exit_code if e.exit_code is not None else EXIT_USAGE
    except click.exceptions.Exit as e:
        return e.exit_code
    except XltrackError as e:
        if _verbose(argv):
            traceback.print_exc()
        click.echo(f"xltrack: {e}", err=True)
        return e.exit_code
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        return 130
    except Exception as e:  # a bug: never a raw traceback unless asked
        if _verbose(argv):
            traceback.print_exc()
        click.echo(f"xltrack: internal error: {type(e).__name__}: {e} (rerun with -v for details)", err=True)
        return EXIT_INTERNAL
    return rv if isinstance(rv, int) else 0
