"""``xltrack.notify(...)``: the digest to group robots; :func:`deliver` is shared with the nightly job.

:func:`notify` reads and computes the workbook without writing it, then :func:`deliver` builds one
message per digest — the team's, and with ``per_owner`` one per owner holding only that owner's
projects (the e-mail's scoping) — formats it for each webhook's platform, fits it to the
platform's size limit, signs it and posts it. Every message is attempted; a message that
could not be delivered is reported, and :func:`notify` then raises
:class:`~xltrack.errors.SendError` (exit 6). With ``dry_run`` the JSON bodies are written to a
folder instead (unsigned: the secret is not needed to preview).
"""
from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from pydantic import SecretStr

from ..clock import timestamp
from ..compute.results import Results
from ..errors import OutputError, SendError, UsageError
from ..i18n import pick
from ..nightly.digest import Digest, build_digest
from ..tables import Tables
from .fit import fit
from .http import Retry, post
from .model import build_message, mentions_for
from .pace import Pacer
from .platforms import platform
from .platforms.markup import dumps
from .secret import load_secret
from .webhook import Webhook, parse

log = logging.getLogger("xltrack.notify")
SIGNED = ("dingtalk", "feishu")
WEBHOOK_ENV = "XLTRACK_WEBHOOK"


@dataclass(slots=True)
class RobotMessage:
    label: str                  # "team" or "owner:<name>"
    kind: str                   # wecom | dingtalk | feishu | slack
    webhook: str                # the masked URL
    red: int                    # red projects in the digest …
    shown: int                  # … and how many the size limit let in
    delivered: bool | None      # None on a dry run
    detail: str = ""
    files: list[Path] = field(default_factory=list)   # dry run: the JSON bodies written


@dataclass(slots=True)
class NotifyResult:
    as_of: dt.date
    lang: str
    messages: list[RobotMessage] = field(default_factory=list)
    dry_run: Path | None = None

    @property
    def failed(self) -> list[RobotMessage]:
        return [m for m in self.messages if m.delivered is False]


def parse_webhooks(urls: Iterable[str], kind: str | None = None, *, lang: str = "zh") -> list[Webhook]:
    """Each URL checked (a URL without its key is a usage error); duplicates dropped."""
    hooks: list[Webhook] = []
    for u in urls:
        for part in split_urls(u):
            h = parse(part, kind, lang=lang)
            if h.url not in {x.url for x in hooks}:
                hooks.append(h)
    if not hooks:
        raise UsageError(pick(lang, "没有机器人 webhook 地址", "No robot webhook URL"),
                         hint=pick(lang, "请用 --webhook URL 指定（或设置 XLTRACK_WEBHOOK）。",
                                   "pass --webhook URL (or set XLTRACK_WEBHOOK)."))
    return hooks


def split_urls(value: str) -> list[str]:
    """``XLTRACK_WEBHOOK`` and config values may hold several URLs, separated by spaces, commas or ';'."""
    return [p for p in re.split(r"[\s,;]+", value or "") if p]


def deliver(tables: Tables, results: Results, webhooks: list[Webhook], *, per_owner: bool = False,
            team: str | None = None, dry_run: str | Path | None = None, secret: SecretStr | None = None,
            retry: Retry = Retry(), now: Callable[[], float] = timestamp,
            pacer: Pacer | None = None) -> NotifyResult:
    """Build, fit, sign and post (or write) the robot messages of computed results."""
    lang = results.lang or tables.lang
    dry_run = Path(dry_run) if dry_run is not None else None
    result = NotifyResult(as_of=results.as_of, lang=lang, dry_run=dry_run)
    pacer = pacer or Pacer()
    owners = list(tables.pipeline.owners)
    digests = [(build_digest(tables, results, team=team), None)]
    if per_owner:
        digests += owner_digests(tables, results, team=team)
    if secret is None and any(h.kind in SIGNED for h in webhooks) and dry_run is None:
        log.info("robot: no secret (XLTRACK_WEBHOOK_SECRET or --secret-file): 钉钉/飞书 requests are not signed")
    n = 0
    for d, reader in digests:
        msg = build_message(d, mentions_for(d, owners, only=reader))
        for h in webhooks:
            p = platform(h.kind)
            bodies, shown = fit(msg, p)
            if shown < len(msg.red):
                log.info("robot: %s → %s: %d of %d red projects fit in %d %s", msg.label, h.masked, shown,
                         len(msg.red), p.LIMIT, p.UNIT)
            item = RobotMessage(label=msg.label, kind=h.kind, webhook=h.masked, red=len(msg.red), shown=shown,
                                delivered=None)
            result.messages.append(item)
            if dry_run is not None:
                for k, body in enumerate(bodies):
                    n += 1
                    item.files.append(_write(Path(dry_run), n, msg.label, h.kind, k, body))
                continue
            item.delivered, item.detail = True, ""
            for body in bodies:
                pacer.wait(h.url, p.RATE, h.masked)
                url, signed = p.sign(h.url, body, secret.get_secret_value() if secret and h.kind in SIGNED else None,
                                     now())
                got = post(url, dumps(signed), shown_as=f"{msg.label} → {h.masked}", answer=p.answer, retry=retry)
                if not got.delivered:
                    item.delivered, item.detail = False, got.detail
                    break
                item.detail = got.detail
    return result


