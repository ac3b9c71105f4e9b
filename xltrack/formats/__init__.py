"""Formatters of a :class:`xltrack.compute.results.Results`: JSON (the stable contract), a
terminal table in the workbook's language, and a self-contained HTML page.

Pure functions of the results: no I/O, no clock. ``xltrack report --format …`` prints them.
(The package is not called ``report`` so that it never shadows the public function
``xltrack.report(path, …)``.)
"""
from .html import to_html
from .json_out import to_dict, to_json
from .text import to_table

__all__ = ["to_dict", "to_html", "to_json", "to_table"]
