"""``xltrack nightly WORKBOOK --to ADDR``: a thin wrapper over :func:`xltrack.nightly.api.nightly`."""
from __future__ import annotations

import click

from ..i18n import pick
from .notify_cmd import echo_robots
from .options import (as_of_option, log_to_stderr, resolve_as_of, robot_kind_option, secret_file_option,
                      webhook_option, workbook_argument)

RECALC_TEXT = {
    "no-formulas": ("无用户公式", "no user formulas"),
    "libreoffice": ("公式已由 LibreOffice 重新计算", "formulas recalculated with LibreOffice"),
    "full-calc-on-load": ("公式将在打开时重新计算", "formulas recalculate when opened"),
}


@click.command("nightly")
@workbook_argument
@click.option("--to", "to", multiple=True, metavar="ADDR",
              help="Recipient of the team digest (repeat for several). Default: `to` in the config.")
@click.option("--cc", "cc", multiple=True, metavar="ADDR", help="Copy recipient (repeat for several).")
@click.option("--per-owner", is_flag=True,
              help="Also send each owner with an e-mail on the Config sheet a digest of only their projects.")
@as_of_option
@click.option("--attach", type=click.Choice(["xlsx", "xlsm", "none"]), default=None,
              help="Attach a macro-free .xlsx copy (default), the .xlsm as it is, or nothing.")
@click.option("--dry-run", "dry_run", type=click.Path(file_okay=False), default=None, metavar="DIR",
              help="Write the messages as .eml files into DIR instead of sending them.")
@click.option("--config", "config", type=click.Path(dir_okay=False), default=None, metavar="FILE",
              help="Nightly settings (TOML). Default: $XLTRACK_NIGHTLY_CONFIG. See docs/nightly.md.")
@click.option("--smtp-host", default=None, help="SMTP server (overrides env and config).")
@click.option("--smtp-port", type=click.IntRange(1, 65535), default=None, help="SMTP port.")
@click.option("--security", type=click.Choice(["none", "starttls", "tls"]), default=None,
              help="starttls (port 587), tls (implicit, 465) or none (25).")
@click.option("--smtp-user", default=None,
              help="SMTP login; the password comes from $XLTRACK_SMTP_PASSWORD or password_file.")
@click.option("--from", "sender", default=None, metavar="ADDR", help="Sender address.")
@click.option("--team", default=None, help="Team name in the subject (default: the Config sheet's).")
@click.option("--no-recalc", is_flag=True, help="Never run LibreOffice; mark the copy to recalculate on open.")
@click.option("--chart/--no-chart", "chart", default=None,
              help="Show the Dashboard as a picture in the team digest (LibreOffice + pdftoppm; "
                   "without them the mail goes out without it). Default: `chart` in the config, off.")
@webhook_option
@robot_kind_option("--webhook-kind")
@secret_file_option
@click.pass_context
def command(ctx: click.Context, path: str, to: tuple[str, ...], cc: tuple[str, ...], per_owner: bool, as_of,
            attach: str | None, dry_run: str | None, config: str | None, smtp_host: str | None,
            smtp_port: int | None, security: str | None, smtp_user: str | None, sender: str | None,
            team: str | None, no_recalc: bool, chart: bool | None, webhooks: tuple[str, ...], kind: str | None,
            secret_file: str | None) -> None:
    """Refresh WORKBOOK, then e-mail it with a digest: red projects and why, this week's changes,
    collections due, data issues.

    \b
    Settings: options > environment (XLTRACK_SMTP_HOST, …) > --config FILE > defaults.
    Exit codes: 0 sent (or written with --dry-run) · 3 unreadable workbook or bad
    settings · 4 workbook open/locked · 5 not writable · 6 mail not sent after
    retries, or a robot message not delivered (the refreshed workbook is kept;
    everything else was sent). Group robots (--webhook): see docs/notify.md.
    """
    from ..nightly.api import nightly
    from ..nightly.settings import load_settings

    log_to_stderr("xltrack.nightly", "nightly", bool((ctx.find_root().obj or {}).get("verbose")))
    settings = load_settings(config, host=smtp_host, port=smtp_port, security=security, user=smtp_user,
                             sender=sender, team=team, attach=attach, recalc=False if no_recalc else None, chart=chart,
                             webhook_kind=kind, webhook_secret_file=secret_file)
    res = nightly(path, to=list(to), cc=list(cc), per_owner=per_owner, as_of=resolve_as_of(as_of),
                  attach=attach, dry_run=dry_run, settings=settings, webhooks=list(webhooks))
    lang = res.refresh.tables.lang if res.refresh is not None else "zh"
    r = res.refresh.seconds if res.refresh is not None else 0.0
    click.echo(pick(lang, "已刷新 {p}（刷新 {r:.1f} 秒，共 {s:.1f} 秒）", "Refreshed {p} (refresh {r:.1f} s, total {s:.1f} s)",
                    p=res.path, r=r, s=res.seconds))
    if res.attachment:
        zh, en = RECALC_TEXT.get(res.recalc or "", (res.recalc or "", res.recalc or ""))
        click.echo(pick(lang, "附件：{a}（{r}）", "Attachment: {a} ({r})", a=res.attachment, r=pick(lang, zh, en)))
    for m in res.messages:
        if m.eml is not None:
            click.echo(pick(lang, "已写入 {f}：{s}", "Wrote {f}: {s}", f=m.eml, s=m.subject))
        else:
            click.echo(pick(lang, "已发送给 {to}：{s}", "Sent to {to}: {s}", to=", ".join(m.recipients), s=m.subject))
    if res.robots is not None:
        echo_robots(res.robots)