def owner_digests(tables: Tables, results: Results, *, team: str | None = None) -> list[tuple[Digest, str]]:
    """One digest per Config owner with projects, of only the rows that owner may read
    (:func:`xltrack.team.scope.reader_scope`: their own; a team lead's, the team's)."""
    from ..team import scope as S

    out = []
    for o in tables.pipeline.owners:
        sel = S.select(tables, S.reader_scope(tables.pipeline, o.name))
        if not sel.projects.any():
            continue
        d = build_digest(S.filter_tables(tables, sel), S.filter_results(results, sel), team=team)
        d.owner = o.name
        out.append((d, o.name))
    return out


def _write(folder: Path, n: int, label: str, kind: str, k: int, body: dict) -> Path:
    kind_label, _, who = label.partition(":")
    name = (f"{n:02d}-{kind_label}" + (f"-{_safe(who)}" if who else "") + f"-{kind}"
            + (f"-{k + 1}" if k else "") + ".json")
    path = folder / name
    try:
        folder.mkdir(parents=True, exist_ok=True)
        path.write_bytes(pretty(body))
    except OSError as e:
        raise OutputError(f"cannot write the robot messages to {folder}: {e.strerror or e}") from None
    return path


def pretty(body: dict) -> bytes:
    """A body as written by ``--dry-run`` and kept in the golden files: indented UTF-8 JSON."""
    import json

    return (json.dumps(body, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _safe(name: str) -> str:
    return re.sub(r"[^\w.-]+", "_", name).strip("_") or "owner"


def failure(result: NotifyResult) -> SendError:
    """The exit-6 error naming every message that was not delivered, in the workbook's language."""
    lines = [f"{m.label} → {m.webhook}: {m.detail}" for m in result.failed]
    err = SendError(pick(result.lang, "{n} 条机器人消息未送达（其余已发送）：", "{n} robot message(s) not delivered "
                         "(the others were sent):", n=len(lines)) + "\n  " + "\n  ".join(lines))
    err.result = result    # type: ignore[attr-defined]  (what was sent, for the CLI's report)
    return err


def notify(path: str | Path, webhooks: Iterable[str] = (), *, kind: str | None = None, per_owner: bool = False,
           as_of: dt.date | None = None, dry_run: str | Path | None = None,
           secret_file: str | Path | None = None, team: str | None = None,
           retry: Retry | None = None) -> NotifyResult:
    """Send the digest of the workbook at ``path`` to each robot in ``webhooks``; see ``docs/notify.md``.

    The workbook is only read. ``kind`` forces the platform of every URL (else detected from its
    host); without ``webhooks``, ``$XLTRACK_WEBHOOK`` names them. The signing secret comes from
    ``$XLTRACK_WEBHOOK_SECRET`` or ``secret_file`` — never an argument. Raises
    :class:`~xltrack.errors.UsageError` (exit 2) for a URL without its key and
    :class:`~xltrack.errors.SendError` (exit 6) when a message could not be delivered.
    """
    from ..clock import today
    from ..jobs import FileSource, runner
    from .job import RobotSink

    urls = [u for u in webhooks if u] or [os.environ.get(WEBHOOK_ENV, "")]
    hooks = parse_webhooks(urls, kind)
    secret = load_secret(secret_file)
    sink = RobotSink(hooks, per_owner=per_owner, team=team, secret=secret, retry=retry or retry_from_env(),
                     dry_run=Path(dry_run) if dry_run is not None else None)
    runner.run_job(FileSource(path), sink, as_of=as_of or today())
    result = sink.sent
    if result.failed:
        raise failure(result)
    return result


@dataclass(slots=True)
class Robots:
    """The nightly job's robots: checked before the refresh (a URL without its key stops the run
    before anything is written), sent after the mail — also when the mail failed."""

    hooks: list[Webhook]
    secret: SecretStr | None = None
    retry: Retry = Retry()
    sent: NotifyResult | None = None

    @classmethod
    def from_settings(cls, settings: Any, webhooks: Iterable[str] = ()) -> "Robots":
        urls = [u for u in webhooks if u] or list(settings.webhook)
        if not urls:
            return cls([])
        return cls(parse_webhooks(urls, settings.webhook_kind), load_secret(settings.webhook_secret_file),
                   retry_from_env())

    @contextlib.contextmanager
    def after_mail(self, job: Any, *, per_owner: bool, team: str | None,
                   dry_run: Path | None) -> Iterator[None]:
        """Run the mail in the ``with`` body; then send the robot messages, then report failures."""
        try:
            yield
        finally:
            if self.hooks:
                self.sent = deliver(job.tables, job.results, self.hooks, per_owner=per_owner, team=team,
                                    dry_run=dry_run, secret=self.secret, retry=self.retry)
        if self.sent is not None and self.sent.failed:
            raise failure(self.sent)


ENV_RETRY = {"timeout": "XLTRACK_WEBHOOK_TIMEOUT", "retries": "XLTRACK_WEBHOOK_RETRIES",
             "backoff": "XLTRACK_WEBHOOK_BACKOFF"}


def retry_from_env(environ=None) -> Retry:
    """Timeout, retries and backoff from ``XLTRACK_WEBHOOK_TIMEOUT`` / ``_RETRIES`` / ``_BACKOFF``."""
    env = os.environ if environ is None else environ
    kw = {}
    for key, var in ENV_RETRY.items():
        raw = (env.get(var) or "").strip()
        if not raw:
            continue
        try:
            kw[key] = int(raw) if key == "retries" else float(raw)
        except ValueError:
            raise UsageError(f"{var} must be a number, not {raw!r}") from None
        if kw[key] < 0 or (key == "timeout" and kw[key] == 0):
            raise UsageError(f"{var} must be positive, not {raw!r}")
    return Retry(**kw)
