"""``xltrack import SOURCE --into WORKBOOK``: a thin wrapper over :func:`xltrack.import_rows`."""
from __future__ import annotations

import sys

import click

from ..i18n import pick
from .options import as_of_option, resolve_as_of
from .refresh_cmd import _progress


def _report(res) -> None:
    lang = res.lang
    for up in res.imported.upserts:
        if up.no_column:
            click.echo(pick(lang, "  工作簿的表中没有这些字段的列，未导入：{f}（可先在表中加列）",
                            "  the workbook sheet has no column for: {f} (not imported; add the columns first)",
                            f=", ".join(up.no_column)))
        for rj in up.rejected:
            click.echo(pick(lang, "  拒绝 第 {r} 行：{m}", "  rejected row {r}: {m}", r=rj.row, m=rj.reason))
        for raw, u in up.unknown_stages.items():
            hint = pick(lang, "（最接近：{s}）", " (nearest: {s})", s=u.suggestion) if u.suggestion else ""
            click.echo(pick(lang, "  未识别的阶段“{v}”（{n} 行）{h}：已按原文导入，请在映射文件 [stages] 中指定",
                            "  stage “{v}” not recognised ({n} rows){h}: imported as written; map it under [stages]",
                            v=raw, n=u.count, h=hint))
        if up.unknown_owners and not res.imported.owners_added:
            names = "、".join(up.unknown_owners) if lang == "zh" else ", ".join(up.unknown_owners)
            click.echo(pick(lang, "  不在“设置”表中的负责人：{n}（已导入并标为未知负责人；加 --add-owners 可加入设置表）",
                            "  owners not on the Config sheet: {n} (imported, flagged as unknown; --add-owners adds them)",
                            n=names))
    if res.imported.owners_added:
        click.echo(pick(lang, "  已加入“设置”表的负责人：{n}", "  owners added to the Config sheet: {n}",
                        n=", ".join(res.imported.owners_added)))


@click.command("import")
@click.argument("source", type=click.Path(dir_okay=False, path_type=str), metavar="SOURCE")
@click.option("--into", "into", required=True, type=click.Path(dir_okay=False, path_type=str),
              metavar="WORKBOOK", help="The workbook to import into (.xlsx/.xlsm).")
@click.option("--mapping", type=click.Path(dir_okay=False, path_type=str), default=None, metavar="MAP.toml",
              help="A mapping file overriding the automatic mapping (see docs/import.md).")
@click.option("--sheet", default=None, metavar="NAME", help="The source sheet to import (xlsx/xls/ods; default: every sheet "
                                            "with a recognised header).")
@click.option("--encoding", type=click.Choice(["auto", "utf-8", "gb18030"]), default="auto", show_default=True,
              help="Encoding of a CSV source (auto: BOM, else UTF-8, else GB18030/GBK).")
@click.option("--add-owners", is_flag=True, help="Append owners missing from the Config sheet to its owner block.")
@click.option("--dry-run", is_flag=True, help="Print the mapping and the counts; write nothing.")
@click.option("--print-mapping", is_flag=True, help="Print the mapping used as a mapping file (TOML) to start from.")
@as_of_option
@click.option("--no-backup", is_flag=True, help="Do not keep a copy of the previous version.")
@click.option("--progress/--no-progress", default=None,
              help="Show each step on stderr (default: only when stderr is a terminal).")
def command(source: str, into: str, mapping: str | None, sheet: str | None, encoding: str, add_owners: bool,
            dry_run: bool, print_mapping: bool, as_of, no_backup: bool, progress: bool | None) -> None:
    """Import deals from SOURCE (a CRM export or spreadsheet: .csv, .xlsx, .xls, .ods) into WORKBOOK.

    Rows are upserted by ID: new ones appended inside the table, existing ones updated on the
    mapped fields only; then the workbook is refreshed. Nothing is dropped: a row with problems
    is imported and its problems listed on the Issues sheet. Importing the same file twice
    changes nothing.

    \b
    Exit codes: 0 imported · 1 no header row recognised · 2 bad mapping file ·
    3 source or workbook unreadable · 4 workbook open, locked or saved meanwhile.
    """
    from .. import import_rows

    if progress is None:
        progress = sys.stderr.isatty()
    res = import_rows(source, into, mapping=mapping, sheet=sheet, encoding=encoding, add_owners=add_owners,
                      dry_run=dry_run or print_mapping, as_of=resolve_as_of(as_of), backup=not no_backup,
                      progress=_progress(progress))
    if print_mapping:
        click.echo(res.mapping_toml, nl=False)
        return
    lang = res.lang
    if res.encoding:
        click.echo(pick(lang, "来源：{s}（{e}，分隔符 {d!r}）", "Source: {s} ({e}, delimiter {d!r})",
                        s=res.source.name, e=res.encoding, d=res.delimiter))
    for sheet_name, hm in res.imported.matches:
        cols = ", ".join(f"{hm.headers[c]} → {f}" for c, f in sorted(hm.fields.items()))
        click.echo(pick(lang, "映射（表头第 {r} 行 → {t}）：{c}", "Mapping (header row {r} → {t}): {c}",
                        r=hm.row, t=hm.target, c=cols))
        if hm.skipped:
            click.echo(pick(lang, "未导入的列：{c}", "Columns not imported: {c}", c=", ".join(hm.skipped)))
    _report(res)
    click.echo(res.message)
    if res.job is not None and res.job.backup:
        click.echo(pick(lang, "上一版本已备份到 {b}", "Previous version kept in {b}", b=res.job.backup))
