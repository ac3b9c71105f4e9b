"""``xltrack split WORKBOOK --by owner|team -o DIR``: a thin wrapper over :func:`xltrack.split`."""
from __future__ import annotations

import click

from ..i18n import pick
from .options import as_of_option, resolve_as_of, workbook_argument


@click.command("split")
@workbook_argument
@click.option("--by", type=click.Choice(["owner", "team"]), default="owner", show_default=True,
              help="One workbook per owner, or per team (the team column of Config's owner block).")
@click.option("-o", "--output-dir", "output_dir", type=click.Path(file_okay=False), required=True,
              help="Folder for the copies (created if missing).")
@click.option("--only", "only", multiple=True, metavar="NAME",
              help="Only this owner or team (name or alias; repeat for several).")
@click.option("--force", is_flag=True, help="Replace copies that already exist in the folder.")
@as_of_option
def command(path: str, by: str, output_dir: str, only: tuple[str, ...], force: bool, as_of) -> None:
    """Write one workbook per owner (or team) holding only their rows.

    Each copy has the Projects rows of its owner(s) and the Activities and Payments of those
    projects, the workbook's structure, Config, drop-downs, validations and macro, and summary
    sheets computed on its rows alone; nothing of anyone else's is in the file. A split record
    inside the copy lets `xltrack merge` bring the edits back. The team workbook is not changed.
    """
    from ..formats.text import grid
    from ..team.split import split

    res = split(path, by=by, output_dir=output_dir, only=only, as_of=resolve_as_of(as_of), force=force)
    lang = res.lang
    click.echo(pick(lang, "已拆分 {p}（按{by}）为 {n} 个工作簿，团队工作簿未改动：",
                    "Split {p} by {by} into {n} workbooks (the team workbook is unchanged):",
                    p=path, n=len(res.copies), by=pick(lang, "负责人" if by == "owner" else "团队", by)))
    head = pick(lang, "文件|{w}|项目|沟通记录|回款计划", "file|{w}|projects|activities|payments",
                w=pick(lang, "负责人" if by == "owner" else "团队", by)).split("|")
    rows = [[c.path.name, c.label, str(c.projects), str(c.activities), str(c.payments)] for c in res.copies]
    click.echo(grid(head, rows, right={2, 3, 4}, max_w=60))
    values = sum(c.formulas_to_values for c in res.copies)
    if values:
        click.echo(pick(lang, "数据行中的 {k} 个公式在副本中保留为其值（公式可能引用副本中没有的行）。",
                        "{k} formulas in data rows are kept as their values in the copies (they may point at "
                        "rows a copy does not have).", k=values))
    click.echo(pick(lang, "文件夹：{d}（{s:.1f} 秒）", "Folder: {d} ({s:.1f} s)", d=output_dir, s=res.seconds))
