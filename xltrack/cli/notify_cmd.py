"""``xltrack notify WORKBOOK --webhook URL``: a thin wrapper over :func:`xltrack.notify.api.notify`."""
from __future__ import annotations

import click

from ..i18n import pick
from .options import as_of_option, log_to_stderr, resolve_as_of, workbook_argument

KIND_CHOICE = click.Choice(["wecom", "dingtalk", "feishu", "slack"])

webhook_option = click.option(
    "--webhook", "webhooks", multiple=True, metavar="URL",
    help="A group robot's webhook URL (repeat for several). Default: $XLTRACK_WEBHOOK.")
secret_file_option = click.option(
    "--secret-file", type=click.Path(dir_okay=False), default=None, metavar="FILE",
    help="File holding the 钉钉 加签 / 飞书 签名校验 secret (else $XLTRACK_WEBHOOK_SECRET). "
         "Never pass the secret itself on the command line.")


@click.command("notify")
@workbook_argument
@webhook_option
@click.option("--kind", type=KIND_CHOICE, default=None,
              help="The robots' platform. Default: detected from the URL's host "
                   "(qyapi.weixin.qq.com, oapi.dingtalk.com, open.feishu.cn / open.larksuite.com, hooks.slack.com).")
@click.option("--per-owner", is_flag=True,
              help="Also send one message per owner holding only that owner's projects (mentioning them).")
@as_of_option
@click.option("--dry-run", "dry_run", type=click.Path(file_okay=False), default=None, metavar="DIR",
              help="Write the JSON bodies into DIR instead of sending them.")
@secret_file_option
@click.option("--team", default=None, help="Team name in the title (default: the Config sheet's).")
@click.pass_context
def command(ctx: click.Context, path: str, webhooks: tuple[str, ...], kind: str | None, per_owner: bool, as_of,
            dry_run: str | None, secret_file: str | None, team: str | None) -> None:
    """Send WORKBOOK's digest to 企业微信, 钉钉, 飞书 or Slack group robots: the headline figures
    and the red projects, worst first, with their reasons. The workbook is only read.

    \b
    Exit codes: 0 delivered (or written with --dry-run) · 2 bad or missing webhook URL ·
    3 unreadable workbook · 6 a message not delivered after retries (the others were sent).
    """
    import os

    from ..notify.api import notify

    log_to_stderr("xltrack.notify", "notify", bool((ctx.find_root().obj or {}).get("verbose")))
    urls = list(webhooks) or [os.environ.get("XLTRACK_WEBHOOK", "")]
    res = notify(path, urls, kind=kind, per_owner=per_owner, as_of=resolve_as_of(as_of), dry_run=dry_run,
                 secret_file=secret_file, team=team)
    for m in res.messages:
        cut = pick(res.lang, "（列出 {s}/{n} 个红灯项目）", " ({s} of {n} red projects listed)", s=m.shown, n=m.red) \
            if m.shown < m.red else ""
        if m.files:
            for f in m.files:
                click.echo(pick(res.lang, "已写入 {f}{c}", "Wrote {f}{c}", f=f, c=cut))
        else:
            click.echo(pick(res.lang, "已发送 {who} → {u}{c}", "Sent {who} → {u}{c}", who=m.label, u=m.webhook, c=cut))
