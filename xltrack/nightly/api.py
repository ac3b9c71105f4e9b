"""``xltrack.nightly(...)``: refresh the shared workbook, then mail it with a digest.

Two steps with a seam between them: :func:`nightly` refreshes the file as a job of
:func:`xltrack.jobs.run_job` (``FileSource`` → ``FileSink``: same lock, backup, atomic write and
no-save-lost check as ``xltrack refresh``) and hands the refreshed file, its tables and results to :func:`mail_refreshed`, which builds one
message per recipient group (the team digest for ``to``/``cc``; with ``per_owner`` one message per
owner listed with an e-mail on the Config sheet, holding only that owner's projects) and sends
them — or, with ``dry_run``, writes them as ``.eml`` files. The refreshed workbook is kept
whether or not the mail goes out; with ``outbox`` set, unsent messages are kept there too.
With ``chart`` (``--chart``, ``chart = true``), the team digest carries the refreshed Dashboard as
an inline PNG (:mod:`.chart`); per-owner digests do not, since the Dashboard shows the whole team.
"""
from __future__ import annotations

import datetime as dt
import logging
import re
import tempfile
import time
from dataclasses import dataclass, field
from email.headerregistry import Address
from email.message import EmailMessage
from pathlib import Path
from typing import Iterable

from ..clock import today
from ..compute.results import Results
from ..errors import ConfigError, OutputError, SendError
from ..i18n import pick
from ..jobs.base import JobResult
from ..notify.api import NotifyResult, Robots
from ..tables import Tables
from .attachment import prepare_attachment
from .chart import dashboard_image
from .digest import Digest, build_digest
from .message import build_message, clean_header, parse_address
from .render import render_html, render_text, subject
from .settings import NightlySettings, load_settings
from .smtp import Outgoing, send_all

log = logging.getLogger("xltrack.nightly")


@dataclass(slots=True)
class MailItem:
    label: str                 # "team" or "owner:<name>"
    recipients: list[str]
    subject: str
    red_count: int
    eml: Path | None = None    # dry run / outbox: where the message was written


@dataclass(slots=True)
class NightlyResult:
    path: Path                          # the refreshed workbook
    as_of: dt.date
    messages: list[MailItem] = field(default_factory=list)
    sent: int = 0                       # 0 on a dry run
    dry_run: Path | None = None
    attachment: str | None = None       # file name of the attachment, None when not attached
    recalc: str | None = None           # no-formulas | libreoffice | full-calc-on-load
    chart: bool = False                 # the team digest carries the inline Dashboard picture
    refresh: JobResult | None = None    # the refresh job's result
    robots: NotifyResult | None = None  # the group-robot messages (docs/notify.md), if any
    seconds: float = 0.0


def _addresses(values: Iterable[str], what: str) -> list[Address]:
    out: list[Address] = []
    for v in values:
        for part in re.split(r"[,;]", v) if "<" not in v else [v]:
            if not part.strip():
                continue
            try:
                out.append(parse_address(part))
            except ValueError as e:
                raise ConfigError(f"bad {what} address: {e}") from None
    return out


def _check_settings(settings: NightlySettings, dry_run: Path | None) -> None:
    try:
        parse_address(settings.sender)
    except ValueError as e:
        raise ConfigError(f"bad sender (from) address: {e}") from None
    if dry_run is None and settings.user and settings.password() is None:
        raise ConfigError(f"SMTP user {settings.user!r} is set but no password was found",
                          hint=f"set the environment variable {settings.password_env} "
                               "or password_file in the nightly config")


def nightly(path: str | Path, *, to: Iterable[str] = (), cc: Iterable[str] = (), per_owner: bool = False,
            as_of: dt.date | None = None, attach: str | None = None, dry_run: str | Path | None = None,
            settings: NightlySettings | None = None, chart: bool | None = None,
            webhooks: Iterable[str] = ()) -> NightlyResult:
    """Refresh ``path`` and send the digest; see the module docstring and ``docs/nightly.md``.

    ``to``/``cc`` default to the settings' lists, ``attach`` (xlsx | xlsm | none) to the settings'
    value (``xlsx``), ``chart`` to the settings' ``chart`` (off), ``webhooks`` (group robots, see
    ``docs/notify.md``) to the settings' ``webhook``. Raises :class:`~xltrack.errors.SendError`
    (exit 6) when mail or a robot message finally fails — after sending everything else.
    """
    started = time.perf_counter()
    settings = settings or load_settings()
    as_of = as_of or today()
    dry = Path(dry_run) if dry_run is not None else None
    _check_settings(settings, dry)
    to_a = _addresses(list(to) or settings.to, "to")
    cc_a = _addresses(list(cc) or settings.cc, "cc")
    if not to_a and not per_owner:
        raise ConfigError("no recipients", hint="pass --to ADDRESS (or set `to` in the nightly config)")
    robots = Robots.from_settings(settings, webhooks)

    from ..jobs.file import FileSink, FileSource
    from ..jobs.runner import run_job

    rr = run_job(FileSource(path), FileSink(), as_of=as_of)
    with robots.after_mail(rr, per_owner=per_owner, team=settings.team, dry_run=dry):
        result = mail_refreshed(Path(rr.path), rr.tables, rr.results, to=to_a, cc=cc_a, per_owner=per_owner,
                                attach=attach or settings.attach, dry_run=dry, settings=settings, chart=chart)
    result.robots = robots.sent
    result.refresh = rr
    result.seconds = time.perf_counter() - started
    return result


