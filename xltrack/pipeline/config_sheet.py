"""The Config (设置) sheet: the pipeline as cells a manager edits in Excel, and the way back.

Once a workbook exists its Config sheet is the source of truth for the pipeline. This module
defines the sheet's layout once and is used in both directions:

* :func:`config_layout` / :func:`config_grid` — where every value goes (the workbook builder
  writes the grid and styles it; the drop-down lists' defined names point into it);
* :func:`pipeline_from_grid` — the cells read back (by any reader: a grid of raw values, row 0 =
  Excel row 1, column 0 = column A) into a validated :class:`~xltrack.pipeline.models.Pipeline`,
  or a :class:`~xltrack.errors.ConfigError` listing every bad cell by address
  ("设置!G12: 阈值必须是正整数"); the parsing lives in :mod:`.config_read`.

Layout (zh labels shown; the en workbook uses the English labels; both are recognised when reading;
rows are those of the default pipeline — each block reserves blank rows for more entries)::

    A1   title                         A2  one-line note on how to edit
    A4   【常规设置】 header row (项目 | 值 | 说明), then one row per setting:
         团队 team · 币种 currency · 日期顺序 date order ("mdy"/"dmy")
    A10  【阶段】 header row 11, stages from row 12 (reserved to row 24):
         顺序 order · 阶段名称 zh · 英文名称 en · 编号 key · 类型 kind (进行中/赢单/输单/搁置) ·
         默认赢率 probability · 未跟进黄灯(天) · 未跟进红灯(天) · 阶段停留黄灯(天) · 阶段停留红灯(天) ·
         必填字段 required · 进入里程碑 entry · 积分 points · 别名 aliases
    A26  【跟进方式】 header row 27, from row 28: 名称 zh · 英文名称 en · 编号 key · 别名 aliases
    A41  【负责人】 header row 42, from row 43: 姓名 · 别名 · 团队 · 邮箱 · 角色 · 手机 · 用户ID
         (last: it grows the most, without limit; a workbook written before 角色/手机/用户ID existed
         reads with those empty)

In the en workbook the English name column comes first (it feeds the drop-down lists).

Reading is by meaning, not by position: a block starts at the cell in column A whose text is the
block title (brackets, case and spaces ignored, zh or en); its header row is the next non-blank
row and columns are matched by header label (zh or en), so a manager may insert rows inside a
block, reorder or add note columns. A block ends at the next block title. Blank rows are skipped.
Lists (aliases, required fields, entry milestones) are separated by 、 , ， ; ； or newlines;
required fields and milestones are written as the Projects column labels of the workbook's
language and read back as canonical keys (labels in either language, aliases, or keys); a name
that is no Projects column is kept as written (the exact header of an extra user column).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..i18n import pick
from .defaults import layout
from .models import ActivityType, Owner, Pipeline, Stage
from ..cellref import col_letter


# -- the layout, as data ------------------------------------------------------------------------

@dataclass(frozen=True)
class Field:
    key: str
    zh: str
    en: str
    kind: str = "text"   # text | int | threshold | percent | number | kind | fields | list
    width: float = 12
    help_zh: str = ""
    help_en: str = ""
    aliases: tuple[str, ...] = ()

    def label(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


@dataclass(frozen=True)
class Block:
    key: str
    zh: str
    en: str
    fields: tuple[Field, ...]
    capacity: int   # rows reserved for entries (more may be inserted by the manager)

    def ordered(self, lang: str) -> tuple[Field, ...]:
        """Fields in sheet order: the workbook language's name column comes first."""
        if lang == "zh":
            return self.fields
        fs = list(self.fields)
        keys = [f.key for f in fs]
        if "zh" in keys and "en" in keys:
            i, j = keys.index("zh"), keys.index("en")
            fs[i], fs[j] = fs[j], fs[i]
        return tuple(fs)

    def title(self, lang: str) -> str:
        return f"【{self.zh}】" if lang == "zh" else f"[{self.en}]"


