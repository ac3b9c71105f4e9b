"""``xltrack validate WORKBOOK``: list every data issue, located; exit 1 when errors exist.

Thin wrapper over :func:`xltrack.validate`. Formats: a readable table (default), ``json`` (the
issues and a summary) or ``csv`` (one issue per line), all sorted by sheet order, row, column.
"""
from __future__ import annotations

import csv
import math
import datetime as dt
import io
import json
import unicodedata
from typing import Any

import click

from ..errors import EXIT_DATA_ERRORS, EXIT_OK
from ..i18n import pick
from .options import as_of_option, resolve_as_of, workbook_argument

FIELDS = ["sheet", "cell", "field", "code", "severity", "value", "normalized", "suggestion", "message"]


def _plain(v: Any) -> Any:
    if isinstance(v, (dt.date, dt.datetime)):
        return v.isoformat()
    if isinstance(v, float) and not math.isfinite(v):
        return str(v)              # JSON has no inf/nan: the raw value as text
    if v is None or isinstance(v, (str, int, float, bool)):
        return v
    return str(v)


def _width(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


def _pad(s: str, w: int) -> str:
    return s + " " * (w - _width(s))


def summary_line(tables) -> str:
    return pick(tables.lang,
                "{e} 个错误，{w} 个警告（{p} 个项目，{a} 条沟通记录，{m} 条回款计划）",
                "{e} error(s), {w} warning(s) in {p} projects, {a} activities, {m} payments",
                e=tables.error_count, w=tables.warning_count, p=len(tables.projects),
                a=len(tables.activities), m=len(tables.payments))


def render_table(tables) -> str:
    lang = tables.lang
    head = [pick(lang, "表", "sheet"), pick(lang, "单元格", "cell"), pick(lang, "字段", "field"),
            pick(lang, "代码", "code"), pick(lang, "说明", "message")]
    rows = [[i.sheet, i.cell, i.field or "", i.code, i.message] for i in tables.issues]
    widths = [max([_width(h)] + [_width(r[k]) for r in rows]) for k, h in enumerate(head[:-1])]
    lines = []
    for r in [head, *rows]:
        lines.append("  ".join(_pad(c, w) for c, w in zip(r[:-1], widths)) + "  " + r[-1])
    if not rows:
        lines = []
    lines.append(summary_line(tables))
    return "\n".join(lines)


def render_json(tables) -> str:
    doc = {
        "summary": {"errors": tables.error_count, "warnings": tables.warning_count,
                    "projects": len(tables.projects), "activities": len(tables.activities),
                    "payments": len(tables.payments), "lang": tables.lang},
        "issues": [{k: _plain(getattr(i, k)) for k in FIELDS} | {"row": i.row} for i in tables.issues],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2, allow_nan=False)


def render_csv(tables) -> str:
    """One issue per line; text that a spreadsheet would run as a formula gets a leading ``'``
    (:func:`xltrack.formats.safe_text.csv_field`)."""
    from ..formats.safe_text import csv_field

    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow([*FIELDS, "row"])
    for i in tables.issues:
        w.writerow([csv_field(_plain(getattr(i, k))) if getattr(i, k) is not None else "" for k in FIELDS]
                   + [i.row or ""])
    return buf.getvalue().rstrip("\n")


@click.command("validate")
@workbook_argument
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table",
              show_default=True, help="Output format.")
@as_of_option
def command(path: str, fmt: str, as_of: dt.date | None) -> int:
    """Check WORKBOOK and list every data problem with its sheet and cell.

    \b
    Exit codes: 0 no errors (warnings allowed) · 1 errors found · 2 usage ·
    3 workbook unreadable or Config sheet broken.
    """
    from ..normalize.api import validate

    tables = validate(path, as_of=resolve_as_of(as_of))
    out = {"table": render_table, "json": render_json, "csv": render_csv}[fmt](tables)
    click.echo(out)
    return EXIT_DATA_ERRORS if tables.error_count else EXIT_OK
