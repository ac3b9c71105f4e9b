"""``xltrack refresh WORKBOOK``: a thin wrapper over :func:`xltrack.refresh.refresh`."""
from __future__ import annotations

import sys

import click

from ..i18n import pick
from .options import as_of_option, resolve_as_of, workbook_argument

# Progress goes to stderr, so stdout stays the one-line summary a script can parse. The language
# of the workbook is only known once it is read, so the step labels carry both.
_STEPS = {"read": "1/4 读取并校验 · reading and validating",
          "compute": "2/4 计算状态灯与指标 · computing lights and KPIs",
          "plan": "3/4 生成汇总表 · building the summary sheets",
          "write": "4/4 写回工作簿 · writing the workbook"}


def _progress(enabled: bool):
    if not enabled:
        return None

    def show(step: str) -> None:
        click.echo(f"xltrack: {_STEPS.get(step, step)} …", err=True)
    return show


@click.command("refresh")
@workbook_argument
@as_of_option
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None,
              help="Write the refreshed workbook here instead of replacing WORKBOOK.")
@click.option("--no-backup", is_flag=True, help="Do not keep a copy of the previous version.")
@click.option("--keep-backups", type=click.IntRange(min=1), default=5, show_default=True,
              help="How many previous versions to keep in .xltrack-backups/ beside the workbook.")
@click.option("--progress/--no-progress", default=None,
              help="Show each step on stderr (default: only when stderr is a terminal).")
def command(path: str, as_of, output: str | None, no_backup: bool, keep_backups: int,
            progress: bool | None) -> None:
    """Recompute lights, risk reasons and summary sheets and write them into WORKBOOK.

    Only xltrack's own columns and sheets change; every other part of the file stays
    byte-for-byte as it was. The write is atomic and the previous version is kept.
    """
    from ..compute import data_dates   # imported when run: it needs pandas (``--help`` does not)
    from ..refresh import refresh

    if progress is None:
        progress = sys.stderr.isatty()
    res = refresh(path, as_of=resolve_as_of(as_of), output=output, backup=not no_backup,
                  keep_backups=keep_backups, progress=_progress(progress))
    warn = data_dates.message(res.results.kpis.get("data_dates"), res.results.as_of.isoformat(), res.lang)
    if warn:  # said once, before the summary (stderr: stdout stays the one-line summary)
        click.echo(warn, err=True)
    click.echo(res.message)
    if res.backup:
        click.echo(pick(res.lang, "上一版本已备份到 {b}", "Previous version kept in {b}", b=res.backup))
