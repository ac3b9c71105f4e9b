"""The Config sheet: layout written by init, read back by pipeline_from_grid, errors located."""
from __future__ import annotations

import copy
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook

from xltrack.build.api import init
from xltrack.build.workbook import build_workbook
from xltrack.errors import EXIT_UNREADABLE, ConfigError
from xltrack.pipeline import default_pipeline
from xltrack.pipeline.config_sheet import config_grid, config_layout, pipeline_from_grid
from xltrack.pipeline.models import ActivityType, Owner, Pipeline, Stage


def grid_of(path: Path, sheet: str) -> list[list]:
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python(skip_empty_area=False)


def team_pipeline() -> Pipeline:
    p = default_pipeline()
    p.owners = [Owner(name="张伟", aliases=["Kevin", "小张"], team="华东组", email="kevin@example.com",
                      role="组长", mobile="13800138000", user_id="zhangwei"),
                Owner(name="李娜", mobile="+86 139-0013-9000"), Owner(name="O'Brien", team="Export", user_id="ou_7d8a6e")]
    p.stages[1].required.append("决策链")   # an extra user column named as a gate
    p.stages[1].idle_yellow = None
    return p


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_grid_round_trip(lang):
    p = team_pipeline()
    assert pipeline_from_grid(config_grid(p, lang), sheet_name="设置", lang=lang) == p


@pytest.mark.parametrize("lang,sheet", [("zh", "设置"), ("en", "Config")])
def test_workbook_round_trip(tmp_path, lang, sheet):
    """What init writes to the Config sheet reads back (through calamine) as the same pipeline."""
    path = init(tmp_path / "t.xlsx", lang=lang)
    got = pipeline_from_grid(grid_of(path, sheet), sheet_name=sheet, lang=lang)
    expected = default_pipeline()
    if lang == "en":
        expected.team = "Sales team 1"
    assert got == expected
    assert got.model_dump() == expected.model_dump()


def test_demo_workbook_round_trip_includes_owners(tmp_path):
    import datetime as dt
    from xltrack.build.demo_data import generate
    path = init(tmp_path / "d.xlsx", demo=True, rows=8, seed=3, as_of=dt.date(2026, 11, 27))
    got = pipeline_from_grid(grid_of(path, "设置"), sheet_name="设置", lang="zh")
    want = generate(rows=8, seed=3, as_of=dt.date(2026, 11, 27), pipeline=default_pipeline()).pipeline
    assert got == want and 8 <= len(got.owners) <= 12


def test_layout_positions_match_the_docstring():
    lay = config_layout(default_pipeline(), "zh")
    b = lay.blocks
    assert (b["settings"].title_row, b["stages"].title_row, b["activity_types"].title_row,
            b["owners"].title_row) == (4, 10, 26, 41)
    assert b["stages"].first_row == 12 and b["stages"].cols["idle_yellow"] == 7   # G12 = lead's idle yellow


def _bad(grid, lang="zh", sheet="设置") -> list[str]:
    with pytest.raises(ConfigError) as ei:
        pipeline_from_grid(grid, sheet_name=sheet, lang=lang)
    assert ei.value.exit_code == EXIT_UNREADABLE
    assert str(ei.value).splitlines()[1:] == ["  " + p for p in ei.value.problems]
    return ei.value.problems


def test_bad_cells_are_located_zh():
    g = config_grid(default_pipeline(), "zh")
    g[11][6] = "七天"      # G12 idle yellow
    g[12][7] = -3          # H13 idle red
    g[13][5] = "150%"      # F14 probability
    g[14][4] = "完成"      # E15 kind
    g[15][8], g[15][9] = 30, 20   # I16 > J16: yellow above red
    assert _bad(g) == [
        "设置!G12: 阈值必须是正整数（天数），或留空",
        "设置!H13: 阈值必须是正整数（天数），或留空",
        "设置!F14: 默认赢率必须是 0%–100% 之间的数",
        "设置!E15: 类型只能是 进行中/赢单/输单/搁置",
        "设置!J16: 红灯天数（20）不能小于黄灯天数（30）",
    ]


def test_bad_cells_are_located_en():
    g = config_grid(default_pipeline(), "en")
    g[11][6] = 2.5
    g[7][1] = "ymd"        # B8 date order
    assert _bad(g, "en", "Config") == ["Config!B8: date order must be mdy or dmy",
                                       "Config!G12: threshold must be a positive whole number of days, or blank"]


