"""Sending through SMTP: STARTTLS or implicit TLS, login, timeouts, retries with exponential backoff.

One connection per attempt sends every message still pending, so a relay that drops the
connection half-way costs only the messages not yet accepted. Any connection, TLS, login or
protocol failure is retried after ``backoff``, ``2×backoff``, … seconds (capped); after the last
attempt :class:`xltrack.errors.SendError` (exit 6) names the server and the last error. The
password is handed to ``smtplib.login`` and nowhere else: smtplib's debug output (which would
show the AUTH exchange) is never switched on, and error texts are scrubbed of it defensively.
"""
from __future__ import annotations

import base64
import logging
import smtplib
import ssl
import time
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Callable

from pydantic import SecretStr

from ..errors import SendError
from .message import parse_address
from .settings import NightlySettings

log = logging.getLogger("xltrack.nightly")


@dataclass(slots=True)
class Outgoing:
    message: EmailMessage
    recipients: list[str]      # the envelope (To + Cc), passed explicitly to the server
    label: str                 # for the log: "team", "owner 张三"


def tls_context(settings: NightlySettings) -> ssl.SSLContext:
    ctx = ssl.create_default_context(cafile=str(settings.ca_file) if settings.ca_file else None)
    if not settings.verify:
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
    return ctx


def connect(settings: NightlySettings, password: SecretStr | None) -> smtplib.SMTP:
    """An open, (TLS-protected,) logged-in connection."""
    host, port, timeout = settings.host, int(settings.port), settings.timeout
    if settings.security == "tls":
        conn: smtplib.SMTP = smtplib.SMTP_SSL(host, port, timeout=timeout, context=tls_context(settings))
    else:
        conn = smtplib.SMTP(host, port, timeout=timeout)
    try:
        conn.ehlo()
        if settings.security == "starttls":
            conn.starttls(context=tls_context(settings))
            conn.ehlo()
        if settings.user:
            if settings.security == "none" and host not in ("localhost", "127.0.0.1", "::1"):
                log.warning("mail: logging in to %s without TLS (security = none): the password "
                            "crosses the network in clear", host)
            if password is None:
                raise smtplib.SMTPAuthenticationError(530, b"no password configured")
            _login(conn, settings.user, password.get_secret_value())
    except BaseException:
        _close(conn)
        raise
    return conn


def _login(conn: smtplib.SMTP, user: str, password: str) -> None:
    """``smtplib.login``, except that non-ASCII credentials (which smtplib cannot encode) go
    through AUTH PLAIN as UTF-8, as RFC 4616 specifies."""
    if user.isascii() and password.isascii():
        conn.login(user, password)
        return
    if not conn.has_extn("auth") or "PLAIN" not in conn.esmtp_features.get("auth", "").upper().split():
        raise smtplib.SMTPException("the server does not offer AUTH PLAIN for non-ASCII credentials")
    token = base64.b64encode(b"\0" + user.encode() + b"\0" + password.encode()).decode("ascii")
    code, resp = conn.docmd("AUTH", "PLAIN " + token)
    if code not in (235, 503):
        raise smtplib.SMTPAuthenticationError(code, resp)


def _close(conn: smtplib.SMTP) -> None:
    try:
        conn.quit()
    except (OSError, smtplib.SMTPException):
        conn.close()


def _describe(err: BaseException, password: SecretStr | None) -> str:
    text = f"{type(err).__name__}: {err}".strip()
    if isinstance(err, smtplib.SMTPResponseException):
        msg = err.smtp_error.decode("utf-8", "replace") if isinstance(err.smtp_error, bytes) else str(err.smtp_error)
        text = f"{type(err).__name__}: {err.smtp_code} {msg}"
    secret = password.get_secret_value() if password is not None else ""
    return text.replace(secret, "******") if secret else text


def send_all(outgoing: list[Outgoing], settings: NightlySettings, *,
             password: SecretStr | None = None, sleep: Callable[[float], None] = time.sleep) -> int:
    """Send every message; returns how many were sent. Raises SendError after the last retry."""
    pending = list(outgoing)
    delays = settings.delays()
    attempts = len(delays) + 1
    where = f"{settings.host}:{settings.port} ({settings.security})"
    last = ""
    for attempt in range(1, attempts + 1):
        try:
            conn = connect(settings, password)
            try:
                while pending:
                    item = pending[0]
                    refused = conn.send_message(item.message, from_addr=settings_sender(settings),
                                                to_addrs=item.recipients)
                    if refused:
                        log.warning("mail (%s): server refused %s", item.label, ", ".join(sorted(refused)))
                    log.info("mail (%s): sent to %s", item.label, ", ".join(item.recipients))
                    pending.pop(0)
            finally:
                _close(conn)
            return len(outgoing)
        except (OSError, smtplib.SMTPException) as e:
            last = _describe(e, password)
            if attempt < attempts:
                delay = delays[attempt - 1]
                log.warning("mail: attempt %d of %d to %s failed (%s); retrying in %.3g s",
                            attempt, attempts, where, last, delay)
                sleep(delay)
            else:
                log.error("mail: attempt %d of %d to %s failed (%s); giving up", attempt, attempts, where, last)
    raise SendError(f"mail not sent: {len(pending)} of {len(outgoing)} message(s) failed after "
                    f"{attempts} attempt(s) to {where}: {last}",
                    hint="The refreshed workbook is kept; check the SMTP settings (docs/nightly.md).")


def settings_sender(settings: NightlySettings) -> str:
    """The envelope sender (MAIL FROM): the bare address of ``settings.sender``."""
    return parse_address(settings.sender).addr_spec
