"""Keeping under each robot's rate limit, so a per-owner run is not throttled half-way.

企业微信 and 钉钉 robots accept 20 messages a minute (钉钉 then blocks the robot for 10 minutes),
飞书 5 a second, Slack about one a second. A :class:`Pacer` remembers when each webhook was
used and waits only when the next message would exceed its platform's window — a team digest
plus a dozen owners goes out at once; the 21st message to a 钉钉 robot waits for the minute.
"""
from __future__ import annotations

import logging
import time
from collections import defaultdict, deque
from typing import Callable

log = logging.getLogger("xltrack.notify")


class Pacer:
    def __init__(self, *, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep):
        self.clock, self.sleep = clock, sleep
        self.sent: dict[str, deque[float]] = defaultdict(deque)

    def wait(self, url: str, rates: tuple[tuple[int, float], ...], shown_as: str) -> None:
        """Block until one more message to ``url`` stays within every (messages, seconds) of ``rates``."""
        q = self.sent[url]
        for count, window in rates:
            now = self.clock()
            recent = [t for t in q if now - t < window]
            if len(recent) >= count:
                delay = window - (now - recent[-count])
                log.info("robot: %s rate limit (%d per %g s): waiting %.1f s", shown_as, count, window, delay)
                self.sleep(max(delay, 0.0))
        q.append(self.clock())
        longest = max(w for _, w in rates)
        while q and self.clock() - q[0] >= longest:
            q.popleft()
