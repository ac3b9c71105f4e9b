"""Formatters of a :class:`xltrack.compute.results.Results`: JSON (the stable contract), a
terminal table in the workbook's language, and a self-contained HTML page.

Pure functions of the results: no I/O, no clock. ``xltrack report --format …`` prints them.

This package shares its name with the public function ``xltrack.report(path, …)``
(:func:`xltrack.compute.api.report`). Once the package is imported, ``xltrack.report`` *is* this
module, so the module is made callable and a call goes to that function: ``xltrack.report(path)``
works the same whether or not anything imported the formatters first.
"""
import sys as _sys
import types as _types

from .html import to_html
from .json_out import to_dict, to_json
from .text import to_table

__all__ = ["to_dict", "to_html", "to_json", "to_table"]


class _CallableModule(_types.ModuleType):
    def __call__(self, *args, **kwargs):
        from ..compute.api import report

        return report(*args, **kwargs)


_sys.modules[__name__].__class__ = _CallableModule
