"""The Config (设置) sheet: the pipeline as cells a manager edits in Excel, and the way back.

Once a workbook exists its Config sheet is the source of truth for the pipeline. This module
defines the sheet's layout once and is used in both directions:

* :func:`config_layout` / :func:`config_grid` — where every value goes (the workbook builder
  writes the grid and styles it; the drop-down lists' defined names point into it);
* :func:`pipeline_from_grid` — the cells read back (by any reader: a grid of raw values, row 0 =
  Excel row 1, column 0 = column A) into a validated :class:`~xltrack.pipeline.models.Pipeline`,
  or a :class:`~xltrack.errors.ConfigError` listing every bad cell by address
  ("设置!G12: 阈值必须是正整数").

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
    A41  【负责人】 header row 42, from row 43: 姓名 · 别名 · 团队 · 邮箱 (last: it grows the most)

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

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from ..errors import ConfigError
from ..i18n import pick
from .defaults import layout
from .models import ActivityType, Owner, Pipeline, Stage


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
    Field("probability", "默认赢率", "Probability", "percent", 9, "该阶段的默认赢率。",
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
), capacity=100)

BLOCKS = (SETTINGS, STAGES, ACTIVITY_TYPES, OWNERS)

KIND_LABELS = {"open": ("进行中", "open"), "won": ("赢单", "won"), "lost": ("输单", "lost"), "hold": ("搁置", "hold")}
DATE_ORDER_ALIASES = {"mdy": ("mdy", "月/日/年", "m/d/y"), "dmy": ("dmy", "日/月/年", "d/m/y")}
LIST_SEP = "、" 
_SPLIT = re.compile(r"[、,，;；\n\r]+")


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
    return {"name": o.name, "aliases": _list_text(o.aliases, lang), "team": o.team, "email": o.email}


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


# -- reading --------------------------------------------------------------------------------

def _norm(v: Any) -> str:
    s = unicodedata.normalize("NFKC", str(v)).strip().casefold()
    return re.sub(r"[\s【】\[\]()（）:：]+", "", s)


def _blank(v: Any) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def col_letter(c: int) -> str:
    """1-based column number → Excel letters (1 → A, 27 → AA)."""
    s = ""
    while c:
        c, r = divmod(c - 1, 26)
        s = chr(65 + r) + s
    return s


class _Reader:
    def __init__(self, grid: list[list[Any]], sheet_name: str, lang: str):
        self.grid, self.sheet, self.lang = grid, sheet_name, lang
        self.problems: list[str] = []

    def cell(self, r: int, c: int) -> Any:   # 1-based
        if r - 1 < len(self.grid) and c - 1 < len(self.grid[r - 1]):
            return self.grid[r - 1][c - 1]
        return None

    def addr(self, r: int, c: int) -> str:
        return f"{self.sheet}!{col_letter(c)}{r}"

    def bad(self, r: int, c: int, zh: str, en: str, **fmt: Any) -> None:
        self.problems.append(f"{self.addr(r, c)}: {pick(self.lang, zh, en, **fmt)}")

    # block discovery
    def find_blocks(self) -> dict[str, tuple[int, int]]:
        """block key → (title row, end row exclusive)."""
        names = {_norm(n): b.key for b in BLOCKS for n in (b.zh, b.en)}
        found: list[tuple[int, str]] = []
        for i, row in enumerate(self.grid):
            if row and not _blank(row[0]) and _norm(row[0]) in names and str(row[0]).strip()[:1] in "【[":
                found.append((i + 1, names[_norm(row[0])]))
        spans: dict[str, tuple[int, int]] = {}
        for j, (r, key) in enumerate(found):
            end = found[j + 1][0] if j + 1 < len(found) else len(self.grid) + 1
            if key in spans:
                self.bad(r, 1, "重复的区块“{t}”", "Duplicate block “{t}”", t=self.cell(r, 1))
                continue
            spans[key] = (r, end)
        return spans

    def header(self, block: Block, start: int, end: int) -> tuple[int, dict[str, int]] | None:
        for r in range(start + 1, end):
            row = self.grid[r - 1]
            if all(_blank(v) for v in row):
                continue
            by_label: dict[str, str] = {}
            for f in block.fields:
                for lab in (f.zh, f.en, *f.aliases):
                    by_label[_norm(lab)] = f.key
            cols: dict[str, int] = {}
            for c, v in enumerate(row, start=1):
                if not _blank(v) and _norm(v) in by_label:
                    cols.setdefault(by_label[_norm(v)], c)
            return r, cols
        return None

    def rows(self, block: Block, start: int, end: int, need: tuple[str, ...]):
        """Yield (row, cols, values) of the block's entries; ``need``: at least one of these columns."""
        head = self.header(block, start, end)
        if head is None:
            self.bad(start, 1, "“{t}”区块下缺少表头行", "No header row under “{t}”", t=block.title(self.lang))
            return
        hr, cols = head
        missing = [f for f in block.fields if f.key in need]
        if not any(f.key in cols for f in missing):
            self.bad(hr, 1, "“{t}”区块缺少列：{m}", "Block “{t}” lacks the column(s): {m}", t=block.title(self.lang),
                     m=" / ".join(f.label(self.lang) for f in missing))
            return
        for r in range(hr + 1, end):
            vals = {k: self.cell(r, c) for k, c in cols.items()}
            if all(_blank(v) for v in vals.values()):
                continue
            yield r, cols, vals

    # value parsers: each returns (ok, value)
    def text(self, v: Any) -> str | None:
        if _blank(v):
            return None
        if isinstance(v, float) and v.is_integer():
            v = int(v)
        return str(v).strip()

    def whole(self, r: int, c: int, v: Any, *, positive: bool, zh: str, en: str) -> tuple[bool, int | None]:
        if _blank(v):
            return True, None
        x: Any = v
        if isinstance(x, str):
            try:
                x = float(unicodedata.normalize("NFKC", x).strip())
            except ValueError:
                x = None
        if isinstance(x, bool) or not isinstance(x, (int, float)) or not float(x).is_integer() \
                or (positive and x <= 0):
            self.bad(r, c, zh, en)
            return False, None
        return True, int(x)

    def number(self, r: int, c: int, v: Any, zh: str, en: str, *, percent: bool = False) -> tuple[bool, float | None]:
        if _blank(v):
            return True, None
        x: Any = v
        pct = False
        if isinstance(x, str):
            s = unicodedata.normalize("NFKC", x).strip()
            if percent and s.endswith("%"):
                s, pct = s[:-1], True
            try:
                x = float(s)
            except ValueError:
                x = None
        if isinstance(x, bool) or not isinstance(x, (int, float)):
            self.bad(r, c, zh, en)
            return False, None
        x = float(x)
        if percent:
            if pct or 1 < x <= 100:
                x = x / 100
            if not 0 <= x <= 1:
                self.bad(r, c, zh, en)
                return False, None
        return True, x


