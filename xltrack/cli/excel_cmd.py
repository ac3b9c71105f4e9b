"""``xltrack excel …``: the Refresh button in Excel.

* ``xltrack excel make-macro SRC.xlsx DST.xlsm`` ↔ :func:`xltrack.macro.make_macro_workbook`
* ``xltrack excel setup WORKBOOK.xlsm --python PATH`` ↔ :func:`xltrack.macro.set_interpreter`
"""
from __future__ import annotations

import sys

import click


@click.group("excel")
def command() -> None:
    """The Refresh button inside Excel (xlwings RunPython): make and configure the .xlsm."""


@command.command("make-macro")
@click.argument("src", type=click.Path(dir_okay=False, exists=False), metavar="SRC.xlsx")
@click.argument("dst", type=click.Path(dir_okay=False), metavar="DST.xlsm")
@click.option("--python", "python", default=None, metavar="PATH",
              help="Interpreter the button starts (pythonw.exe of the venv). Can be set later with `xltrack excel setup`.")
def make_macro(src: str, dst: str, python: str | None) -> None:
    """Write DST.xlsm: SRC plus the VBA project, Refresh buttons on Projects and Dashboard,
    and an xlwings.conf sheet. SRC is not modified."""
    from ..macro import make_macro_workbook

    res = make_macro_workbook(src, dst, python=python)
    click.echo(f"Wrote {res.path}: macro {res.module}.{res.macro}, buttons on "
               f"{', '.join(res.buttons) or '—'}; xlwings VBA {res.xlwings_version} "
               f"(install the same version: pip install xlwings=={res.xlwings_version}).")


@command.command("setup")
@click.argument("path", type=click.Path(dir_okay=False), metavar="WORKBOOK.xlsm")
@click.option("--python", "python", default=None, metavar="PATH",
              help="Interpreter for the button (default: the one running this command, pythonw.exe on Windows).")
@click.option("--mac", is_flag=True, help="Set Interpreter_Mac instead of Interpreter_Win.")
def setup(path: str, python: str | None, mac: bool) -> None:
    """Write the interpreter path into WORKBOOK's xlwings.conf sheet (only that sheet changes)."""
    from ..macro import set_interpreter

    python = python or _default_python()
    settings = set_interpreter(path, python, mac=mac)
    key = "Interpreter_Mac" if mac else "Interpreter_Win"
    click.echo(f"{path}: {key} = {settings[key]}")


def _default_python() -> str:
    exe = sys.executable
    if sys.platform.startswith("win") and exe.lower().endswith("python.exe"):
        exe = exe[:-len("python.exe")] + "pythonw.exe"      # no console window on click
    return exe
