"""Reading the Config (设置) sheet back into a :class:`~xltrack.pipeline.models.Pipeline`.

The layout (blocks, fields, labels) is defined in :mod:`.config_sheet`; this module finds the
blocks by their titles, maps header labels (zh or en), parses each cell and collects every
problem with its address, so a manager sees all bad cells at once ("设置!G12: 阈值必须是正整数…").
"""
from __future__ import annotations

import re
import unicodedata
from typing import Any

from pydantic import ValidationError

from ..errors import ConfigError
from ..i18n import pick
from .config_sheet import (ACTIVITY_TYPES, BLOCKS, DATE_ORDER_ALIASES, KIND_LABELS, OWNERS, SETTING_ROWS,
                           SETTINGS, STAGES, Block, col_letter)
from .defaults import layout
from .models import ActivityType, Owner, Pipeline, Stage

_SPLIT = re.compile(r"[、,，;；\n\r]+")
_MOBILE = re.compile(r"\+?[\d\s()\-]{5,20}")


def _norm(v: Any) -> str:
    s = unicodedata.normalize("NFKC", str(v)).strip().casefold()
    return re.sub(r"[\s【】\[\]()（）:：]+", "", s)


def _blank(v: Any) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


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
            if not isinstance(v, str) and x > 1:
                # a number cell above 1 in a percent column: 1.5 is shown as 150%. Reading it as
                # 1.5% would silently change every weighted amount: say so instead.
                self.bad(r, c, "{x:g} 显示为 {p:g}%，超出 0%–100%；请输入如 60% 的百分比",
                         "{x:g} is shown as {p:g}%, outside 0%–100%; enter a percentage such as 60%",
                         x=x, p=x * 100)
                return False, None
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
    seen_names: set[str] = set()
    placed: list[tuple[int, int, list[str], list[str]]] = []
    for n, (r, cols, v) in enumerate(rd.rows(STAGES, *span, need=("zh", "en")), start=1):
        before = len(rd.problems)
        names = _names(rd, r, cols, v, "阶段名称不能为空", "the stage needs a name")
        if names is None:
            continue
        for lang_key in ("zh", "en"):
            if _norm(names[lang_key]) in seen_names and lang_key in cols:
                rd.bad(r, cols[lang_key], "阶段名称“{x}”重复", "stage name “{x}” is used twice", x=names[lang_key])
        seen_names.update({_norm(names["zh"]), _norm(names["en"])})
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
            shown = names["en"] if rd.lang == "en" else names["zh"]     # the name in the workbook's language first
            placed.append((r, cols.get("aliases", 1), [shown, names["zh"], names["en"], key], out[-1].aliases))
        except ValidationError as e:
            rd.bad(r, 1, "阶段无效：{m}", "invalid stage: {m}", m=e.errors()[0]["msg"])
    seen: dict[str, Stage] = {}
    for s in out:
        if s.key in seen:
            rd.problems.append(pick(rd.lang, "{s}: 阶段编号“{k}”重复", "{s}: stage key “{k}” is used twice",
                                    s=rd.sheet, k=s.key))
        seen[s.key] = s
    _check_aliases(rd, placed, "阶段", "stage")
    return out


def _check_aliases(rd: _Reader, placed: list[tuple[int, int, list[str], list[str]]], zh: str, en: str) -> None:
    """An alias must name one entry only: not another entry's name, not an alias of another entry
    (else every row typed with it would silently move to the wrong stage or owner)."""
    names: dict[str, str] = {}
    for _, _, own, _ in placed:
        for n in own:
            names.setdefault(_norm(n), own[0])
    given: dict[str, str] = {}
    for r, c, own, aliases in placed:
        mine = {_norm(n) for n in own}
        for a in aliases:
            k = _norm(a)
            if k in mine:
                continue
            if k in names:
                rd.bad(r, c, "别名“{a}”是另一个{w}“{o}”的名称", "alias “{a}” is the name of another {w2}, “{o}”",
                       a=a, w=zh, w2=en, o=names[k])
            elif k in given and given[k] != own[0]:
                rd.bad(r, c, "别名“{a}”同时属于{w}“{o}”和“{m}”", "alias “{a}” is given to two {w2}s, “{o}” and “{m}”",
                       a=a, w=zh, w2=en, o=given[k], m=own[0])
            else:
                given[k] = own[0]


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
    placed: list[tuple[int, int, list[str], list[str]]] = []
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
        mobile = rd.text(v.get("mobile"))
        if mobile and not _MOBILE.fullmatch(unicodedata.normalize("NFKC", mobile)):
            rd.bad(r, cols["mobile"], "手机号格式不正确：{m}", "not a mobile number: {m}", m=mobile)
            continue
        out.append(Owner(name=name, aliases=_split(v.get("aliases")), team=rd.text(v.get("team")), email=email,
                         role=rd.text(v.get("role")), mobile=mobile, user_id=rd.text(v.get("user_id"))))
        placed.append((r, cols.get("aliases", cols["name"]), [name], out[-1].aliases))
    _check_aliases(rd, placed, "负责人", "owner")
    return out


def read_pipeline(grid: list[list[Any]], *, sheet_name: str, lang: str) -> Pipeline:
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


def owner_block_end(grid: list[list[Any]], *, sheet_name: str, lang: str) -> tuple[int, dict[str, int]] | None:
    """Where new owners go on the Config sheet: (the last row of the owner block holding a name,
    or its header row; the block's columns by field key), or None without an owner block."""
    rd = _Reader([list(row) for row in grid], sheet_name, lang)
    span = rd.find_blocks().get("owners")
    if span is None:
        return None
    head = rd.header(OWNERS, *span)
    if head is None or "name" not in head[1]:
        return None
    hr, cols = head
    last = hr
    for r in range(hr + 1, span[1]):
        if not _blank(rd.cell(r, cols["name"])):
            last = r
    return last, cols
