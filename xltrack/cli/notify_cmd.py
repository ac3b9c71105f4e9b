"""``xltrack notify WORKBOOK --webhook URL``: a thin wrapper over :func:`xltrack.notify.api.notify`."""
from __future__ import annotations

import click

from ..errors import SendError
from ..i18n import pick
from .options import (
    as_of_option,
    log_to_stderr,
    resolve_as_of,
    robot_kind_option,
    secret_file_option,
    webhook_option,
    workbook_argument,
)


@click.command("notify")
@workbook_argument
@webhook_option
@robot_kind_option("--kind")
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
    from ..notify.api import notify

    log_to_stderr("xltrack.notify", "notify", bool((ctx.find_root().obj or {}).get("verbose")))
    try:
        res = notify(path, list(webhooks), kind=kind, per_owner=per_owner, as_of=resolve_as_of(as_of), dry_run=dry_run,
                     secret_file=secret_file, team=team)
    except SendError as e:      # say what did go out before the exit-6 message
        if getattr(e, "result", None) is not None:
            echo_robots(e.result)
        raise
    echo_robots(res)


def echo_robots(res) -> None:
    """One line per robot message: the file written (dry run) or the robot it went to."""
    for m in res.messages:
        cut = pick(res.lang, "（列出 {s}/{n} 个红灯项目）", " ({s} of {n} red projects listed)", s=m.shown, n=m.red) \
            if m.shown < m.red else ""
        who = pick(res.lang, "团队", "team") if m.label == "team" else m.label.partition(":")[2]
        if m.files:
            for f in m.files:
                click.echo(pick(res.lang, "已写入 {f}{c}", "Wrote {f}{c}", f=f, c=cut))
        elif m.delivered:
            click.echo(pick(res.lang, "已发送（{who}）→ {u}{c}", "Sent ({who}) → {u}{c}", who=who, u=m.webhook, c=cut))