SETTINGS = Block("settings", "常规设置", "Settings", (
    Field("item", "项目", "Item", width=14),
    Field("value", "值", "Value", width=14),
    Field("note", "说明", "Note", width=12),
), capacity=3)

SETTING_ROWS = (   # key, zh, en, help zh, help en
    ("team", "团队", "Team", "团队名称（显示在看板和邮件中）。", "Team name (shown on the dashboard and in emails)."),
    ("currency", "币种", "Currency", "金额的币种代码，如 CNY、USD。", "Currency code of amounts, e.g. CNY, USD."),
    ("date_order", "日期顺序", "Date order",
     "有歧义的日期（如 03/05/2026）按 mdy（月/日/年）或 dmy（日/月/年）理解。",
     "How to read an ambiguous date such as 03/05/2026: mdy (month first) or dmy (day first)."),
)

_THRESH_ZH = "天数；留空表示不因此亮灯。"
_THRESH_EN = "Days; blank means never raises the light."
STAGES = Block("stages", "阶段", "Stages", (
    Field("order", "顺序", "Order", "int", 6, "阶段先后顺序（1 最早）。", "Order of the stage (1 = first)."),
    Field("zh", "阶段名称", "Chinese name", "text", 12, "阶段的中文名称（中文工作簿的下拉列表来自此列）。",
          "The stage's Chinese name.", ("中文名称", "中文名", "name (zh)")),
    Field("en", "英文名称", "Stage", "text", 12, "阶段的英文名称。",
          "The stage's name (the drop-down list comes from this column).", ("English name", "name (en)", "英文名")),
    Field("key", "编号", "Key", "text", 11, "阶段的固定编号（英文），报告与接口使用，请勿修改。",
          "The stage's fixed key, used in reports and the API; do not change."),
    Field("kind", "类型", "Kind", "kind", 9, "进行中 / 赢单 / 输单 / 搁置。", "open / won / lost / hold."),
    Field("probability", "默认赢率", "Probability", "percent", 11, "该阶段的默认赢率。",
          "The stage's default win probability."),
    Field("idle_yellow", "未跟进黄灯(天)", "Idle yellow (days)", "threshold", 14,
          "未跟进达到这么多天亮黄灯；" + _THRESH_ZH, "Idle this many days → yellow. " + _THRESH_EN),
    Field("idle_red", "未跟进红灯(天)", "Idle red (days)", "threshold", 14,
          "未跟进达到这么多天亮红灯；" + _THRESH_ZH, "Idle this many days → red. " + _THRESH_EN),
    Field("stage_yellow", "阶段停留黄灯(天)", "In stage yellow (days)", "threshold", 16,
          "在本阶段停留达到这么多天亮黄灯；" + _THRESH_ZH, "In the stage this many days → yellow. " + _THRESH_EN),
    Field("stage_red", "阶段停留红灯(天)", "In stage red (days)", "threshold", 16,
          "在本阶段停留达到这么多天亮红灯；" + _THRESH_ZH, "In the stage this many days → red. " + _THRESH_EN),
    Field("required", "必填字段", "Required fields", "fields", 22,
          "处于该阶段时必须填写的列（用、分隔）。", "Columns that must be filled in this stage (comma separated)."),
    Field("entry", "进入里程碑", "Entry milestones", "fields", 18,
          "哪个里程碑日期表示进入了该阶段（第一个有值的生效）。",
          "Which milestone date marks entering the stage (the first filled one counts)."),
    Field("points", "积分", "Points", "number", 6, "项目推进到该阶段时负责人获得的积分。",
          "Points the owner earns when a project advances into this stage."),
    Field("aliases", "别名", "Aliases", "list", 36, "也认作该阶段的写法（用、分隔）。",
          "Other spellings recognised as this stage (comma separated)."),
), capacity=12)

