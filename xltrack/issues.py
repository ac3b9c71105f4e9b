"""Data issues: every problem found in the workbook, located to its cell.

An :class:`Issue` is plain data. The catalog below is the one list of codes xltrack emits; each
code has a severity and a message template in zh and en. ``docs/issues.md`` documents every code
with an example (a test checks the two agree).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class Code:
    code: str
    severity: Severity
    zh: str   # message template, str.format fields: value, field, label, suggestion, extra…
    en: str
    doc: str  # one line for docs/issues.md


CATALOG: dict[str, Code] = {c.code: c for c in [
    Code("bad-date", "error", "无法识别的日期：{value}", "Not a date: {value}",
         "A date cell holds text or a number that is not a date in any accepted format."),
    Code("ambiguous-date", "warning", "日期 {value} 有歧义，按{order}理解为 {normalized}",
         "Ambiguous date {value}, read as {normalized} ({order})",
         "Day and month could be swapped; read with the configured date order."),
    Code("bad-amount", "error", "无法识别的金额：{value}", "Not an amount: {value}",
         "An amount cell holds text that is not a number or a known amount form."),
    Code("negative-amount", "warning", "金额为负数：{value}", "Negative amount: {value}",
         "Amounts are expected to be zero or positive."),
    Code("bad-probability", "error", "无法识别的赢率：{value}（应为 0–100% 之间）",
         "Not a probability: {value} (expected 0–100%)",
         "A probability that is not a number between 0 and 1 (or 0% and 100%)."),
    Code("bad-number", "error", "应为数字：{value}", "Not a number: {value}",
         "A numeric cell holds something that is not a number."),
    Code("unknown-stage", "error", "未知阶段：{value}{suggestion}", "Unknown stage: {value}{suggestion}",
         "The stage is not a stage name or alias on the Config sheet (a near miss gets a suggestion)."),
    Code("unknown-owner", "warning", "未知负责人：{value}{suggestion}", "Unknown owner: {value}{suggestion}",
         "The owner is not listed on the Config sheet (a near miss gets a suggestion)."),
    Code("unknown-activity-type", "warning", "未知沟通方式：{value}{suggestion}",
         "Unknown activity type: {value}{suggestion}",
         "The activity type is not listed on the Config sheet."),
    Code("duplicate-id", "error", "项目编号重复：{value}（与第 {other_row} 行相同）",
         "Duplicate project ID: {value} (same as row {other_row})",
         "Two project rows share an ID; both rows are kept."),
    Code("id-assigned", "warning", "项目编号为空，已分配 {normalized}", "Blank project ID, assigned {normalized}",
         "A project row had no ID; xltrack assigned a new one and writes it into the empty cell."),
    Code("missing-required", "error", "必填项为空：{label}", "Required field is empty: {label}",
         "A field the sheet requires (customer, stage, owner, activity date…) is empty."),
    Code("error-value", "error", "单元格是错误值 {value}", "Cell holds the error value {value}",
         "A cell (often a formula) holds #N/A, #REF!, #VALUE! or another error value."),
    Code("unknown-project", "error", "找不到项目编号 {value}", "No project with ID {value}",
         "An activity or payment refers to a project ID that is not on the Projects sheet."),
    Code("future-date", "warning", "日期在今天之后：{value}", "Date is in the future: {value}",
         "A date that should be in the past (activity, created, actual payment) is after the as-of date."),
    Code("missing-created", "warning", "进行中项目缺少创建日期，无法计算未跟进天数（按红线计）",
         "Open project has no created date: its age is unknown (counted as red)",
         "An open project with no created date and no follow-up cannot age; its light counts it red."),
    Code("date-order", "warning", "{label} 早于 {other_label}", "{label} is before {other_label}",
         "Two dates of a row are in an impossible order (e.g. expected close before created)."),
    Code("projects-elsewhere", "warning", "“{target}”表中没有项目，但“{value}”表{what}；若那是项目表，请将其改名为“{target}”",
         "No projects on “{target}”, but sheet “{value}” {what}; if that is your project list, rename it to “{target}”",
         "The Projects sheet is empty while another sheet has a project header or many rows: it is probably the real list."),
    Code("merge-conflict", "warning", "合并冲突（{copy}）：{label}在团队工作簿中为 {team}，副本中为 {copy_value}；保留团队的值",
         "Merge conflict ({copy}): {label} is {team} here and {copy_value} in the copy; the team's value is kept",
         "xltrack merge: a field changed both here and in a split copy since the split; nothing was overwritten."),
    Code("merge-deleted", "warning", "副本 {copy} 中删除了此行（{value}）；团队工作簿中仍保留，请确认",
         "Deleted in copy {copy} ({value}); kept here, please check",
         "xltrack merge: a row the split copy was given is gone from it; the row is flagged, not deleted."),
    Code("merge-moved", "warning", "{key} 已由 {old} 转给 {new}（副本 {copy}）",
         "{key} handed from {old} to {new} (copy {copy})",
         "xltrack merge: a project's owner was changed in a split copy; the row moves to the new owner."),
    Code("bad-config", "error", "设置错误：{value}", "Config error: {value}",
         "A cell on the Config sheet is invalid (reported with its address; the run stops with exit 3)."),
]}


@dataclass(slots=True)
class Issue:
    """One problem in one cell (or row) of the workbook."""

    code: str
    sheet: str             # the sheet's name as it is in the workbook
    cell: str              # "C12"; a whole row is "A12" of its first column
    field: str | None      # canonical field key (see DESIGN "Canonical names")
    value: Any             # the raw value as read
    message: str           # in the workbook's language
    severity: Severity = "error"
    normalized: Any = None
    suggestion: str | None = None
    row: int | None = None  # Excel row number (1-based)
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d.pop("extra")
        return d


def show(value: Any) -> str:
    """A value as a person would write it in a message: 5000 not 5000.0, dates as 2026-03-05."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ") if value.time() != dt.time() else value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return "" if value is None else str(value)


def make_issue(code: str, lang: str, *, sheet: str, cell: str, field: str | None, value: Any,
               row: int | None = None, normalized: Any = None, suggestion: str | None = None,
               **fmt: Any) -> Issue:
    """Build an issue from the catalog, formatting its message in ``lang``."""
    c = CATALOG[code]
    sug_text = ""
    if suggestion:
        sug_text = (f"，是否为“{suggestion}”？" if lang == "zh" else f" (did you mean “{suggestion}”?)")
    args = {"value": show(value), "normalized": show(normalized), "suggestion": sug_text, "field": field,
            "label": fmt.get("label", field), **fmt}
    template = c.zh if lang == "zh" else c.en
    return Issue(code=code, sheet=sheet, cell=cell, field=field, value=value,
                 message=template.format(**args), severity=c.severity, normalized=normalized,
                 suggestion=suggestion, row=row)
