"""``xltrack nightly --chart``: the Dashboard as an inline PNG in the team digest.

Real parts: the demo workbook, LibreOffice + pdftoppm for the picture (two renderings in this
file, ≈ 3 s each), the loopback SMTP server of ``tests/support/nightly.py``. The PNG is decoded
here with zlib (no imaging library) to check its size and that it is not blank.
"""
from __future__ import annotations

import datetime as dt
import email
import email.policy
import shutil
import struct
import zlib

import pytest

from tests.support.nightly import book, demo_book, smtp_env  # noqa: F401  (fixtures)
from xltrack.cli import cli
from xltrack.cli.errors import run_cli
from xltrack.nightly.chart import PNG_SIGNATURE, WIDTH, png_size
from xltrack.nightly.settings import load_settings

AS_OF = dt.date(2026, 11, 27)


def _run(capsys, *args) -> tuple[int, str, str]:
    code = run_cli(cli, ["nightly", *map(str, args)])
    out = capsys.readouterr()
    return code, out.out, out.err


def _parse(data: bytes):
    return email.message_from_bytes(data, policy=email.policy.default)


def _pixels(data: bytes) -> list[bytes]:
    """Rows of an 8-bit RGB/RGBA/grey PNG, unfiltered (the five PNG filters)."""
    w, h = png_size(data)
    pos, idat, ctype = 8, b"", None
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            assert body[8] == 8, "8-bit samples"
            ctype = body[9]
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    bpp = {0: 1, 2: 3, 4: 2, 6: 4}[ctype]
    raw, stride, rows, prev = zlib.decompress(idat), w * bpp, [], bytes(w * bpp)
    for y in range(h):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = line
    assert ctype == 2, "pdftoppm writes RGB"
    return rows


def _image_part(msg):
    """(html, the image part) of the team digest, checking the MIME structure on the way."""
    related = [p for p in msg.walk() if p.get_content_type() == "multipart/related"]
    assert len(related) == 1
    html_part, img = related[0].get_payload()
    assert html_part.get_content_type() == "text/html" and img.get_content_type() == "image/png"
    return html_part.get_content(), img


def _check_image(html: str, img) -> bytes:
    cid = img["Content-ID"].strip("<>")
    assert f'<img src="cid:{cid}" width="{WIDTH}"' in html
    assert 'alt="看板（2026-11-27）：关键指标、漏斗、负责人管道、成交预测与回款"' in html
    assert img.get_content_disposition() == "inline"
    data = img.get_content()
    assert data[:8] == PNG_SIGNATURE
    w, h = png_size(data)
    assert w == WIDTH and 200 < h < 1000, (w, h)
    return data


def test_chart_is_sent_inline_and_shows_the_dashboard(book, smtp_env, capsys):
    code, _, err = _run(capsys, book, "--to", "boss@example.com", "--as-of", "2026-11-27", "--chart")
    assert code == 0, err
    assert "chart: 看板 sheet rendered as a 616×" in err
    (rcv,) = smtp_env.messages
    msg = _parse(rcv.data)
    html, img = _image_part(msg)
    data = _check_image(html, img)
    rows = _pixels(data)
    white = sum(row.count(b"\xff\xff\xff") for row in rows)  # rough: byte triples, good enough
    colours = {row[i:i + 3] for row in rows[::7] for i in range(0, len(row), 21)}
    assert len(colours) > 20, "a rendered dashboard has many colours, a blank page one"
    assert white < 0.97 * len(rows) * len(rows[0]) / 3
    # the red tile of the Dashboard (layout.toml's light red, FFC7CE) is in the picture
    assert any(b"\xff\xc7\xce" in row for row in rows)
    text = msg.get_body(("plain",)).get_content()
    assert "cid:" not in text and "2026-11-27" in text
    assert next(msg.iter_attachments()).get_filename() == "销售跟踪_2026-11-27.xlsx"


def test_config_chart_true_only_the_team_digest_gets_the_picture(book, demo_book, tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("XLTRACK_CHART", raising=False)
    cfg = tmp_path / "nightly.toml"
    cfg.write_text('[mail]\nfrom = "bot@example.com"\nchart = true\n', encoding="utf-8")
    out = tmp_path / "with"
    code, _, err = _run(capsys, book, "--config", cfg, "--to", "boss@example.com", "--per-owner",
                        "--as-of", "2026-11-27", "--dry-run", out, "--no-recalc")
    assert code == 0, err
    team = _parse((out / "01-team.eml").read_bytes())
    _check_image(*_image_part(team))
    owners = sorted(out.glob("02-owner-*.eml"))
    assert owners
    for p in owners:
        m = _parse(p.read_bytes())
        assert not [q for q in m.walk() if q.get_content_maintype() == "image"]
        assert "cid:" not in m.get_body(("html",)).get_content()
    # the same run (on a fresh copy) without the chart: no image, and the text part is the same
    (tmp_path / "b2").mkdir()
    book2 = shutil.copy(demo_book, tmp_path / "b2" / "销售跟踪.xlsx")
    code, _, err = _run(capsys, book2, "--config", cfg, "--no-chart", "--to", "boss@example.com",
                        "--as-of", "2026-11-27", "--dry-run", tmp_path / "without", "--no-recalc")
    assert code == 0, err
    plain = _parse((tmp_path / "without" / "01-team.eml").read_bytes())
    assert [p.get_content_type() for p in plain.walk()] == [
        "multipart/mixed", "multipart/alternative", "text/plain", "text/html",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"]
    assert "<img" not in plain.get_body(("html",)).get_content()
    assert plain.get_body(("plain",)).get_content() == team.get_body(("plain",)).get_content()


def test_without_the_tools_the_mail_still_goes_out_and_the_log_says_why(book, smtp_env, tmp_path,
                                                                         monkeypatch, capsys):
    empty = tmp_path / "no-tools"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    monkeypatch.setenv("XLTRACK_CHART", "1")
    code, _, err = _run(capsys, book, "--to", "boss@example.com", "--as-of", "2026-11-27")
    assert code == 0, err
    lines = [ln for ln in err.splitlines() if "chart:" in ln]
    assert len(lines) == 1 and lines[0].endswith(
        "chart: sending without the inline picture: pdftoppm (poppler-utils) not found")
    (rcv,) = smtp_env.messages
    msg = _parse(rcv.data)
    assert not [p for p in msg.walk() if p.get_content_maintype() == "image"]
    assert "<img" not in msg.get_body(("html",)).get_content()


def test_chart_setting_precedence(tmp_path):
    cfg = tmp_path / "n.toml"
    cfg.write_text("[mail]\nchart = true\n", encoding="utf-8")
    assert load_settings(environ={}).chart is False
    assert load_settings(cfg, environ={}).chart is True
    assert load_settings(cfg, environ={"XLTRACK_CHART": "0"}).chart is False
    assert load_settings(environ={"XLTRACK_CHART": "yes"}).chart is True
    assert load_settings(cfg, environ={"XLTRACK_CHART": "off"}, chart=True).chart is True


def test_png_size_reads_ihdr_and_refuses_other_data():
    ihdr = struct.pack(">II5B", 640, 300, 8, 2, 0, 0, 0)
    png = PNG_SIGNATURE + struct.pack(">I", 13) + b"IHDR" + ihdr + struct.pack(">I", zlib.crc32(b"IHDR" + ihdr))
    assert png_size(png) == (640, 300)
    with pytest.raises(ValueError):
        png_size(b"GIF89a" + bytes(30))
