"""The mapping file (TOML): read with located errors, and written back (``--print-mapping``).

Format (every table optional)::

    target = "projects"          # projects | activities | payments (default: detected)
    sheet = "Opportunities"      # the source sheet (xlsx/xls/ods)
    encoding = "gb18030"         # CSV: auto | utf-8 | gb18030
    header_row = 1               # the source's header row (default: detected)
    date_order = "mdy"           # how to read 03/05/2026 in the source: mdy | dmy
    amount_unit = "万元"          # plain amounts in the source are in 元 | 万元 | 千

    [columns]                    # source header = field key (or "" to skip the column)
    "Opportunity Name" = "project"
    [stages]                     # source stage value = workbook stage (key or name)
    "Verbal Commit" = "negotiation"
    [owners]                     # source owner value = Config owner name
    "jane.doe@acme.com" = "张伟"
    [constants]                  # field = value for every row the source leaves blank
    created = "2026-01-01"

An unknown key or field is an error naming the file, the line and the key (exit 2).
"""
from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from ..errors import EXIT_USAGE, XltrackError
from ..i18n import pick
from ..pipeline import layout
from .mapping import TARGETS, UNITS, Mapping, field_names

_TOP = {"target", "sheet", "encoding", "header_row", "date_order", "amount_unit",
        "columns", "stages", "owners", "constants"}
_TABLES = {"columns", "stages", "owners", "constants"}


class MappingError(XltrackError):
    """A mapping file that cannot be used (exit 2, like a bad command line)."""

    exit_code = EXIT_USAGE


def _line_of(text: str, key: str, table: str | None) -> int:
    """The 1-based line where ``key`` is set (inside ``[table]`` when given); 1 if not found."""
    current = None
    pat = re.compile(r'^\s*(?:"((?:[^"\\]|\\.)*)"|\'([^\']*)\'|([A-Za-z0-9_\-]+))\s*=')
    for i, line in enumerate(text.splitlines(), start=1):
        s = line.strip()
        if s.startswith("["):
            current = s.strip("[] ").strip('"')
            continue
        m = pat.match(line)
        if m and current == table and (m.group(1) or m.group(2) or m.group(3)) == key:
            return i
    for i, line in enumerate(text.splitlines(), start=1):
        if key in line:
            return i
    return 1