def test_duplicate_stage_name():
    g = config_grid(default_pipeline(), "zh")
    g[12][1] = "线索获取"        # B13: discovery renamed to the lead's name
    assert _bad(g) == ["设置!B13: 阶段名称“线索获取”重复"]


def test_owner_problems():
    p = default_pipeline()
    p.owners = [Owner(name="张伟"), Owner(name="李娜", email="lina@example.com")]
    g = config_grid(p, "zh")
    g[43][0] = "张伟"          # A44: the same name twice
    g[44][0], g[44][3] = "王芳", "wangfang#example.com"   # D45 not an email
    g[45][1] = "只有别名"        # B46: aliases but no name
    assert _bad(g) == ["设置!A44: 负责人“张伟”重复", "设置!D45: 邮箱格式不正确：wangfang#example.com",
                       "设置!A46: 负责人姓名不能为空"]


def test_owner_block_headers_and_columns():
    """Role, mobile and user id follow email in the owner block, with zh/en headers."""
    for lang, want in (("zh", ["姓名", "别名", "团队", "邮箱", "角色", "手机", "用户ID"]),
                       ("en", ["Name", "Aliases", "Team", "Email", "Role", "Mobile", "User ID"])):
        g = config_grid(team_pipeline(), lang)
        assert g[41][:7] == want
        assert g[42][:7] == ["张伟", "Kevin、小张" if lang == "zh" else "Kevin, 小张", "华东组", "kevin@example.com",
                             "组长", "13800138000", "zhangwei"]


def test_workbook_without_the_new_owner_columns_reads_them_empty():
    """A Config sheet written before role/mobile/user id existed (4 owner columns) still reads."""
    g = config_grid(team_pipeline(), "zh")
    for row in g[41:]:
        del row[4:7]
    got = pipeline_from_grid(g, sheet_name="设置", lang="zh")
    assert [(o.name, o.email, o.role, o.mobile, o.user_id) for o in got.owners] == [
        ("张伟", "kevin@example.com", None, None, None), ("李娜", None, None, None, None),
        ("O'Brien", None, None, None, None)]


def test_owner_mobile_typed_as_a_number_and_a_bad_mobile():
    g = config_grid(team_pipeline(), "zh")
    g[42][5] = 13800138000.0            # F43: Excel stores a typed phone number as a number
    got = pipeline_from_grid(g, sheet_name="设置", lang="zh")
    assert got.owners[0].mobile == "13800138000"
    g[43][5] = "call me"                # F44
    assert _bad(g) == ["设置!F44: 手机号格式不正确：call me"]


def test_owners_are_unlimited(tmp_path):
    """More than 100 owners: the block grows, all read back, and the drop-down covers them all."""
    from openpyxl import load_workbook
    p = default_pipeline()
    p.owners = [Owner(name=f"销售{i:03d}", team="华东组" if i % 2 else "华南组") for i in range(260)]
    path = tmp_path / "big.xlsx"
    build_workbook(path, p, "zh")
    got = pipeline_from_grid(grid_of(path, "设置"), sheet_name="设置", lang="zh")
    assert [o.name for o in got.owners] == [o.name for o in p.owners]
    ref = load_workbook(path).defined_names["xlt_owners"].attr_text
    assert ref == "OFFSET('设置'!$A$43,0,0,MAX(1,COUNTA('设置'!$A$43:$A$1048576)),1)"


def test_missing_stages_block_and_no_open_stage():
    g = config_grid(default_pipeline(), "zh")
    g[9][0] = "阶段"          # title without brackets is not a block title
    assert _bad(g) == ["设置: 找不到“【阶段】”区块（A 列中的标题）"]
    g = config_grid(default_pipeline(), "en")
    for r in range(11, 15):
        g[r][4] = "won"
    problems = _bad(g, "en", "Config")
    assert len(problems) == 1 and problems[0].startswith("Config!A10: invalid stages: at least one open stage")


