"""Formula injection in every output that leaves the workbook (issue 15, item 6): the validate
CSV, the HTML report and the JSON; text typed as a formula stays text."""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re

import pytest

from tests.support import hostile as H
from xltrack.build.api import init
from xltrack.cli import cli
from xltrack.cli.errors import run_cli
from xltrack.formats.safe_text import csv_field

AS_OF = ["--as-of", "2026-11-27"]
PAYLOADS = {"H5": b"=cmd|' /C calc'!A0", "H6": b"=1+1", "H7": b"@SUM(1)", "H8": b"+1+1", "H9": b"-2+3x",
            "H10": b"\t=1+2", "H11": b"\r=3+4", "B12": b'=HYPERLINK("http://evil.example","x")'}


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    base = init(tmp_path_factory.mktemp("b") / "base.xlsx", lang="en", demo=True, as_of=dt.date(2026, 11, 27))
    return H.set_text_cells(base, base.parent / "pipeline.xlsx", "Projects", PAYLOADS)


def test_csv_field_prefixes_only_text_a_spreadsheet_would_evaluate():
    assert [csv_field(v) for v in ["=1+1", "+1", "-1", "@A1", "\tx", "\rx", "ok", "a=b", -5.0, 3, None]] == \
        ["'=1+1", "'+1", "'-1", "'@A1", "'\tx", "'\rx", "ok", "a=b", -5.0, 3, None]


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def test_validate_csv_has_no_field_starting_like_a_formula(book, capsys):
    assert run_cli(cli, ["validate", str(book), "--format", "csv", *AS_OF]) == 1
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    fields = [f for row in rows[1:] for f in row]
    assert not [f for f in fields if f[:1] in ("=", "+", "-", "@", "\t", "\r") and not _number(f)]
    values = {row[0] + row[1]: row[5] for row in rows[1:]}
    assert values["ProjectsH5"] == "'=cmd|' /C calc'!A0"        # the raw value kept, made inert
    assert values["ProjectsH8"] == "'+1+1"


def test_html_report_marks_formula_like_text_as_text_for_excel(book, capsys):
    assert run_cli(cli, ["report", str(book), "--format", "html", *AS_OF]) == 0
    page = capsys.readouterr().out
    for td in re.findall(r"<td[^>]*>(?:=|\+|-|@)[^<]*</td>", page):
        assert "mso-number-format" in td, td
    assert "<script" not in page.lower()


def test_json_outputs_are_strict_json(book, capsys):
    for args in (["report", str(book), "--format", "json"], ["validate", str(book), "--format", "json"]):
        run_cli(cli, [*args, *AS_OF])
        text = capsys.readouterr().out
        json.loads(text, parse_constant=lambda c: pytest.fail(f"{c} in JSON output"))
