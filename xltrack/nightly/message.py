"""The email itself: an :class:`email.message.EmailMessage` built so workbook text cannot forge headers.

Every header is set through ``EmailMessage`` and :mod:`email.headerregistry` (which encode
non-ASCII — Chinese team names, owners, file names — as RFC 2047/2231 words) after CR, LF and
other control characters are removed, and every address is parsed into an ``Address``: a team name
like ``"A\\r\\nBcc: x@evil"`` or an owner e-mail with a line break in the Config sheet can only ever
end up as text inside one header, never as a header of its own. The SMTP envelope recipients are
passed explicitly, never derived from header text.

Structure: ``multipart/mixed`` ⟶ (``multipart/alternative`` ⟶ text/plain, text/html) + the
workbook; with an inline picture (``--chart``) the HTML becomes ``multipart/related`` ⟶ (text/html,
image/png with the ``Content-ID`` the HTML's ``<img src="cid:…">`` names), the text part unchanged. Bodies are UTF-8, base64 (safe for CJK and long HTML lines through any relay).
"""
from __future__ import annotations

import datetime as dt
import re
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, make_msgid

from .. import __version__
from .attachment import Attachment
from .chart import InlineImage

_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029\u0085]+")
_ADDR = re.compile(r"^[^@\s<>(),;:\"\[\]\\]+@[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?$")


def clean_header(text: str) -> str:
    """One line of header text: control characters (CR, LF, TAB, NUL…) become single spaces."""
    return _CONTROL.sub(" ", str(text or "")).strip()


def parse_address(text: str, display_name: str = "") -> Address:
    """A single ``user@host`` address (optionally ``Name <user@host>``), or ValueError."""
    raw = str(text or "")
    if _CONTROL.search(raw.strip()):
        raise ValueError(f"address contains a line break or control character: {raw!r}")
    raw = raw.strip()
    m = re.fullmatch(r"\s*(.*?)\s*<([^<>]+)>\s*", raw)
    name, spec = (m.group(1).strip('" '), m.group(2).strip()) if m else (display_name, raw)
    if not _ADDR.match(spec):
        raise ValueError(f"not an e-mail address: {raw!r}")
    user, host = spec.rsplit("@", 1)
    return Address(display_name=clean_header(name or display_name), username=user, domain=host)


def build_message(*, subject: str, text: str, html: str, sender: Address, to: list[Address],
                  cc: list[Address] = (), attachment: Attachment | None = None,
                  date: dt.datetime | None = None, message_id: str | None = None,
                  image: InlineImage | None = None) -> EmailMessage:
    """The message, ready for ``smtplib.send_message`` or to be written as an ``.eml`` file."""
    msg = EmailMessage(policy=SMTP)
    msg["Subject"] = clean_header(subject)
    msg["From"] = sender
    msg["To"] = list(to)
    if cc:
        msg["Cc"] = list(cc)
    msg["Date"] = format_datetime(date or dt.datetime.now().astimezone())
    msg["Message-ID"] = message_id or make_msgid(domain=sender.domain or None)
    msg["Auto-Submitted"] = "auto-generated"        # RFC 3834: no auto-replies to a robot
    msg["X-Mailer"] = f"xltrack {__version__}"
    msg.set_content(text, subtype="plain", charset="utf-8", cte="base64")
    msg.add_alternative(html, subtype="html", charset="utf-8", cte="base64")
    if image is not None:
        html_part = msg.get_payload()[1]
        html_part.add_related(image.data, maintype="image", subtype="png", cid=image.cid,
                              disposition="inline", filename=image.filename)
    if attachment is not None:
        msg.add_attachment(attachment.path.read_bytes(), maintype=attachment.maintype,
                           subtype=attachment.subtype, filename=clean_header(attachment.filename))
    return msg

