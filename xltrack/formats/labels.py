"""Labels and number formats shared by the table and HTML reports, in zh and en."""
from __future__ import annotations

from typing import Any

L: dict[str, tuple[str, str]] = {
    "title": ("销售管道报告", "Pipeline report"),
    "as_of": ("截至", "As of"),
    "period": ("统计期", "Period"),
    "week": ("本周", "This week"), "month": ("本月", "This month"), "quarter": ("本季度", "This quarter"),
    "totals": ("总览", "Totals"),
    "projects": ("项目数", "Projects"), "open_count": ("进行中", "Open"),
    "open_amount": ("进行中金额", "Open amount"), "weighted_amount": ("加权金额", "Weighted"),
    "won_count": ("赢单", "Won"), "won_amount": ("赢单金额", "Won amount"), "lost_count": ("输单", "Lost"),
    "hold_count": ("搁置", "On hold"), "win_rate": ("赢率", "Win rate"),
    "avg_cycle_days": ("平均成交周期(天)", "Avg cycle (days)"),
    "lights": ("红 / 黄 / 绿", "Red / yellow / green"), "overdue_next_steps": ("下一步逾期", "Next steps overdue"),
    "new": ("新增", "New"), "follow_ups": ("跟进次数", "Follow-ups"), "points": ("绩效积分", "Points"),
    "by_stage": ("阶段漏斗", "Funnel by stage"), "stage": ("阶段", "Stage"), "count": ("数量", "Count"),
    "amount": ("金额", "Amount"), "avg_days_in_stage": ("平均停留(天)", "Avg days in stage"),
    "avg_dwell_days": ("历史停留(天)", "Past dwell (days)"), "conversion": ("转化率", "Conversion"),
    "red": ("红", "Red"), "yellow": ("黄", "Yellow"),
    "by_owner": ("负责人", "By owner"), "owner": ("负责人", "Owner"), "no_owner": ("未识别负责人", "Unidentified owner"),
    "forecast": ("成交预测（按预计成交月份）", "Forecast by expected-close month"), "month_col": ("月份", "Month"),
    "collections": ("回款", "Collections"), "planned": ("计划", "Planned"), "collected": ("已回款", "Collected"),
    "rate": ("完成率", "Rate"), "overdue_amount": ("逾期金额", "Overdue amount"),
    "overdue_count": ("逾期笔数", "Overdue installments"), "max_overdue_days": ("最长逾期(天)", "Max overdue (days)"),
    "outstanding": ("未回款", "Outstanding"),
    "changes": ("本周变化", "Week-over-week changes"), "baseline": ("对比基准", "Baseline"),
    "no_baseline": ("暂无 7 天前的历史快照，下周起可对比。", "No History snapshot 7+ days old yet; changes start next week."),
    "advanced": ("推进", "Advanced"), "moved_back": ("回退", "Moved back"), "won": ("赢单", "Won"),
    "lost": ("输单", "Lost"), "slipped": ("成交日期推迟", "Close slipped"), "amount_changed": ("金额变化", "Amount changed"),
    "newly_red": ("新变红", "Newly red"),
    "issues": ("数据问题", "Data issues"), "error": ("错误", "Errors"), "warning": ("警告", "Warnings"),
    "risks": ("风险清单（前 {n} 项，共 {total} 项）", "Risk list (top {n} of {total})"),
    "light": ("状态灯", "Light"), "customer": ("客户", "Customer"), "reasons": ("原因", "Reasons"),
    "id": ("编号", "ID"), "none": ("无", "none"),
}
LIGHT_WORD = {"red": ("红", "red"), "yellow": ("黄", "yellow"), "green": ("绿", "green")}


def t(lang: str, key: str, **fmt: Any) -> str:
    zh, en = L[key]
    s = zh if lang == "zh" else en
    return s.format(**fmt) if fmt else s


def money(v: Any) -> str:
    return "—" if v is None else f"{v:,.0f}"


def pct(v: Any) -> str:
    return "—" if v is None else f"{v * 100:.0f}%"


def number(v: Any, digits: int = 0) -> str:
    if v is None:
        return "—"
    return f"{v:,.{digits}f}" if isinstance(v, float) else str(v)


# the columns of the risk list in the report (table and HTML): the stage sits next to the reasons
RISK_COLUMNS = ("id", "light", "customer", "owner", "stage", "amount", "reasons")


def stage_names(report: dict) -> dict:
    """Stage key → name in the report's language (from its ``by_stage``)."""
    return {s["stage"]: s["name"] for s in report.get("by_stage") or []}
