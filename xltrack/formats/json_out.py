"""The JSON contract of ``xltrack report --format json`` (documented in docs/report-json.md).

Top level, in this order: ``as_of``, ``currency``, ``lang``, ``data_dates``, ``period``, ``totals``, ``by_stage``,
``by_owner``, ``forecast``, ``collections``, ``changes``, ``issues``, ``history``, ``risks``.
Canonical keys only (never translated); amounts are numbers, rates fractions 0..1 or null,
dates ISO strings. Keys are only ever added, never renamed or removed.
"""
from __future__ import annotations

import json
import math
from typing import Any

import pandas as pd

from ..compute.results import Results
from ..compute.risk import risks as risk_rows

ORDER = ["as_of", "currency", "lang", "data_dates", "period", "totals", "by_stage", "by_owner", "forecast",
         "collections", "changes", "issues", "history"]
RISK_LIMIT = 20


def _plain(v: Any) -> Any:
    """JSON-safe: NaN → None, numpy scalars → Python, timestamps → ISO dates."""
    if isinstance(v, dict):
        return {k: _plain(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_plain(x) for x in v]
    if v is None or isinstance(v, (str, bool)):
        return v
    if isinstance(v, pd.Timestamp):
        return None if pd.isna(v) else v.date().isoformat()
    if hasattr(v, "item"):  # numpy scalar
        v = v.item()
    if isinstance(v, float):
        return None if math.isnan(v) else v
    if isinstance(v, int):
        return v
    if v is pd.NaT:
        return None
    if hasattr(v, "isoformat"):
        return v.isoformat()
    return str(v)


def risks(results: Results, limit: int = RISK_LIMIT) -> list[dict[str, Any]]:
    """The projects to act on, worst first (:func:`xltrack.compute.risk.risk_order`; at most ``limit``)."""
    r = risk_rows(results.projects).head(limit)
    return [{"id": row.id, "customer": row.customer, "project": row.project, "owner": row.owner,
             "stage": row.stage, "light": row.light, "idle_days": row.idle_days,
             "days_in_stage": row.days_in_stage, "amount": row.amount, "reasons": list(row.reasons),
             "reason_codes": list(row.reason_codes)}
            for row in r.itertuples(index=False)]


def to_dict(results: Results) -> dict[str, Any]:
    """The report as a plain dict (JSON-ready)."""
    k = results.kpis
    out = {key: k[key] for key in ORDER if key in k}
    out.update({key: v for key, v in k.items() if key not in out})
    out["risks"] = risks(results)
    out["risks_total"] = int(results.projects["light"].isin(["red", "yellow"]).sum())
    return _plain(out)


def to_json(results: Results, *, indent: int | None = 2) -> str:
    """The report as JSON text (UTF-8, non-ASCII kept)."""
    return json.dumps(to_dict(results), ensure_ascii=False, indent=indent, allow_nan=False)
