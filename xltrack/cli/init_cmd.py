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
@click.option("--into", "into", is_flag=True,
              help="WORKBOOK already exists (.xlsx/.xlsm): add the xltrack sheets to it, keeping "
                   "everything else byte for byte (a backup is kept).")
@click.option("--macro", is_flag=True,
              help="Write a macro-enabled WORKBOOK.xlsm with Refresh buttons (Excel + xlwings).")
@click.option("--python", "python", metavar="PATH", default=None,
              help="With --macro: the Python interpreter the Refresh button runs (see docs/excel-button.md).")
@click.option("--no-backup", is_flag=True, help="With --into: do not keep a backup copy.")
def command(path: str, lang: str, force: bool, demo: bool, rows: int, seed: int, as_of,
            into: bool, macro: bool, python: str | None, no_backup: bool) -> None:
    """Create the standard tracking workbook WORKBOOK (.xlsx, or .xlsm with --macro).

    \b
    Sheets: Projects, Activities, Payments (where people type), Config (stages,
    thresholds, owners, activity types), Guide, and the summary sheets a refresh fills.
    Refuses to overwrite an existing file without --force (exit code 5).

    \b
    Examples:
      xltrack init pipeline.xlsx                 # the standard workbook, zh
      xltrack init --lang en pipeline.xlsx       # English sheet names and headers
      xltrack init --demo --rows 200 demo.xlsx   # realistic demo data
      xltrack init --macro team.xlsm             # with Refresh buttons for Excel
      xltrack init --into our-crm.xlsx           # add the xltrack sheets to your workbook
    """
    from ..build.api import init
    from ..pipeline import layout

    if into and (demo or macro or force):
        raise click.UsageError("--into cannot be combined with --demo, --macro or --force")
    ctx = click.get_current_context()
    given = [f"--{n.replace('_', '-')}" for n in ("rows", "seed", "as_of")
             if ctx.get_parameter_source(n) is click.core.ParameterSource.COMMANDLINE]
    if given and not demo:
        raise click.UsageError(f"{', '.join(given)} only apply to demo data: add --demo")
    out = init(path, lang=lang, force=force, demo=demo, rows=rows, seed=seed,
               as_of=resolve_as_of(as_of) if demo else as_of, into=into, macro=macro,
               python=python, backup=not no_backup)
    if into:
        from ..backends.file.adopt import adopted_data_sheets   # the file backend only for --into

        click.echo(pick(lang, "已在 {p} 中加入 xltrack 工作表", "Added the xltrack sheets to {p}", p=out))
        for key, name in adopted_data_sheets(out, lang).items():
            click.echo(pick(lang, "  使用已有的“{n}”表作为{s}表", "  Using your sheet '{n}' as the {s} sheet",
                            n=name, s=layout().sheet(key).name(lang)))
    elif demo:
        click.echo(pick(lang, "已创建 {p}（演示数据：{n} 个项目）", "Created {p} (demo data: {n} projects)",
                        p=out, n=rows))
    else:
        click.echo(pick(lang, "已创建 {p}", "Created {p}", p=out))
