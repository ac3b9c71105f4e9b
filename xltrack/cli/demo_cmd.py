"""``xltrack demo [DIR]``: the main job end to end on demo data (thin wrapper of xltrack.demo)."""
from __future__ import annotations

import click

from ..i18n import pick
from .options import as_of_option, resolve_as_of


@click.command("demo")
@click.argument("directory", type=click.Path(file_okay=False, path_type=str), default="demo-output",
                metavar="[DIR]")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
              help="Language of the demo workbook.")
@click.option("--rows", type=click.IntRange(1, 100_000), default=60, show_default=True, help="Number of projects.")
@click.option("--seed", type=int, default=7, show_default=True, help="Random seed (same seed, same data).")
@as_of_option
def command(directory: str, lang: str, rows: int, seed: int, as_of) -> None:
    """Build a demo workbook in DIR (default: demo-output), refresh it and summarise the KPIs."""
    from ..build.api import demo

    res = demo(directory, rows=rows, seed=seed, as_of=resolve_as_of(as_of), lang=lang)
    click.echo(pick(lang, "演示工作簿：{p}", "Demo workbook: {p}", p=res.workbook))
    click.echo(pick(lang, "  {a} 个项目、{b} 条沟通记录、{c} 条回款计划，含 {m} 处常见录入错误（截至 {d}）",
                    "  {a} projects, {b} activities, {c} payment rows, {m} typical typing mistakes (as of {d})",
                    a=res.projects, b=res.activities, c=res.payments, m=len(res.mistakes), d=res.as_of))
    if res.refreshed:
        click.echo(pick(lang, "  已刷新：状态灯、风险原因和汇总表已更新。", "  Refreshed: lights, reasons and summary sheets updated."))
    else:
        click.echo(pick(lang, "  （此版本尚不能刷新；刷新功能就绪后将自动运行。）",
                        "  (refresh is not available in this build yet; it will run here once it is.)"))
    if res.report is not None:
        click.echo(_summary(res.report, lang))
    for f in res.files[1:]:
        click.echo(pick(lang, "报告：{p}", "Report: {p}", p=f))
    click.echo(pick(lang, "打开工作簿查看，或运行：xltrack validate {p}", "Open the workbook, or run: xltrack validate {p}",
                    p=res.workbook))


def _summary(results, lang: str) -> str:
    """One line of headline KPIs from the report's totals."""
    t = (getattr(results, "kpis", None) or {}).get("totals", {})
    rate = t.get("win_rate")
    return pick(lang, "  进行中 {n} 个，金额 {a:,.0f}，加权 {w:,.0f}；红 {r} / 黄 {y} / 绿 {g}；赢率 {p}",
                "  open {n}, amount {a:,.0f}, weighted {w:,.0f}; red {r} / yellow {y} / green {g}; win rate {p}",
                n=t.get("open_count", 0), a=t.get("open_amount") or 0, w=t.get("weighted_amount") or 0,
                r=t.get("red", 0), y=t.get("yellow", 0), g=t.get("green", 0),
                p="—" if rate is None else f"{rate:.0%}")
