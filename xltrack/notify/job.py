"""The robot job's sink: it writes nothing to the workbook and sends the messages of the results.

``xltrack notify`` is ``run_job(FileSource(path), RobotSink(...))``: the runner reads and
computes as for any job, :meth:`RobotSink.write` leaves the workbook alone (a robot message
must never change the file, nor wait for its lock — the workbook may be open in Excel), and
:meth:`RobotSink.deliver` sends through :func:`xltrack.notify.api.deliver`.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from ..i18n import pick
from ..jobs.base import JobResult, NoHold, Written


class RobotSink(NoHold):
    def __init__(self, webhooks: list, **deliver_kw: Any):
        self.webhooks = webhooks
        self.deliver_kw = deliver_kw
        self.sent = None            # the NotifyResult, once delivered

    def write(self, plan, source, *, lang: str) -> Written:
        return Written()            # read-only: the plan is never applied

    def deliver(self, result: JobResult) -> None:
        from .api import deliver

        self.sent = deliver(result.tables, result.results, self.webhooks, **self.deliver_kw)

    def describe(self, result: JobResult) -> str:
        sent = self.sent
        n = len(sent.messages) if sent else 0
        if sent and sent.dry_run is not None:
            return pick(result.lang, "已写入 {n} 条机器人消息到 {d}", "Wrote {n} robot message(s) to {d}",
                        n=n, d=Path(sent.dry_run))
        ok = n - len(sent.failed) if sent else 0
        return pick(result.lang, "机器人消息：已送达 {ok}/{n} 条", "Robot messages: {ok} of {n} delivered", ok=ok, n=n)
