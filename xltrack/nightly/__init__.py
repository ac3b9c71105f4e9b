"""The nightly job: refresh the shared workbook, then e-mail it with a digest (``xltrack nightly``).

settings (where SMTP and mail settings come from) → digest (what to say, as data) → render (HTML
and text) → attachment/package/recalc (the workbook copy) → message (the EmailMessage) → smtp
(sending with retries). :mod:`xltrack.nightly.api` ties them together.
"""