ACTIVITY_TYPES = Block("activity_types", "跟进方式", "Activity types", (
    Field("zh", "名称", "Chinese name", "text", 12, "中文名称（中文工作簿的下拉列表来自此列）。",
          "The Chinese name.", ("中文名称", "中文名", "name (zh)")),
    Field("en", "英文名称", "Name", "text", 12, "英文名称。",
          "The name (the drop-down list comes from this column).", ("English name", "name (en)", "英文名")),
    Field("key", "编号", "Key", "text", 11, "固定编号（英文），请勿修改。", "Fixed key; do not change."),
    Field("aliases", "别名", "Aliases", "list", 36, "也认作该方式的写法（用、分隔）。",
          "Other spellings recognised as this type (comma separated)."),
), capacity=12)

OWNERS = Block("owners", "负责人", "Owners", (
    Field("name", "姓名", "Name", "text", 12, "负责人姓名（下拉列表即来自此列）。",
          "The owner's name (the drop-down list comes from this column)."),
    Field("aliases", "别名", "Aliases", "list", 36, "也认作此人的写法，如英文名、昵称（用、分隔）。",
          "Other spellings of this person, e.g. a nickname (comma separated)."),
    Field("team", "团队", "Team", "text", 14, "所属团队（可选）。", "Team (optional)."),
    Field("email", "邮箱", "Email", "text", 26, "邮箱（可选，用于每日邮件）。", "Email (optional, for the nightly mail)."),
    Field("role", "角色", "Role", "text", 10, "角色（可选），如 组长、主管；组长会收到本组的汇总与提醒。",
          "Role (optional), e.g. team lead or manager; a team lead receives the team's summary and alerts.",
          ("职务", "岗位", "职位", "title", "position")),
    Field("mobile", "手机", "Mobile", "text", 14, "手机号（可选，用于群机器人 @ 提醒）。",
          "Mobile number (optional, for @-mentions by the group robots).",
          ("手机号", "手机号码", "电话", "mobile number", "phone", "cell")),
    Field("user_id", "用户ID", "User ID", "text", 16,
          "企业微信 userid、钉钉 userId 或飞书 open_id（可选，用于群机器人 @ 提醒）。",
          "WeCom userid, DingTalk userId or Feishu open_id (optional, for robot @-mentions).",
          ("用户编号", "userid", "user id", "open_id", "账号")),
), capacity=100)

BLOCKS = (SETTINGS, STAGES, ACTIVITY_TYPES, OWNERS)

KIND_LABELS = {"open": ("进行中", "open"), "won": ("赢单", "won"), "lost": ("输单", "lost"), "hold": ("搁置", "hold")}
DATE_ORDER_ALIASES = {"mdy": ("mdy", "月/日/年", "m/d/y"), "dmy": ("dmy", "日/月/年", "d/m/y")}
LIST_SEP = "、"


@dataclass
class BlockPos:
    block: Block
    title_row: int   # 1-based Excel rows
    header_row: int
    first_row: int
    last_row: int    # last reserved row
    cols: dict[str, int] = field(default_factory=dict)  # field key -> 1-based column


@dataclass
class ConfigLayout:
    lang: str
    title_row: int
    blocks: dict[str, BlockPos]

    @property
    def width(self) -> int:
        return max(max(p.cols.values()) for p in self.blocks.values())


