"""Meeting a platform's size limit by leaving out whole red-project lines.

The header, the figures and the mention line always stay; red projects are dropped from the end
of the list (the least urgent, since the list is worst first) and replaced by one line
"……另有 N 个红灯项目". Lines are never cut, so no character — and no UTF-8 byte sequence — is
ever split. Like the e-mail, a message lists at most ``MAX_RED`` (50) red projects. The size
is monotonic in the number of lines shown, so a binary search finds the most that fit.
"""
from __future__ import annotations

import logging

from ..nightly.digest import MAX_RED
from .model import Message
from .platforms import Platform

log = logging.getLogger("xltrack.notify")


def fit(msg: Message, p: Platform) -> tuple[list[dict], int]:
    """The bodies to send and how many red projects they show."""
    def fits(k: int) -> bool:
        return p.size(p.bodies(msg, k)[0]) <= p.LIMIT

    total = min(len(msg.red), MAX_RED)   # the e-mail's cap too: a chat is read on a phone
    if fits(total):
        return p.bodies(msg, total), total
    lo, hi = 0, total   # fits(lo) is what we look for; fits(hi) is False
    if not fits(0):
        log.warning("robot message: even without red projects the message is over %d %s", p.LIMIT, p.UNIT)
        return p.bodies(msg, 0), 0
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if fits(mid):
            lo = mid
        else:
            hi = mid
    return p.bodies(msg, lo), lo
