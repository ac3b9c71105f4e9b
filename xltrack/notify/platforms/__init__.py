"""One formatter per platform, all with the same small surface (see :class:`Platform`).

A platform module knows its JSON body, its markup and escaping, its mentions, its size limit
(with the documented source), how to sign a request and how to read the answer. Nothing else in
:mod:`xltrack.notify` knows any platform's format.
"""
from __future__ import annotations

from types import ModuleType
from typing import Any, Protocol

from ..webhook import Kind
from . import dingtalk, feishu, slack, wecom

MODULES: dict[Kind, ModuleType] = {"wecom": wecom, "dingtalk": dingtalk, "feishu": feishu, "slack": slack}


class Platform(Protocol):
    LIMIT: int          # the size limit of one message …
    UNIT: str           # … in "bytes" (UTF-8) or "characters"
    RATE: tuple[tuple[int, float], ...]   # (messages, seconds) windows the platform allows
    SOURCE: str         # where the limit is documented

    def bodies(self, msg: Any, shown: int) -> list[dict]: ...      # the digest first, then extras
    def size(self, body: dict) -> int: ...                          # what LIMIT bounds
    def sign(self, url: str, body: dict, secret: str | None, now: float) -> tuple[str, dict]: ...
    def answer(self, status: int, text: str) -> tuple[bool, str]: ...   # delivered?, code/message


def platform(kind: Kind) -> Platform:
    return MODULES[kind]  # type: ignore[return-value]
