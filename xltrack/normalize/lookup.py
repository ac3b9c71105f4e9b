"""Resolve stages, owners and activity types from what people type, in either language.

A name matches when it equals (after NFKC, case-folding and removing spaces) a stage's key, zh or
en name or one of its aliases (likewise owners and activity types). A near miss — one edit away
(a swap of neighbours counts as one), or two for names of six characters or more — is reported
with a suggestion and NOT resolved: a silent guess could move a deal into the wrong stage.
Columns are resolved per distinct text, so 100,000 cells cost one lookup per distinct value.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..pipeline.models import Lang, Pipeline
from .text import match_key


def edit_distance(a: str, b: str, limit: int = 3) -> int:
    """Edit distance where a swap of two neighbours counts as one edit (optimal string
    alignment), giving up (returning ``limit``) once every path exceeds ``limit - 1``."""
    if abs(len(a) - len(b)) >= limit:
        return limit
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            d = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                d = min(d, prev2[j - 2] + 1)
            cur.append(d)
        if min(cur) >= limit:
            return limit
        prev2, prev = prev, cur
    return min(prev[-1], limit)


def max_typos(name: str) -> int:
    return 2 if len(name) >= 6 else 1


@dataclass
class Resolver:
    """Names (and aliases) -> a canonical value, with near-miss suggestions."""

    names: dict[str, str]                 # match_key(name) -> canonical value
    display: dict[str, str]               # canonical value -> name to suggest (workbook language)
    _cache: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.names)

    def resolve(self, text: str) -> tuple[str | None, str | None]:
        """(canonical value, None) on a match; (None, suggestion or None) otherwise."""
        hit = self._cache.get(text)
        if hit is not None:
            return hit
        k = match_key(text)
        if k in self.names:
            out: tuple[str | None, str | None] = (self.names[k], None)
        else:
            out = (None, self._suggest(k))
        self._cache[text] = out
        return out

    def _suggest(self, k: str) -> str | None:
        best, best_d = None, 99
        for name, value in self.names.items():
            allowed = max_typos(name)
            d = edit_distance(k, name, allowed + 1)
            if d <= allowed and d < best_d:
                best, best_d = value, d
        return self.display.get(best) if best is not None else None


def stage_resolver(pipe: Pipeline, lang: Lang) -> Resolver:
    names: dict[str, str] = {}
    for s in pipe.stages:
        for n in (s.zh, s.en, s.key, *s.aliases):
            names.setdefault(match_key(n), s.key)
    return Resolver(names, {s.key: s.name(lang) for s in pipe.stages})


def owner_resolver(pipe: Pipeline, lang: Lang) -> Resolver:
    names: dict[str, str] = {}
    for o in pipe.owners:
        for n in (o.name, *o.aliases):
            names.setdefault(match_key(n), o.name)
    return Resolver(names, {o.name: o.name for o in pipe.owners})


def activity_type_resolver(pipe: Pipeline, lang: Lang) -> Resolver:
    names: dict[str, str] = {}
    for a in pipe.activity_types:
        for n in (a.zh, a.en, a.key, *a.aliases):
            names.setdefault(match_key(n), a.key)
    return Resolver(names, {a.key: a.name(lang) for a in pipe.activity_types})