def test_tolerant_reading():
    """Rows inserted, columns reordered, a note column, numbers as text, blanks as "", mixed language."""
    p = team_pipeline()
    g = config_grid(p, "zh")
    stages_hdr = 10
    # swap two columns of the stage block (headers and values) and add a note column at the end
    for r in range(stages_hdr, 24):
        g[r][5], g[r][6] = g[r][6], g[r][5]
    g[stages_hdr].append("备注（经理用）")
    g[stages_hdr][1] = " 阶段 名称 "                  # stray spaces in a header
    g[11][6] = "10%"                                # probability typed as text (now column G)
    g[11][4] = "open"                               # the kind in English in a zh workbook
    g[13][5] = "7"                                  # a threshold typed as text (proposal, was 7)
    g.insert(14, [""] * 14)                         # a blank row inserted inside the block
    g = [[("" if v is None else v) for v in row] for row in g]   # blank cells as ""
    got = pipeline_from_grid(g, sheet_name="设置", lang="zh")
    assert got == p


def test_manager_adds_a_stage_and_an_owner():
    p = default_pipeline()
    g = config_grid(p, "zh")
    g[18][:7] = [8, "招投标", None, None, "进行中", 0.6, 5]    # row 19, first blank reserved row
    g[42][0] = "赵敏"
    got = pipeline_from_grid(g, sheet_name="设置", lang="zh")
    new = got.stages[-1]
    assert (new.key, new.zh, new.en, new.order, new.kind, new.probability, new.idle_yellow) == \
        ("stage8", "招投标", "招投标", 8, "open", 0.6, 5)
    assert [o.name for o in got.owners] == ["赵敏"]


# -- property: any reasonable pipeline survives the grid ---------------------------------------
from xltrack.pipeline.config_read import _norm  # noqa: E402

_name = st.text(alphabet=st.sampled_from(list("阶段商务方案客户成交输单ABCxyz 12")), min_size=1, max_size=6) \
    .map(str.strip).filter(bool)
_days = st.one_of(st.none(), st.integers(1, 400))


@st.composite
def pipelines(draw):
    n = draw(st.integers(1, 6))
    names = draw(st.lists(_name, min_size=n, max_size=n, unique=True))
    stages = []
    # an alias names one stage only: never another stage's name or another stage's alias
    names_of = [{_norm(x), _norm(x + "E"), _norm(f"s{i}")} for i, x in enumerate(names)]
    given: set[str] = set()
    for i, name in enumerate(names):
        y, r = draw(_days), draw(_days)
        if y and r and y > r:
            y, r = r, y
        others = set().union(*(ns for j, ns in enumerate(names_of) if j != i))
        aliases = [a for a in draw(st.lists(_name, max_size=3, unique=True))
                   if _norm(a) not in others | given]
        given |= {_norm(a) for a in aliases}
        stages.append(Stage(key=f"s{i}", zh=name, en=name + "E", aliases=aliases,
                            order=i + 1, kind="open" if i == 0 else draw(st.sampled_from(["open", "won", "lost", "hold"])),
                            probability=draw(st.integers(0, 100)) / 100, idle_yellow=y, idle_red=r,
                            required=draw(st.lists(st.sampled_from(["customer", "amount", "next_step", "决策链"]),
                                                   max_size=3, unique=True)),
                            points=draw(st.integers(0, 9))))
    owners = [Owner(name=n, team=draw(st.one_of(st.none(), _name)), role=draw(st.one_of(st.none(), _name)),
                    mobile=draw(st.one_of(st.none(), st.from_regex(r"\+?[0-9]{5,15}", fullmatch=True))),
                    user_id=draw(st.one_of(st.none(), st.from_regex(r"[a-z][a-z0-9_]{2,12}", fullmatch=True))))
              for n in draw(st.lists(_name, max_size=5, unique=True))]
    types = [ActivityType(key=f"t{i}", zh=n, en=n + "E") for i, n in enumerate(draw(st.lists(_name, max_size=4, unique=True)))]
    return Pipeline(team=draw(st.one_of(st.just(""), _name)), currency=draw(st.sampled_from(["CNY", "USD"])),
                    date_order=draw(st.sampled_from(["mdy", "dmy"])), stages=stages, owners=owners,
                    activity_types=types)


@settings(max_examples=60, deadline=None)
@given(pipelines(), st.sampled_from(["zh", "en"]))
def test_round_trip_property(p, lang):
    assert pipeline_from_grid(config_grid(copy.deepcopy(p), lang), sheet_name="S", lang=lang) == p
