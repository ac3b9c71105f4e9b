"""Options shared by several commands, defined once."""
from __future__ import annotations

import datetime as dt
import logging
import sys

import click


class DateParam(click.ParamType):
    name = "DATE"

    def convert(self, value, param, ctx):
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value).strip())
        except ValueError:
            self.fail(f"{value!r} is not a date; use YYYY-MM-DD, e.g. 2026-11-27", param, ctx)


as_of_option = click.option(
    "--as-of", "as_of", type=DateParam(), default=None,
    help="The date the rules are computed for (YYYY-MM-DD). Default: today.")

workbook_argument = click.argument(
    "path", type=click.Path(dir_okay=False, path_type=str), metavar="WORKBOOK")

lang_option = click.option(
    "--lang", type=click.Choice(["zh", "en"]), default=None,
    help="Language of sheet names, headers and messages (default: detected from the workbook, else zh).")


webhook_option = click.option(
    "--webhook", "webhooks", multiple=True, metavar="URL",
    help="A group robot's webhook URL: 企业微信, 钉钉, 飞书/Lark or Slack (repeat for several). "
         "Default: $XLTRACK_WEBHOOK.")

secret_file_option = click.option(
    "--secret-file", type=click.Path(dir_okay=False), default=None, metavar="FILE",
    help="File holding the 钉钉 加签 / 飞书 签名校验 secret (else $XLTRACK_WEBHOOK_SECRET). "
         "The secret itself is never an option.")

ROBOT_KINDS = click.Choice(["wecom", "dingtalk", "feishu", "slack"])
ROBOT_HOSTS = "qyapi.weixin.qq.com, oapi.dingtalk.com, open.feishu.cn / open.larksuite.com, hooks.slack.com"


def robot_kind_option(name: str):
    return click.option(name, "kind", type=ROBOT_KINDS, default=None,
                        help=f"The robots' platform. Default: detected from the URL's host ({ROBOT_HOSTS}).")


def resolve_as_of(as_of: dt.date | None) -> dt.date:
    """The explicit as-of date, or today: the only place the CLI reads the clock."""
    return as_of or dt.date.today()


def log_to_stderr(logger: str, label: str, verbose: bool) -> None:
    """A job's log lines (attempts, retries, warnings) on stderr, timestamped for cron."""
    log = logging.getLogger(logger)
    for old in [h for h in log.handlers if getattr(h, "_xltrack", False)]:
        log.removeHandler(old)   # a previous run in the same process (tests) wrote to another stderr
    h = logging.StreamHandler(sys.stderr)
    h.setFormatter(logging.Formatter(f"%(asctime)s xltrack {label} %(levelname)s: %(message)s"))
    h._xltrack = True  # type: ignore[attr-defined]
    log.addHandler(h)
    log.setLevel(logging.DEBUG if verbose else logging.INFO)
