"""The macro-enabled workbook: VBA project (MS-OVBA + compound file), Refresh buttons, xlwings.conf.

``make_macro_workbook(src_xlsx, dst_xlsm)`` is the entry point (``xltrack excel make-macro`` and
``xltrack init --macro``); ``set_interpreter(path, python)`` is ``xltrack excel setup``.
"""
from __future__ import annotations

from typing import Any

__all__ = ["make_macro_workbook", "set_interpreter"]


def __getattr__(name: str) -> Any:
    if name == "make_macro_workbook":
        from .workbook import make_macro_workbook
        return make_macro_workbook
    if name == "set_interpreter":
        from .setup import set_interpreter
        return set_interpreter
    raise AttributeError(name)