def config_layout(pipeline: Pipeline, lang: str) -> ConfigLayout:
    """Where each block of the Config sheet sits for this pipeline (capacities grow with it)."""
    rows = {"settings": len(SETTING_ROWS), "stages": len(pipeline.stages),
            "activity_types": len(pipeline.activity_types), "owners": len(pipeline.owners)}
    blocks: dict[str, BlockPos] = {}
    r = 4
    for b in BLOCKS:
        n = rows[b.key] if b.key == "settings" else max(b.capacity, rows[b.key] + b.capacity // 2)
        pos = BlockPos(b, r, r + 1, r + 2, r + 1 + n, {f.key: i + 1 for i, f in enumerate(b.ordered(lang))})
        blocks[b.key] = pos
        r = pos.last_row + 2
    return ConfigLayout(lang, 1, blocks)


# -- writing --------------------------------------------------------------------------------

def _project_labels() -> dict[str, tuple[str, str]]:
    return {c.key: (c.zh, c.en) for c in layout().sheet("projects").columns}


def _fields_text(keys: list[str], lang: str) -> str:
    labels = _project_labels()
    out = [labels[k][0 if lang == "zh" else 1] if k in labels else k for k in keys]
    return (LIST_SEP if lang == "zh" else ", ").join(out)


def _list_text(items: list[str], lang: str) -> str:
    return (LIST_SEP if lang == "zh" else ", ").join(items)


def _stage_row(s: Stage, lang: str) -> dict[str, Any]:
    return {"order": s.order, "zh": s.zh, "en": s.en, "key": s.key,
            "kind": KIND_LABELS[s.kind][0 if lang == "zh" else 1], "probability": s.probability,
            "idle_yellow": s.idle_yellow, "idle_red": s.idle_red, "stage_yellow": s.stage_yellow,
            "stage_red": s.stage_red, "required": _fields_text(s.required, lang),
            "entry": _fields_text(s.entry, lang), "points": s.points, "aliases": _list_text(s.aliases, lang)}


def _type_row(t: ActivityType, lang: str) -> dict[str, Any]:
    return {"zh": t.zh, "en": t.en, "key": t.key,
            "aliases": _list_text(t.aliases, lang)}


def _owner_row(o: Owner, lang: str) -> dict[str, Any]:
    return {"name": o.name, "aliases": _list_text(o.aliases, lang), "team": o.team, "email": o.email,
            "role": o.role, "mobile": o.mobile, "user_id": o.user_id}


def config_grid(pipeline: Pipeline, lang: str, lay: ConfigLayout | None = None) -> list[list[Any]]:
    """The Config sheet's cell values (row 0 = Excel row 1); ``None`` for an empty cell."""
    lay = lay or config_layout(pipeline, lang)
    nrows = lay.blocks["owners"].last_row
    grid: list[list[Any]] = [[None] * lay.width for _ in range(nrows)]

    def put(r: int, c: int, v: Any) -> None:
        grid[r - 1][c - 1] = v

    put(1, 1, pick(lang, "设置 — 销售流程配置", "Config — the sales pipeline"))
    put(2, 1, pick(lang, "xltrack 每次运行都从本表读取阶段、阈值、跟进方式和负责人。可修改内容或在区块内插入行；"
                         "请保留【】标题行和表头。",
                   "xltrack reads stages, thresholds, activity types and owners from this sheet on every run. "
                   "Edit values or insert rows inside a block; keep the [bracketed] titles and header rows."))
    settings = {"team": pipeline.team, "currency": pipeline.currency, "date_order": pipeline.date_order}
    rows_for = {
        "stages": [_stage_row(s, lang) for s in pipeline.stages],
        "activity_types": [_type_row(t, lang) for t in pipeline.activity_types],
        "owners": [_owner_row(o, lang) for o in pipeline.owners],
    }
    for key, pos in lay.blocks.items():
        put(pos.title_row, 1, pos.block.title(lang))
        for f in pos.block.fields:
            put(pos.header_row, pos.cols[f.key], f.label(lang))
        if key == "settings":
            for i, (k, zh, en, hzh, hen) in enumerate(SETTING_ROWS):
                r = pos.first_row + i
                put(r, 1, zh if lang == "zh" else en)
                put(r, 2, settings[k] if settings[k] != "" else None)
                put(r, 3, hzh if lang == "zh" else hen)
            continue
        for i, row in enumerate(rows_for[key]):
            for k, v in row.items():
                put(pos.first_row + i, pos.cols[k], None if v in ("", None) else v)
    return grid


def pipeline_from_grid(grid: list[list[Any]], *, sheet_name: str, lang: str) -> Pipeline:
    """Read the Config sheet's cells back into a :class:`Pipeline` (see :mod:`.config_read`).

    ``grid[r][c]`` is the value of Excel row ``r + 1``, column ``c + 1`` (from A1; e.g.
    ``python_calamine`` ``sheet.to_python(skip_empty_area=False)``). Every bad cell is collected;
    if there is any, :class:`~xltrack.errors.ConfigError` is raised with one located message each.
    """
    from .config_read import read_pipeline

    return read_pipeline(grid, sheet_name=sheet_name, lang=lang)
