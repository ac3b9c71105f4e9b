"""The email body: table-based HTML with inline CSS and the layout's colours, a text twin, the subject."""
from __future__ import annotations

import re

from tests.support.nightly import sample
from xltrack.nightly.digest import build_digest
from xltrack.nightly.render import money, render_html, render_text, subject
from xltrack.pipeline import layout


def test_subject_has_team_date_and_headline_numbers():
    tables, results = sample()
    assert subject(build_digest(tables, results)) == "【销售一部】销售日报 2026-11-27：进行中 3 个 ¥2,350,000，红灯 2 个"
    assert subject(build_digest(tables, results, owner="张三")) == \
        "【销售一部】张三的销售日报 2026-11-27：进行中 2 个 ¥2,000,000，红灯 1 个"
    tables, results = sample("en", team="Sales East")
    assert subject(build_digest(tables, results)) == "[Sales East] Pipeline digest 2026-11-27: 3 open ¥2,350,000, 2 red"


def test_money_formats():
    assert money(1234567.4, "CNY") == "¥1,234,567"
    assert money(99, "USD") == "$99"
    assert money(5, "CHF") == "5 CHF"
    assert money(None, "CNY") == "—"


def test_html_is_table_based_inline_styled_escaped_and_uses_the_layout_colours():
    tables, results = sample()
    html = render_html(build_digest(tables, results))
    assert "<style" not in html.lower() and "display:flex" not in html
    assert 'name="viewport"' in html and "max-width:640px" in html
    assert html.count('role="presentation"') >= 3
    colors = layout().colors
    assert f"#{colors['red']}" in html and f"#{colors['red_font']}" in html
    # workbook text is escaped, never markup
    assert "Acme &lt;b&gt;Corp&lt;/b&gt;" in html and "<b>Corp" not in html
    for needle in ("华东电力 · 智能巡检平台 (P-0001)", "12 天未跟进（红线 10 天）", "负责人 张三",
                   "本周到期及逾期回款", "2 个错误，1 个警告"):
        assert needle in html
    # every <td> carries its own style or layout attributes (no reliance on CSS classes)
    assert "class=" not in html


def test_text_twin_holds_the_same_facts():
    tables, results = sample()
    text = render_text(build_digest(tables, results))
    assert "1. 华东电力 · 智能巡检平台 (P-0001)" in text
    assert "   - 下一步已逾期 3 天" in text
    assert "Acme <b>Corp</b> · ERP rollout (P-0002)" in text
    assert "== 本周变化 ==\n推进 1 · 赢单 1\n- 南方航空 · 客服系统 (P-0004): 赢单：商务洽谈 → 成交交付" in text
    assert "首付款 · 2026-11-10 · ¥200,000 · 逾期 17 天 · 王五" in text
    assert not re.search(r"<(table|td|div)", text)


def test_english_variant_and_cut_red_list():
    tables, results = sample("en", team="Sales East")
    d = build_digest(tables, results)
    text = render_text(d, shown_red=1)
    assert "== Red projects (2) ==" in text and "… and 1 more: see the Risk list sheet." in text
    assert "Owner 张三 · Negotiation · ¥1,200,000" in text
    html = render_html(d)
    assert '<html lang="en">' in html and "No red projects" not in html


def test_empty_sections_say_so():
    import pandas as pd

    tables, results = sample()
    results.projects["light"] = "green"
    results.changes = pd.DataFrame()
    text = render_text(build_digest(tables, results, owner="Alice"))
    assert "没有红灯项目。" in text and "与上周相比没有变化。" in text and "本周没有到期回款。" in text


def test_change_values_are_formatted():
    import pandas as pd

    tables, results = sample()
    results.changes = pd.DataFrame({
        "id": ["P-0001", "P-0002", "P-0003", "P-0001"], "customer": ["华东电力", "Acme", "北方重工", "华东电力"],
        "project": ["智能巡检平台", "ERP", "MES 二期", "智能巡检平台"], "owner": ["张三", "Alice", "张三", "张三"],
        "change": ["amount_changed", "newly_red", "new", "slipped"],
        "change_text": ["金额变化", "新变红", "新增", "成交日期推迟"],
        "from_value": [300000.0, "yellow", None, "2026-12-01"],
        "to_value": [350000.0, "red", "需求挖掘", "2027-01-15"],
    })
    text = render_text(build_digest(tables, results))
    assert "(P-0001): 金额变化：¥300,000 → ¥350,000" in text
    assert "(P-0002): 新变红：黄灯 → 红灯" in text
    assert "(P-0003): 新增：需求挖掘" in text
    assert "(P-0001): 成交日期推迟：2026-12-01 → 2027-01-15" in text
