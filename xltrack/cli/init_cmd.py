"""``xltrack init WORKBOOK``: write the standard tracking workbook (thin wrapper of xltrack.init)."""
from __future__ import annotations

import click

from ..i18n import pick
from .options import as_of_option, resolve_as_of


@click.command("init")
@click.argument("path", type=click.Path(path_type=str), metavar="WORKBOOK")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
              help="Language of sheet names, headers, lists and notes.")
@click.option("--force", is_flag=True, help="Overwrite WORKBOOK if it exists.")
@click.option("--demo", is_flag=True, help="Fill with realistic (and realistically messy) demo data.")
@click.option("--rows", type=click.IntRange(1, 100_000), default=60, show_default=True,
              help="Demo: number of projects.")
@click.option("--seed", type=int, default=7, show_default=True, help="Demo: random seed (same seed, same data).")
@as_of_option
def command(path: str, lang: str, force: bool, demo: bool, rows: int, seed: int, as_of) -> None:
    """Create the standard tracking workbook WORKBOOK (.xlsx).

    \b
    Sheets: Projects, Activities, Payments (where people type), Config (stages,
    thresholds, owners, activity types), Guide, and the summary sheets a refresh fills.
    Refuses to overwrite an existing file without --force (exit code 5).
    """
    from ..build.api import init

    out = init(path, lang=lang, force=force, demo=demo, rows=rows, seed=seed,
               as_of=resolve_as_of(as_of) if demo else as_of)
    if demo:
        click.echo(pick(lang, "已创建 {p}（演示数据：{n} 个项目）", "Created {p} (demo data: {n} projects)",
                        p=out, n=rows))
    else:
        click.echo(pick(lang, "已创建 {p}", "Created {p}", p=out))
