"""The vectorised column paths (all-text fast paths, per-distinct-text work) agree with the plain
per-cell rules they replace, on columns mixing every kind of cell a reader hands over."""
from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from xltrack.normalize import columns as C
from xltrack.normalize.lookup import stage_resolver
from xltrack.normalize.text import nfkc
from xltrack.normalize.values import ERROR_TEXTS, parse_text
from xltrack.pipeline import default_pipeline
from xltrack.read import CellError

_TEXTS = ["", "  ", "P-1", " P-1 ", "ＰＯ－１", "#N/A", " #REF! ", "商务洽谈", "商务洽淡", "Proposal",
          "谈判 ", "x", "negotiation"]
_CELLS = st.one_of(st.sampled_from(_TEXTS), st.sampled_from(_TEXTS), st.none(), st.just(True),
                   st.just(1.0), st.floats(0, 1e6, allow_nan=False), st.just(CellError("#DIV/0!")),
                   st.just(dt.datetime(2026, 3, 5)), st.text(max_size=4))


def _reference_text(col):
    """The per-cell rule: trim, blank -> None, error text or error cell -> None with an issue,
    other values -> their text."""
    out, codes = [], []
    for i, v in enumerate(col):
        if type(v) is str:
            t = v.strip() or None
            if t in ERROR_TEXTS:
                codes.append((i, "error-value"))
                t = None
            out.append(t)
        else:
            val, code, _ = parse_text(v)
            if code:
                codes.append((i, code))
            out.append(val)
    return out, sorted(codes)


def _probs(problems):
    return sorted((p.index, p.code) for p in problems)


@settings(max_examples=150, deadline=None)
@given(st.lists(_CELLS, max_size=30), st.booleans())
def test_text_and_id_columns_match_the_per_cell_rule(col, all_text):
    if all_text:
        col = [v if type(v) is str else "" for v in col]
    want, want_codes = _reference_text(col)
    problems: list = []
    assert C.text_array(col, problems).tolist() == want
    assert _probs(problems) == want_codes
    problems = []
    ids = C.id_array(col, problems).tolist()
    assert ids == [t if t is None or t.isascii() else nfkc(t) for t in want]
    assert _probs(problems) == want_codes


@settings(max_examples=150, deadline=None)
@given(st.lists(_CELLS, max_size=30), st.booleans(), st.booleans())
def test_lookup_column_matches_resolving_each_cell(col, all_text, keep_unknown):
    if all_text:
        col = [v if type(v) is str else "" for v in col]
    resolver = stage_resolver(default_pipeline(), "zh")
    want, want_codes = _reference_text(col)
    want_out, unknown = [], []
    for i, t in enumerate(want):
        val, _ = resolver.resolve(t) if t is not None else (None, None)
        if t is not None and val is None:
            unknown.append((i, "unknown-stage"))
        want_out.append((val or t) if keep_unknown else val)
    problems: list = []
    texts, out = C.lookup_column(col, resolver, "unknown-stage", problems, keep_unknown=keep_unknown)
    assert texts.tolist() == want and out.tolist() == want_out
    assert _probs(problems) == sorted(want_codes + unknown)
    suggestion = {p.index: p.suggestion for p in problems if p.code == "unknown-stage"}
    for i, s in suggestion.items():
        assert s == resolver.resolve(want[i])[1]
