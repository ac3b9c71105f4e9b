"""Golden e-mail: the team digest of the demo workbook, as a normalised ``.eml``.

Volatile parts are normalised: the Date and Message-ID headers, the MIME boundaries, and the
attachment's bytes (its zip carries timestamps, and its parts follow the owned sheets), which become
one placeholder line; the attachment itself is checked by opening it.
Regenerate after an intended change and review the diff:

    XLTRACK_REGEN_GOLDEN=1 python3 -m pytest -q tests/test_nightly_golden.py
"""
from __future__ import annotations

import base64
import datetime as dt
import email
import email.policy
import io
import os
import re
import zipfile
from pathlib import Path

from xltrack.nightly.api import nightly
from xltrack.nightly.settings import NightlySettings

GOLDEN = Path(__file__).parent / "golden" / "nightly-demo.eml"
AS_OF = dt.date(2026, 11, 27)


def normalise(raw: bytes) -> bytes:
    """Volatile headers and boundaries fixed, text parts decoded to 8-bit UTF-8 (so the golden file
    diffs readably), the attachment's base64 replaced by one line. Still a valid .eml."""
    text = raw.decode("ascii")
    text = re.sub(r"(?m)^Date: .*$", "Date: <normalised>", text)
    text = re.sub(r"(?m)^Message-ID: .*$", "Message-ID: <normalised@xltrack>", text)
    for n, b in enumerate(dict.fromkeys(re.findall(r'boundary="([^"]+)"', text)), 1):
        text = text.replace(b, f"BOUNDARY-{n}")
    out: list[str] = []
    mode, in_headers, body = None, False, []

    def flush():
        if mode == "text":
            out.extend(base64.b64decode("".join(body)).decode("utf-8").replace("\r\n", "\n").split("\n"))
        elif mode == "attachment":
            out.append("<attachment bytes omitted>")
        body.clear()

    for line in text.split("\r\n"):
        if line.startswith("--BOUNDARY-"):
            flush()
            mode, in_headers = None, True
        elif in_headers and line.startswith("Content-Type: text/"):
            mode = "text"
        elif in_headers and line.startswith("Content-Disposition: attachment"):
            mode = "attachment"
        elif in_headers and line == "":
            in_headers = False
        elif mode is not None and not in_headers:
            body.append(line)
            continue
        if in_headers and mode == "text" and line == "Content-Transfer-Encoding: base64":
            line = "Content-Transfer-Encoding: 8bit"
        out.append(line)
    flush()
    return "\r\n".join(out).encode("utf-8")


def _bodies(raw: bytes) -> tuple[str, str, str]:
    m = email.message_from_bytes(raw, policy=email.policy.default)
    return m["Subject"], m.get_body(("plain",)).get_content(), m.get_body(("html",)).get_content()


def test_demo_digest_matches_the_golden_eml(tmp_path):
    from xltrack.build.api import init

    book = init(tmp_path / "销售跟踪.xlsx", demo=True, rows=60, seed=7, as_of=AS_OF)
    res = nightly(book, to=["销售经理 <boss@example.com>"], as_of=AS_OF, dry_run=tmp_path / "out",
                  settings=NightlySettings(sender="xltrack@example.com", recalc=False))
    raw = res.messages[0].eml.read_bytes()
    (att,) = email.message_from_bytes(raw, policy=email.policy.default).iter_attachments()
    with zipfile.ZipFile(io.BytesIO(att.get_content())) as z:
        assert "xl/workbook.xml" in z.namelist() and z.testzip() is None
    got = normalise(raw)
    if os.environ.get("XLTRACK_REGEN_GOLDEN"):
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_bytes(got)
    want = GOLDEN.read_bytes()
    # decoded first, so a failure shows a readable diff; then the whole message byte for byte
    assert _bodies(got) == _bodies(want)
    assert got == want


def test_normalise_is_stable_across_runs(tmp_path):
    from xltrack.build.api import init

    s = NightlySettings(sender="xltrack@example.com", recalc=False)
    runs = []
    for n in (1, 2):   # two identical workbooks (a refresh assigns IDs, so not the same file twice)
        (tmp_path / f"w{n}").mkdir()
        book = init(tmp_path / f"w{n}" / "b.xlsx", demo=True, rows=12, seed=3, as_of=AS_OF)
        runs.append(nightly(book, to=["a@example.com"], as_of=AS_OF, dry_run=tmp_path / str(n), settings=s))
    a, b = runs
    ra, rb = a.messages[0].eml.read_bytes(), b.messages[0].eml.read_bytes()
    assert ra != rb, "Date, Message-ID and boundaries differ between runs"
    assert normalise(ra) == normalise(rb)
    assert b"\r\n<attachment bytes omitted>\r\n" in normalise(ra)
