"""Normalization and validation: raw grids → typed tables + located issues.

``headers`` finds and maps header rows, ``values`` parses what people type, ``lookup`` resolves
stages/owners/activity types, ``columns`` and ``tables`` build the DataFrames, ``api`` is public.
"""
from .api import read_workbook, tables_from_grids, validate

__all__ = ["read_workbook", "tables_from_grids", "validate"]
