"""What every markdown flavour shares: escaping workbook text, reading a JSON answer, the JSON form.

Workbook text is shown as typed but can never become markup: the characters that start
markdown emphasis, links, code, quotes or an HTML-like tag (``<@all>``, ``<at id=all>``,
``<font …>``) are replaced by their full-width forms (＜ ＞ ＊ ［ ］ ｀ ～ ＃), which read the same
in Chinese text and mean nothing to any of the four renderers.
"""
from __future__ import annotations

import json

_FULLWIDTH = str.maketrans({"<": "＜", ">": "＞", "*": "＊", "[": "［", "]": "］", "`": "｀", "~": "～",
                            "#": "＃", "|": "｜"})


def esc(text: str) -> str:
    return str(text).translate(_FULLWIDTH)


def dumps(body: dict) -> bytes:
    """The request body as sent: compact UTF-8 JSON (CJK as UTF-8, a third of ``\\uXXXX``)."""
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def json_code(text: str, *keys: str) -> tuple[int | None, str]:
    """The first of ``keys`` present in a JSON answer (errcode, code…) and its message."""
    try:
        data = json.loads(text)
    except ValueError:
        return None, text.strip()[:200]
    if not isinstance(data, dict):
        return None, text.strip()[:200]
    for k in keys:
        if k in data:
            try:
                code = int(data[k])
            except (TypeError, ValueError):
                code = None
            msg = data.get("errmsg") or data.get("msg") or data.get("StatusMessage") or ""
            return code, str(msg)[:200]
    return None, text.strip()[:200]


def kpi_line(label: str, value: str, lang: str) -> str:
    return f"{label}{'：' if lang == 'zh' else ': '}{value}"
