"""Header mapping of import sources, and the mapping file (located errors, --print-mapping round trip)."""
from __future__ import annotations

import pytest

from xltrack.importer.mapfile import MappingError, load_mapping, mapping_toml
from xltrack.importer.mapping import Mapping, header_not_recognised, match_header, nearest_fields
from xltrack.pipeline import layout


def fields(rows, mapping=None):
    hm = match_header(rows, mapping or Mapping())
    return None if hm is None else (hm.target, hm.row, {hm.headers[c]: f for c, f in hm.fields.items()}, hm.skipped)


def test_real_export_headers():
    sf = ["Opportunity Owner", "Account Name", "Opportunity Name", "Stage", "Amount", "Close Date",
          "Created Date", "Opportunity ID", "Lead Source"]
    assert fields([sf]) == ("projects", 1, {
        "Opportunity Owner": "owner", "Account Name": "customer", "Opportunity Name": "project", "Stage": "stage",
        "Amount": "amount", "Close Date": "expected_close", "Created Date": "created", "Opportunity ID": "id"},
        ["Lead Source"])
    hs = ["Record ID", "Deal Name", "Deal Stage", "Amount", "Close Date", "Create Date", "Deal owner",
          "Associated Company"]
    assert fields([hs])[2] == {"Record ID": "id", "Deal Name": "project", "Deal Stage": "stage", "Amount": "amount",
                               "Close Date": "expected_close", "Create Date": "created", "Deal owner": "owner",
                               "Associated Company": "customer"}
    cn = ["商机编号", "商机名称", "客户名称", "销售阶段", "商机金额", "预计成交日期", "负责人", "创建时间"]
    assert set(fields([cn])[2].values()) == {"id", "project", "customer", "stage", "amount", "expected_close",
                                             "owner", "created"}


def test_pipedrive_prefixes_and_a_title_row_above_the_header():
    rows = [["Deals export — 2026-03-01"], [],
            ["Deal - Title", "Deal - Value", "Deal - Organization", "Deal - Owner", "Deal - Stage",
             "Deal - Expected close date"], ["A", "100", "Acme", "Jane", "Lead In", "2026-04-01"]]
    target, row, got, _ = fields(rows)
    assert (target, row) == ("projects", 3)
    assert got == {"Deal - Title": "project", "Deal - Value": "amount", "Deal - Organization": "customer",
                   "Deal - Owner": "owner", "Deal - Stage": "stage", "Deal - Expected close date": "expected_close"}


def test_the_target_sheet_is_detected():
    assert fields([["项目编号", "跟进日期", "跟进方式", "沟通内容"]])[0] == "activities"
    assert fields([["Project ID", "Installment", "Planned date", "Planned amount"]])[0] == "payments"


def test_mapping_file_columns_win_and_one_named_column_is_enough():
    m = Mapping(columns={"Kunde": "customer", "Stage": ""})
    assert fields([["Kunde", "Stage", "Whatever"]], m)[2] == {"Kunde": "customer"}
    assert fields([["Kunde", "Whatever"]]) is None


def test_nearest_fields_and_the_message():
    sheet = layout().sheet("projects")
    assert nearest_fields("Deal Nme", sheet)[0] == "project"
    assert nearest_fields("Acount", sheet)[0] == "customer"
    assert nearest_fields("zzzz", sheet) == []
    err = header_not_recognised([[None], ["Deal Nme", "zzzz"]], "x.csv", "en")
    assert err.exit_code == 1
    lines = str(err).splitlines()
    assert lines[0] == "No header row of x.csv is recognised; nothing was imported. Its headers and the nearest fields:"
    assert lines[1].startswith("  “Deal Nme” → project") and lines[2] == "  “zzzz” → ?"


def _load(tmp_path, text, **kw):
    p = tmp_path / "m.toml"
    p.write_text(text, encoding="utf-8")
    return p, load_mapping(p, lang="en", **kw)


@pytest.mark.parametrize("text,line,message", [
    ('target = "deals"\n', 1, "target must be one of projects / activities / payments, not “deals”"),
    ('\n[columns]\n"A" = "customer"\n"B" = "custmer"\n', 4, "unknown field “custmer” (fields: "),
    ('[constants]\nownr = "x"\n', 2, "unknown field “ownr”"),
    ('[stages]\n"Won" = 3\n', 2, "“Won” must map to a name (text)"),
    ('amount_unit = "lakh"\n', 1, "amount_unit must be 元, 万元 or 千"),
    ('header_row = 0\n', 1, "header_row must be a positive whole number"),
    ('colums = {}\n', 1, "unknown setting “colums”"),
])
def test_mapping_file_errors_name_file_line_and_key(tmp_path, text, line, message):
    p = tmp_path / "m.toml"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(MappingError) as e:
        load_mapping(p, lang="en")
    assert e.value.exit_code == 2
    assert str(e.value).startswith(f"{p}:{line}: {message}")


def test_invalid_toml_and_labels_or_extra_columns_as_fields(tmp_path):
    p = tmp_path / "bad.toml"
    p.write_text("[columns\n", encoding="utf-8")
    with pytest.raises(MappingError, match=r"is not valid TOML: .*line 1"):
        load_mapping(p, lang="en")
    _, m = _load(tmp_path, '[columns]\n"Kunde" = "客户名称"\n"Region" = "区域"\n', extras={"projects": {"区域"}})
    assert m.columns == {"Kunde": "customer", "Region": "区域"}


def test_printed_mapping_reads_back(tmp_path):
    m = Mapping(target="projects", amount_unit=10_000.0, date_order="dmy", constants={"owner": "张伟"})
    text = mapping_toml(m, ["Deal", "Odd \"quoted\"", ""], {0: "project"}, stages={"Closed Won": "成交交付"},
                        owners={"jd": "Jane"}, source="x.csv")
    _, back = _load(tmp_path, text)
    assert back.columns == {"Deal": "project", 'Odd "quoted"': ""}
    assert (back.stages, back.owners, back.constants) == ({"Closed Won": "成交交付"}, {"jd": "Jane"}, {"owner": "张伟"})
    assert (back.target, back.amount_unit, back.date_order) == ("projects", 10_000.0, "dmy")
