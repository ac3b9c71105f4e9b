"""Reading workbook values fast (python-calamine), every value at its Excel address.

Only this package (and the backends) import Excel libraries; everything after it sees plain
Python values in grids.
"""
from .book import CellError, LazyGrids, RawBook, clean_grid, open_workbook
from .sniff import sniff

__all__ = ["CellError", "clean_grid", "LazyGrids", "RawBook", "open_workbook", "sniff"]
