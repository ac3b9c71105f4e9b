"""``xltrack report WORKBOOK``: stage lights, stall flags and KPIs (thin wrapper of xltrack.report).

Formats: ``table`` (readable, in the workbook's language), ``json`` (the stable contract,
docs/report-json.md) and ``html`` (one self-contained page). The report only reads the workbook;
it exits 0 even when the data has issues (their counts are in the report) — ``xltrack validate``
is the command whose exit code tells bad data apart.
"""
from __future__ import annotations

from pathlib import Path

import click

from ..errors import OutputError
from .options import as_of_option, resolve_as_of, workbook_argument


@click.command("report")
@workbook_argument
@click.option("--format", "fmt", type=click.Choice(["table", "json", "html"]), default="table",
              show_default=True, help="Output format.")
@as_of_option
@click.option("--period", type=click.Choice(["week", "month", "quarter"]), default="month",
              show_default=True, help="Period of win rate, follow-ups, points and new projects.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the report to this file instead of standard output.")
def command(path: str, fmt: str, as_of, period: str, output: Path | None) -> None:
    """Report lights, stall reasons and KPIs of WORKBOOK (nothing is written to it)."""
    from ..compute.api import report
    from ..formats import to_html, to_json, to_table

    results = report(path, as_of=resolve_as_of(as_of), period=period)
    text = {"table": to_table, "json": to_json, "html": to_html}[fmt](results)
    if output is None:
        click.echo(text, nl=not text.endswith("\n"))
        return
    try:
        output.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
    except OSError as e:
        raise OutputError(f"cannot write {output}: {e.strerror or e}",
                          hint="Check the folder exists and is writable.") from e
