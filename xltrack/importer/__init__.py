"""``xltrack import``: CRM exports and other spreadsheets into the workbook (see docs/import.md).

source (read the file) → mapping (header, stages, owners; mapfile for overrides) → values (the
workbook's own parsers) → upsert (what to write) → job (the one runner: refresh and safe write).
"""