def load_mapping(path: str | Path, *, lang: str = "zh", extras: dict[str, set[str]] | None = None) -> Mapping:
    """Read and check a mapping file. ``extras``: extra column headers of each target sheet."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as e:
        raise MappingError(pick(lang, "无法读取映射文件 {p}：{m}", "Cannot read the mapping file {p}: {m}",
                                p=path, m=e.strerror or e)) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise MappingError(pick(lang, "映射文件 {p} 不是有效的 TOML：{m}", "The mapping file {p} is not valid TOML: {m}",
                                p=path, m=e)) from None

    def bad(key: str, table: str | None, zh: str, en: str, **fmt: Any) -> MappingError:
        line = _line_of(text, key, table)
        return MappingError(f"{path}:{line}: " + pick(lang, zh, en, key=key, **fmt))

    for k in data:
        if k not in _TOP:
            raise bad(k, None, "未知的设置“{key}”（可用：{ok}）", "unknown setting “{key}” (known: {ok})",
                      ok=", ".join(sorted(_TOP)))
    for t in _TABLES:
        if t in data and not isinstance(data[t], dict):
            raise bad(t, None, "“{key}”必须是一个表 [{key}]", "“{key}” must be a table [{key}]")
    m = Mapping(source_file=str(path))
    target = data.get("target")
    if target is not None and target not in TARGETS:
        raise bad("target", None, "target 只能是 {ok}，不是“{v}”", "target must be one of {ok}, not “{v}”",
                  ok=" / ".join(TARGETS), v=target)
    m.target = target
    for k in ("sheet", "encoding"):
        if k in data:
            if not isinstance(data[k], str):
                raise bad(k, None, "“{key}”必须是文本", "“{key}” must be text")
            setattr(m, k, data[k])
    if m.encoding is not None and m.encoding not in ("auto", "utf-8", "gb18030", "gbk"):
        raise bad("encoding", None, "encoding 只能是 auto / utf-8 / gb18030", "encoding must be auto, utf-8 or gb18030")
    if "header_row" in data:
        if not isinstance(data["header_row"], int) or data["header_row"] < 1:
            raise bad("header_row", None, "header_row 必须是正整数", "header_row must be a positive whole number")
        m.header_row = data["header_row"]
    if "date_order" in data:
        if data["date_order"] not in ("mdy", "dmy"):
            raise bad("date_order", None, "date_order 只能是 mdy 或 dmy", "date_order must be mdy or dmy")
        m.date_order = data["date_order"]
    if "amount_unit" in data:
        unit = UNITS.get(str(data["amount_unit"]).strip().lower())
        if unit is None:
            raise bad("amount_unit", None, "amount_unit 只能是 元、万元 或 千", "amount_unit must be 元, 万元 or 千")
        m.amount_unit = unit
    targets = [m.target] if m.target else list(TARGETS)
    known: set[str] = set()
    for t in targets:
        sheet = layout().sheet(t)
        known |= set(field_names(sheet)) | (extras or {}).get(t, set())
        for c in sheet.columns:
            if not c.owned:
                known |= {c.zh, c.en}
    by_label = {}
    for t in targets:
        for c in layout().sheet(t).columns:
            if not c.owned:
                by_label.setdefault(c.zh, c.key)
                by_label.setdefault(c.en, c.key)
    fields_hint = ", ".join(sorted({k for t in targets for k in field_names(layout().sheet(t))}))
    for table in ("columns", "constants"):
        for src, value in data.get(table, {}).items():
            name = value if table == "columns" else src
            if table == "columns" and not isinstance(value, str):
                raise bad(src, table, "列“{key}”应映射到字段名（文本）", "column “{key}” must map to a field name (text)")
            if name == "" and table == "columns":
                m.columns[src] = ""
                continue
            if name not in known:
                raise bad(src, table, "未知字段“{f}”（字段：{ok}）", "unknown field “{f}” (fields: {ok})",
                          f=name, ok=fields_hint)
            name = by_label.get(name, name)
            if table == "columns":
                m.columns[src] = name
            else:
                m.constants[name] = value
    for table in ("stages", "owners"):
        for src, value in data.get(table, {}).items():
            if not isinstance(value, str) or not value.strip():
                raise bad(src, table, "“{key}”应映射到一个名称（文本）", "“{key}” must map to a name (text)")
            getattr(m, table)[src] = value.strip()
    return m


def _q(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def mapping_toml(m: Mapping, headers: list[str], fields: dict[int, str], *, stages: dict[str, str],
                 owners: dict[str, str], source: str) -> str:
    """A mapping file reproducing what the import used, to start one from (``--print-mapping``)."""
    out = [f"# xltrack import mapping for {source}", f"target = {_q(m.target or 'projects')}"]
    if m.sheet:
        out.append(f"sheet = {_q(m.sheet)}")
    if m.encoding:
        out.append(f"encoding = {_q(m.encoding)}")
    if m.header_row:
        out.append(f"header_row = {m.header_row}")
    if m.date_order:
        out.append(f"date_order = {_q(m.date_order)}")
    unit = {1.0: None, 10_000.0: "万元", 1_000.0: "千"}.get(m.amount_unit)
    if unit:
        out.append(f"amount_unit = {_q(unit)}")
    out.append("\n[columns]   # source header = field (\"\" skips the column)")
    for c, h in enumerate(headers):
        if h:
            out.append(f"{_q(h)} = {_q(fields.get(c, ''))}")
    for name, table in (("stages", stages), ("owners", owners)):
        out.append(f"\n[{name}]")
        out += [f"{_q(k)} = {_q(v)}" for k, v in table.items()]
    if m.constants:
        out.append("\n[constants]")
        out += [f"{k} = {_q(str(v))}" for k, v in m.constants.items()]
    return "\n".join(out) + "\n"
