"""Load the built-in pipeline and layout from ``workbook_templates/``."""
from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path

from .models import Layout, Pipeline


def templates_dir() -> Path:
    """The folder holding the pipeline and layout definitions.

    In a source checkout (or editable install) it is the top-level ``workbook_templates/``; in a
    wheel it is installed as the package ``xltrack.workbook_templates``.
    """
    here = Path(__file__).resolve().parent.parent
    for cand in (here.parent / "workbook_templates", here / "workbook_templates"):
        if (cand / "pipeline.toml").is_file():
            return cand
    raise FileNotFoundError("workbook_templates/ not found next to the xltrack package")


def _load(name: str) -> dict:
    with open(templates_dir() / name, "rb") as f:
        return tomllib.load(f)


@lru_cache(maxsize=1)
def _default_pipeline() -> Pipeline:
    return Pipeline.model_validate(_load("pipeline.toml"))


def default_pipeline() -> Pipeline:
    """A fresh copy of the default pipeline (callers may modify it)."""
    return _default_pipeline().model_copy(deep=True)


@lru_cache(maxsize=1)
def layout() -> Layout:
    """The workbook layout (sheets, columns, labels, formats, colours). Read-only."""
    return Layout.model_validate(_load("layout.toml"))