def _split(v: Any) -> list[str]:
    if _blank(v):
        return []
    return [p.strip() for p in _SPLIT.split(str(v)) if p.strip()]


def _field_keys(v: Any) -> list[str]:
    by: dict[str, str] = {}
    for c in layout().sheet("projects").columns:
        for n in (c.key, c.zh, c.en, *c.aliases):
            by.setdefault(_norm(n), c.key)
    return [by.get(_norm(p), p) for p in _split(v)]


def _slug(*names: str | None) -> str | None:
    for n in names:
        if n:
            s = re.sub(r"[^a-z0-9]+", "_", n.casefold()).strip("_")
            if s and s.isascii():
                return s
    return None


def _names(rd: _Reader, r: int, cols: dict[str, int], v: dict[str, Any], zh: str, en: str) -> dict | None:
    """zh and en names of an entry; one missing borrows the other."""
    names = {"zh": rd.text(v.get("zh")), "en": rd.text(v.get("en"))}
    if not names["zh"] and not names["en"]:
        rd.bad(r, cols.get(rd.lang, min(cols.values())), zh, en)
        return None
    return {"zh": names["zh"] or names["en"], "en": names["en"] or names["zh"]}


def _read_settings(rd: _Reader, span: tuple[int, int]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    labels = {_norm(n): k for k, zh, en, *_ in SETTING_ROWS for n in (k, zh, en)}
    head = rd.header(SETTINGS, *span)
    if head is None:
        return out
    hr, cols = head
    vc = cols.get("value", 2)
    for r in range(hr + 1, span[1]):
        label = rd.cell(r, 1)
        if _blank(label) or _norm(label) not in labels:
            continue
        key, v = labels[_norm(label)], rd.cell(r, vc)
        if key == "date_order":
            if _blank(v):
                continue
            hit = [k for k, names in DATE_ORDER_ALIASES.items() if _norm(v) in {_norm(n) for n in names}]
            if hit:
                out[key] = hit[0]
            else:
                rd.bad(r, vc, "日期顺序只能是 mdy 或 dmy", "date order must be mdy or dmy")
        elif key == "currency":
            t = rd.text(v)
            if t:
                out[key] = t.upper()
        else:
            out[key] = rd.text(v) or ""
    return out


_POS_INT = ("阈值必须是正整数（天数），或留空", "threshold must be a positive whole number of days, or blank")


def _read_stages(rd: _Reader, span: tuple[int, int]) -> list[Stage]:
    kinds = {_norm(n): k for k, names in KIND_LABELS.items() for n in names}
    out: list[Stage] = []
    for n, (r, cols, v) in enumerate(rd.rows(STAGES, *span, need=("zh", "en")), start=1):
        before = len(rd.problems)
        names = _names(rd, r, cols, v, "阶段名称不能为空", "the stage needs a name")
        if names is None:
            continue
        ok, order = rd.whole(r, cols.get("order", 1), v.get("order"), positive=False,
                             zh="顺序必须是整数", en="order must be a whole number")
        kind_raw = v.get("kind")
        kind = "open"
        if not _blank(kind_raw):
            kind = kinds.get(_norm(kind_raw), "")
            if not kind:
                rd.bad(r, cols["kind"], "类型只能是 进行中/赢单/输单/搁置", "kind must be open, won, lost or hold")
        _, prob = rd.number(r, cols.get("probability", 1), v.get("probability"),
                            "默认赢率必须是 0%–100% 之间的数", "probability must be between 0% and 100%", percent=True)
        th: dict[str, int | None] = {}
        for k in ("idle_yellow", "idle_red", "stage_yellow", "stage_red"):
            _, th[k] = rd.whole(r, cols.get(k, 1), v.get(k), positive=True, zh=_POS_INT[0], en=_POS_INT[1])
        for y, red in (("idle_yellow", "idle_red"), ("stage_yellow", "stage_red")):
            if th[y] is not None and th[red] is not None and th[y] > th[red]:
                rd.bad(r, cols[red], "红灯天数（{b}）不能小于黄灯天数（{a}）",
                       "the red threshold ({b}) must not be below the yellow one ({a})", a=th[y], b=th[red])
        _, points = rd.number(r, cols.get("points", 1), v.get("points"), "积分必须是数字", "points must be a number")
        if len(rd.problems) > before:
            continue
        key = rd.text(v.get("key")) or _slug(names["en"], names["zh"]) or f"stage{n}"
        try:
            out.append(Stage(key=key, zh=names["zh"], en=names["en"], aliases=_split(v.get("aliases")),
                             order=order if order is not None else n, kind=kind, probability=prob or 0.0,
                             required=_field_keys(v.get("required")), entry=_field_keys(v.get("entry")),
                             points=points or 0, **th))
        except ValidationError as e:
            rd.bad(r, 1, "阶段无效：{m}", "invalid stage: {m}", m=e.errors()[0]["msg"])
    seen: dict[str, Stage] = {}
    for s in out:
        if s.key in seen:
            rd.problems.append(pick(rd.lang, "{s}: 阶段编号“{k}”重复", "{s}: stage key “{k}” is used twice",
                                    s=rd.sheet, k=s.key))
        seen[s.key] = s
    return out


def _read_types(rd: _Reader, span: tuple[int, int]) -> list[ActivityType]:
    out = []
    for n, (r, cols, v) in enumerate(rd.rows(ACTIVITY_TYPES, *span, need=("zh", "en")), start=1):
        names = _names(rd, r, cols, v, "跟进方式名称不能为空", "the activity type needs a name")
        if names is None:
            continue
        zh, en = names["zh"], names["en"]
        key = rd.text(v.get("key")) or _slug(en, zh) or f"type{n}"
        out.append(ActivityType(key=key, zh=zh, en=en, aliases=_split(v.get("aliases"))))
    return out


def _read_owners(rd: _Reader, span: tuple[int, int]) -> list[Owner]:
    out: list[Owner] = []
    seen: set[str] = set()
    for r, cols, v in rd.rows(OWNERS, *span, need=("name",)):
        name = rd.text(v.get("name"))
        if not name:
            rd.bad(r, cols["name"], "负责人姓名不能为空", "the owner needs a name")
            continue
        if name in seen:
            rd.bad(r, cols["name"], "负责人“{n}”重复", "owner “{n}” is listed twice", n=name)
            continue
        seen.add(name)
        email = rd.text(v.get("email"))
        if email and "@" not in email:
            rd.bad(r, cols["email"], "邮箱格式不正确：{e}", "not an email address: {e}", e=email)
            continue
        out.append(Owner(name=name, aliases=_split(v.get("aliases")), team=rd.text(v.get("team")), email=email))
    return out


def pipeline_from_grid(grid: list[list[Any]], *, sheet_name: str, lang: str) -> Pipeline:
    """Read the Config sheet's cells back into a :class:`Pipeline`.

    ``grid[r][c]`` is the value of Excel row ``r + 1``, column ``c + 1`` (from A1; e.g.
    ``python_calamine`` ``sheet.to_python(skip_empty_area=False)``). Every bad cell is collected;
    if there is any, :class:`ConfigError` is raised with one located message per problem.
    """
    rd = _Reader([list(row) for row in grid], sheet_name, lang)
    spans = rd.find_blocks()
    if "stages" not in spans:
        rd.problems.append(pick(lang, "{s}: 找不到“【阶段】”区块（A 列中的标题）",
                                "{s}: no “[Stages]” block (a title in column A)", s=sheet_name))
    data: dict[str, Any] = {}
    if "settings" in spans:
        data.update(_read_settings(rd, spans["settings"]))
    stages = _read_stages(rd, spans["stages"]) if "stages" in spans else []
    types = _read_types(rd, spans["activity_types"]) if "activity_types" in spans else []
    owners = _read_owners(rd, spans["owners"]) if "owners" in spans else []
    if not rd.problems:
        try:
            return Pipeline(stages=stages, activity_types=types, owners=owners, **data)
        except ValidationError as e:
            at = spans["stages"][0]
            for err in e.errors():
                rd.problems.append(f"{rd.addr(at, 1)}: " + pick(lang, "阶段设置无效：{m}", "invalid stages: {m}",
                                                               m=err["msg"].removeprefix("Value error, ")))
    raise ConfigError(pick(lang, "“{s}”表有 {n} 处错误，请修改后重试：", "The {s} sheet has {n} problem(s); fix and retry:",
                           s=sheet_name, n=len(rd.problems)), rd.problems)