def _sender(settings: NightlySettings, team: str) -> Address:
    a = parse_address(settings.sender)
    if a.display_name:
        return a
    name = f"{team} · xltrack" if team else "xltrack"
    return Address(display_name=name, username=a.username, domain=a.domain)


def _owner_groups(tables: Tables, results: Results) -> list[tuple[str, Address]]:
    """(owner name, address) for each Config owner with a valid e-mail and at least one project."""
    have = set(str(o) for o in results.projects.get("owner", []) if o)
    out = []
    for o in tables.pipeline.owners:
        if not o.email or o.name not in have:
            continue
        try:
            out.append((o.name, parse_address(o.email, display_name=o.name)))
        except ValueError as e:
            log.warning("per-owner mail: skipping %s: %s", o.name, e)
    return out


def _safe(name: str) -> str:
    return re.sub(r"[^\w.-]+", "_", name).strip("_") or "owner"


def mail_refreshed(workbook: Path, tables: Tables, results: Results, *, to: list[Address],
                   cc: list[Address] = (), per_owner: bool = False, attach: str = "xlsx",
                   dry_run: Path | None = None, settings: NightlySettings | None = None,
                   now: dt.datetime | None = None, chart: bool | None = None) -> NightlyResult:
    """Build and send (or write) the digests of an already refreshed workbook."""
    settings = settings or load_settings()
    chart = settings.chart if chart is None else chart
    # the team name comes from the Config sheet: one line of text, whatever was typed there
    team = clean_header(settings.team if settings.team is not None else (tables.pipeline.team or ""))
    sender = _sender(settings, team)
    groups: list[tuple[str, Digest, list[Address], list[Address]]] = []
    if to:
        groups.append(("team", build_digest(tables, results, team=team), list(to), list(cc)))
    if per_owner:
        owners = _owner_groups(tables, results)
        if not owners:
            log.warning("per-owner mail: no owner with projects has an e-mail on the Config sheet")
        for name, addr in owners:
            groups.append((f"owner:{name}", build_digest(tables, results, team=team, owner=name), [addr], []))
    result = NightlyResult(path=workbook, as_of=results.as_of, dry_run=dry_run)
    outgoing: list[Outgoing] = []
    with tempfile.TemporaryDirectory(prefix="xltrack-nightly-") as tmp:
        att = prepare_attachment(workbook, Path(tmp), attach=attach, as_of=results.as_of,
                                 recalc=settings.recalc)
        note = ""
        if att is not None and att.path.stat().st_size > settings.max_attachment_mb * 1024 * 1024:
            mb = att.path.stat().st_size / 1024 / 1024
            log.warning("attachment: %s is %.1f MB, over max_attachment_mb (%g); not attached",
                        att.filename, mb, settings.max_attachment_mb)
            note = pick(results.lang, "工作簿过大（{mb:.1f} MB，上限 {lim:g} MB），未作为附件发送：{p}",
                        "The workbook is too large to attach ({mb:.1f} MB, limit {lim:g} MB): {p}",
                        mb=mb, lim=settings.max_attachment_mb, p=workbook.name)
            att = None
        result.attachment = att.filename if att else None
        result.recalc = att.recalc if att else None
        image = None
        if chart and any(label == "team" for label, *_ in groups):
            image = dashboard_image(workbook, lang=results.lang, as_of=results.as_of, domain=sender.domain or None)
        result.chart = image is not None
        for label, d, to_g, cc_g in groups:
            d.attachment, d.attachment_note = result.attachment, note
            img = image if label == "team" else None
            msg = build_message(subject=subject(d), text=render_text(d), html=render_html(d, image=img),
                                sender=sender, to=to_g, cc=cc_g, attachment=att, date=now, image=img)
            rcpts = list(dict.fromkeys(a.addr_spec for a in [*to_g, *cc_g]))
            outgoing.append(Outgoing(message=msg, recipients=rcpts, label=label))
            result.messages.append(MailItem(label=label, recipients=rcpts, subject=str(msg["Subject"]),
                                            red_count=d.red_count))
    if dry_run is not None:
        _write_all(outgoing, result.messages, Path(dry_run))
        log.info("dry run: wrote %d message(s) to %s", len(outgoing), dry_run)
        return result
    try:
        result.sent = send_all(outgoing, settings, password=settings.password())
    except SendError:
        if settings.outbox is not None:
            _write_all(outgoing, result.messages, Path(settings.outbox))
            log.error("mail: unsent messages kept in %s", settings.outbox)
        raise
    return result


def _write_all(outgoing: list[Outgoing], items: list[MailItem], folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for n, (o, item) in enumerate(zip(outgoing, items), 1):
            kind, _, who = o.label.partition(":")
            name = f"{n:02d}-{kind}" + (f"-{_safe(who)}" if who else "") + ".eml"
            item.eml = folder / name
            item.eml.write_bytes(as_eml(o.message))
    except OSError as e:
        raise OutputError(f"cannot write the messages to {folder}: {e.strerror or e}") from None


def as_eml(msg: EmailMessage) -> bytes:
    """The message as an RFC 5322 ``.eml`` file (CRLF line ends, as sent)."""
    return msg.as_bytes()
