"""A robot's webhook URL: which platform it is, the key it carries, and the URL as logs show it.

The key (企业微信 ``key=``, 钉钉 ``access_token=``, 飞书 ``/hook/<token>``, Slack
``/services/T…/B…/<token>``) is what lets anyone post into the group: :func:`masked` keeps its
first four characters and hides the rest, and every log line and error message uses that form.
The platform is detected from the host unless given explicitly (tests point a "wecom" URL at
127.0.0.1 with ``kind="wecom"``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from ..errors import UsageError
from ..i18n import pick

Kind = Literal["wecom", "dingtalk", "feishu", "slack"]
KINDS: tuple[Kind, ...] = ("wecom", "dingtalk", "feishu", "slack")

HOSTS: dict[str, Kind] = {
    "qyapi.weixin.qq.com": "wecom",
    "oapi.dingtalk.com": "dingtalk",
    "open.feishu.cn": "feishu",
    "open.larksuite.com": "feishu",
    "hooks.slack.com": "slack",
}
NAMES: dict[Kind, tuple[str, str]] = {
    "wecom": ("企业微信", "WeCom"), "dingtalk": ("钉钉", "DingTalk"),
    "feishu": ("飞书", "Feishu/Lark"), "slack": ("Slack", "Slack"),
}
# where the key sits: a query parameter, or the last path segment(s) after a prefix
QUERY_KEY: dict[Kind, str] = {"wecom": "key", "dingtalk": "access_token"}
PATH_KEY = {"feishu": re.compile(r"^(/open-apis/bot/v2/hook/)([^/]+)/?$"),
            "slack": re.compile(r"^(/services/)([^/]+/[^/]+/[^/]+)/?$")}
SHOWN = 4   # characters of a key left visible in logs


@dataclass(frozen=True, slots=True)
class Webhook:
    url: str
    kind: Kind
    key: str

    @property
    def masked(self) -> str:
        return masked(self.url, self.kind)

    def name(self, lang: str) -> str:
        return pick(lang, *NAMES[self.kind])


def _hide(key: str) -> str:
    return key[:SHOWN] + "****" if len(key) > SHOWN else "****"


def masked(url: str, kind: Kind | None = None) -> str:
    """``url`` with its key (and a 钉钉 signature) hidden, safe for logs and messages."""
    parts = urlsplit(url)
    kind = kind or HOSTS.get((parts.hostname or "").lower())
    query = [(k, _hide(v) if k in ("key", "access_token", "sign") else v) for k, v in parse_qsl(parts.query)]
    path = parts.path
    for pattern in PATH_KEY.values():
        m = pattern.match(path)
        if m and (kind is None or pattern is PATH_KEY.get(kind)):
            path = m.group(1) + _hide(m.group(2))
    netloc = parts.hostname or ""
    if parts.port:
        netloc += f":{parts.port}"
    return urlunsplit((parts.scheme, netloc, path, urlencode(query, safe="*"), ""))


def detect(url: str) -> Kind | None:
    """The platform of a robot URL from its host, or None."""
    return HOSTS.get((urlsplit(url).hostname or "").lower())


def parse(url: str, kind: str | None = None, *, lang: str = "zh") -> Webhook:
    """Check ``url`` and say which platform it is; a URL without a key is a usage error (exit 2)."""
    url = (url or "").strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(pick(lang, "不是机器人 webhook 地址：{u}", "Not a robot webhook URL: {u}", u=masked(url)),
                         hint=pick(lang, "应以 https:// 开头，例如 https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…",
                                   "it starts with https://, e.g. https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…"))
    if parts.username or parts.password:
        raise UsageError(pick(lang, "webhook 地址不能包含用户名或密码：{u}",
                              "A webhook URL must not carry a user name or password: {u}", u=masked(url)))
    if kind is not None and kind not in KINDS:
        raise UsageError(pick(lang, "未知的机器人类型：{k}（可选 {all}）", "Unknown robot kind: {k} (one of {all})",
                              k=kind, all=", ".join(KINDS)))
    found = kind or detect(url)
    if found is None:
        raise UsageError(pick(lang, "无法从主机名判断机器人平台：{h}",
                              "Cannot tell the robot platform from the host {h}", h=parts.hostname),
                         hint=pick(lang, "请用 --kind wecom|dingtalk|feishu|slack 指明。",
                                   "pass --kind wecom|dingtalk|feishu|slack."))
    key = _key(parts, found)
    if not key:
        raise UsageError(pick(lang, "{p} webhook 地址缺少密钥（{where}）：{u}",
                              "The {p} webhook URL has no key ({where}): {u}",
                              p=pick(lang, *NAMES[found]), where=_where(found), u=masked(url, found)),
                         hint=pick(lang, "请从机器人设置页复制完整的 webhook 地址。",
                                   "copy the whole webhook URL from the robot's settings."))
    return Webhook(url=url, kind=found, key=key)


def _key(parts, kind: Kind) -> str:
    if kind in QUERY_KEY:
        return dict(parse_qsl(parts.query)).get(QUERY_KEY[kind], "").strip()
    m = PATH_KEY[kind].match(parts.path)
    return m.group(2) if m else ""


def _where(kind: Kind) -> str:
    return {"wecom": "?key=…", "dingtalk": "?access_token=…", "feishu": "/open-apis/bot/v2/hook/…",
            "slack": "/services/T…/B…/…"}[kind]


def with_query(url: str, **params: str) -> str:
    """``url`` with ``params`` appended to its query (钉钉's ``timestamp`` and ``sign``)."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True) + list(params.items())
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), parts.fragment))
