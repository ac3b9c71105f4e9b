"""POST a JSON body to a robot: timeouts, retries with backoff, the platform's answer read.

Retried (after ``backoff``, ``2×backoff``, … seconds, capped at ``backoff_max``): network errors,
timeouts, HTTP 5xx and 429. Not retried: other 4xx and a platform refusal in a 200 answer
(企业微信/钉钉 ``errcode`` ≠ 0, 飞书 ``code`` ≠ 0, Slack anything but ``ok``) — sending the
same body again would be refused again. Each attempt is bounded by ``timeout`` (connect and each
read), so a server that never answers costs at most ``(retries + 1) × timeout`` plus the waits.
Only the masked URL (:func:`xltrack.notify.webhook.masked`) is ever logged or reported.
"""
from __future__ import annotations

import logging
import socket
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Callable

from .. import __version__

log = logging.getLogger("xltrack.notify")
MAX_ANSWER = 64 * 1024      # a robot's answer is a few dozen bytes; never read more than this


@dataclass(frozen=True, slots=True)
class Delivery:
    delivered: bool
    status: int | None      # the last HTTP status (None: no answer)
    detail: str             # the platform's code and message, or the network error
    attempts: int


@dataclass(frozen=True, slots=True)
class Retry:
    timeout: float = 10.0
    retries: int = 3
    backoff: float = 2.0
    backoff_max: float = 60.0

    def delays(self) -> list[float]:
        return [min(self.backoff * 2 ** i, self.backoff_max) for i in range(self.retries)]


def post(url: str, data: bytes, *, shown_as: str, answer: Callable[[int, str], tuple[bool, str]],
         retry: Retry = Retry(), sleep: Callable[[float], None] = time.sleep) -> Delivery:
    """POST ``data`` (UTF-8 JSON) to ``url``; ``shown_as`` is the masked URL used in every log line."""
    delays = retry.delays()
    status: int | None = None
    detail = ""
    for attempt in range(1, len(delays) + 2):
        req = urllib.request.Request(url, data=data, method="POST", headers={
            "Content-Type": "application/json; charset=utf-8", "User-Agent": f"xltrack/{__version__}"})
        transient = False
        try:
            with urllib.request.urlopen(req, timeout=retry.timeout) as resp:
                status, text = resp.status, resp.read(MAX_ANSWER).decode("utf-8", "replace")
        except urllib.error.HTTPError as e:
            status = e.code
            try:
                text = e.read(MAX_ANSWER).decode("utf-8", "replace")
            except (OSError, ValueError):
                text = ""
            finally:
                e.close()
            transient = status >= 500 or status == 429
        except (urllib.error.URLError, TimeoutError, socket.timeout, ConnectionError, OSError) as e:
            status, text, transient = None, "", True
            reason = getattr(e, "reason", e)
            detail = "timed out" if isinstance(reason, (TimeoutError, socket.timeout)) else str(reason)
        if status is not None:
            ok, detail = answer(status, text)
            detail = f"HTTP {status}" + (f", {detail}" if detail else "")
            if ok:
                log.info("robot: %s delivered (attempt %d)", shown_as, attempt)
                return Delivery(True, status, detail, attempt)
        if not transient or attempt > len(delays):
            break
        wait = delays[attempt - 1]
        log.warning("robot: %s attempt %d failed (%s); retrying in %g s", shown_as, attempt, detail, wait)
        sleep(wait)
    log.error("robot: %s not delivered after %d attempt(s): %s", shown_as, attempt, detail)
    return Delivery(False, status, detail, attempt)
