import pytest
from pydantic import ValidationError

from xltrack.pipeline import Stage, default_pipeline, layout


def test_default_pipeline_has_the_designed_stages():
    p = default_pipeline()
    assert [s.zh for s in p.stages] == ["线索获取", "需求挖掘", "方案制定", "商务洽谈", "成交交付", "输单", "搁置"]
    assert [s.kind for s in p.stages] == ["open"] * 4 + ["won", "lost", "hold"]
    assert p.stage("negotiation").idle_red == 10


def test_layout_sheets_and_canonical_project_keys():
    L = layout()
    keys = [c.key for c in L.sheet("projects").user_columns]
    for k in ["id", "customer", "contact", "project", "requirement", "owner", "stage", "amount",
              "probability", "created", "expected_close", "next_step", "next_step_due",
              "last_follow_up", "risk_note", "lost_reason", "closed", "intent_confirmed",
              "requirements_clarified", "proposal_submitted", "negotiation_started",
              "contract_signed", "delivery_accepted", "payment_completed", "notes"]:
        assert k in keys
    assert [s.key for s in L.owned_sheets] == ["dashboard", "funnel", "by_owner", "risk_list",
                                                "changes", "collections", "issues", "history"]


def test_yellow_threshold_above_red_is_rejected():
    with pytest.raises(ValidationError):
        Stage(key="x", zh="x", en="x", order=1, kind="open", probability=0.5, idle_yellow=10, idle_red=5)
