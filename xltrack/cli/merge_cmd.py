"""``xltrack merge WORKBOOK FILES_OR_DIR…``: a thin wrapper over :func:`xltrack.merge`."""
from __future__ import annotations

import click

from ..i18n import pick
from .options import as_of_option, resolve_as_of, workbook_argument


@click.command("merge")
@workbook_argument
@click.argument("copies", nargs=-1, required=True, type=click.Path(path_type=str), metavar="FILES_OR_DIR…")
@click.option("--dry-run", is_flag=True, help="Show what would change; write nothing.")
@click.option("--no-backup", is_flag=True, help="Do not keep a copy of the previous version.")
@as_of_option
def command(path: str, copies: tuple[str, ...], dry_run: bool, no_backup: bool, as_of) -> None:
    """Bring the edits of split copies back into the team WORKBOOK, by ID.

    Changed fields are updated and new projects, activities and payments added. A field changed
    both in a copy and in WORKBOOK since the split is a conflict: WORKBOOK keeps its value and
    both values are listed here and on the Issues sheet. Rows deleted in a copy are flagged, not
    deleted. Merging the same copy twice changes nothing. Same safe write as refresh.
    """
    from ..formats.text import grid
    from ..issues import show
    from ..pipeline import layout
    from ..team.merge import merge
    from ..team.merge_plan import rejected_text

    res = merge(path, copies, dry_run=dry_run, as_of=resolve_as_of(as_of), backup=not no_backup)
    lang = res.lang
    out = res.outcome
    head = pick(lang, "副本|更新字段|新项目|新沟通|新回款|冲突|副本删除|未合并",
                "copy|updated|+projects|+activities|+payments|conflicts|deleted|rejected").split("|")
    rows = [[c.name, str(c.updated), str(c.added["projects"]), str(c.added["activities"]), str(c.added["payments"]),
             str(len(c.conflicts)), str(len(c.deleted)), str(len(c.rejected))] for c in out.copies]
    click.echo(grid(head, rows, right=set(range(1, 8)), max_w=60))

    def label(sheet_name: str, f: str) -> str:
        for sh in layout().sheets:
            if sh.name(lang) == sheet_name:
                for col in sh.columns:
                    if col.key == f:
                        return col.label(lang)
        return f

    conflicts = [c for co in out.copies for c in co.conflicts]
    if conflicts:
        click.echo(pick(lang, "\n冲突（团队工作簿的值保留，见“数据问题”表）：", "\nConflicts (the team workbook's value is kept; see the Issues sheet):"))
        for c in conflicts:
            click.echo(pick(lang, "  {s}!{cell} {k} {f}：团队 {t} · 副本 {v}（{c}）", "  {s}!{cell} {k} {f}: team {t} · copy {v} ({c})",
                            s=c.sheet, cell=c.cell, k=c.key, f=label(c.sheet, c.field), t=show(c.team_value),
                            v=show(c.copy_value), c=c.copy))
    for co in out.copies:
        for pid, old, new in co.moved:
            click.echo(pick(lang, "转交：{k} 由 {o} 转给 {n}（{c}）", "Handed over: {k} from {o} to {n} ({c})",
                            k=pid, o=old, n=new, c=co.name))
        for sheet, row, key in co.deleted:
            click.echo(pick(lang, "副本中已删除（保留并标记）：{s} 第 {r} 行 {k}（{c}）",
                            "Deleted in the copy (kept, flagged): {s} row {r} {k} ({c})", s=sheet, r=row, k=key, c=co.name))
        for old, new in co.renumbered.items():
            click.echo(pick(lang, "新项目编号 {o} 已被占用，改为 {n}（{c}）", "New project ID {o} was taken; it is now {n} ({c})",
                            o=old, n=new, c=co.name))
        for r in co.rejected:
            click.echo(rejected_text(r, lang))
    if dry_run:
        click.echo(pick(lang, "试运行：将写入 {n} 个单元格，未写入任何内容。", "Dry run: {n} cells would be written; nothing was written.",
                        n=out.changes))
    elif res.written:
        click.echo(pick(lang, "已合并到 {p}：写入 {n} 个单元格，并已刷新（{s:.2f} 秒）", "Merged into {p}: {n} cells written, then refreshed ({s:.2f} s)",
                        p=path, n=out.changes, s=res.seconds))
        if res.backup:
            click.echo(pick(lang, "上一版本已备份到 {b}", "Previous version kept in {b}", b=res.backup))
    else:
        click.echo(pick(lang, "没有需要合并的修改，{p} 未改动。", "Nothing to merge; {p} is unchanged.", p=path))
