"""The file backend: applies a write plan to an .xlsx/.xlsm package, part by part.

Every zip member xltrack does not own is copied byte-for-byte (its compressed bytes, without
recompression); only the worksheet parts that receive computed cells, the owned sheets (and their
drawings/charts), ``xl/styles.xml`` (append-only) and, when sheets are added, the workbook part,
its relationships, ``[Content_Types].xml`` and ``docProps/app.xml`` are rewritten.
See ``docs/fidelity.md``.
"""
from .apply import apply_plan

__all__ = ["apply_plan"]
