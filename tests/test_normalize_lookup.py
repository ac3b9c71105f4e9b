"""Stage, owner and activity-type names in both languages, aliases, near misses."""
from __future__ import annotations

import pytest

from xltrack.normalize.lookup import (activity_type_resolver, edit_distance, owner_resolver,
                                      stage_resolver)
from xltrack.pipeline import default_pipeline
from xltrack.pipeline.models import Owner


@pytest.mark.parametrize("text,key", [
    ("商务洽谈", "negotiation"), ("Negotiation", "negotiation"), (" negotiation ", "negotiation"),
    ("谈判", "negotiation"), ("closed won", "won"), ("ＬＥＡＤ", "lead"), ("On Hold", "hold"),
    ("丢单", "lost"), ("proposal", "proposal"),
])
def test_stage_names_and_aliases(text, key):
    assert stage_resolver(default_pipeline(), "zh").resolve(text) == (key, None)


@pytest.mark.parametrize("text,lang,suggestion", [
    ("商务洽淡", "zh", "商务洽谈"),          # one typo in a short name
    ("Negotation", "en", "Negotiation"),     # long name: one deletion
    ("Negoitaton", "en", "Negotiation"),     # long name: two edits (a swap, a deletion)
    ("Proposl", "zh", "方案制定"),            # suggestion in the workbook's language
])
def test_near_miss_is_not_resolved_but_suggested(text, lang, suggestion):
    assert stage_resolver(default_pipeline(), lang).resolve(text) == (None, suggestion)


@pytest.mark.parametrize("text", ["商务", "xyz", "Lxxd", "Negotiatxxxx"])
def test_far_miss_has_no_suggestion(text):
    assert stage_resolver(default_pipeline(), "en").resolve(text) == (None, None)


def test_owners_and_activity_types():
    pipe = default_pipeline()
    pipe.owners = [Owner(name="张伟", aliases=["Zhang Wei", "老张"]), Owner(name="王芳")]
    owners = owner_resolver(pipe, "zh")
    assert owners.resolve("zhang wei") == ("张伟", None)
    assert owners.resolve("老张") == ("张伟", None)
    assert owners.resolve("王方") == (None, "王芳")
    types = activity_type_resolver(pipe, "en")
    assert types.resolve("电话") == ("call", None)
    assert types.resolve("WeChat") == ("wechat", None)
    assert types.resolve("Emial") == (None, "Email")


def test_edit_distance():
    assert edit_distance("商务洽淡", "商务洽谈") == 1
    assert edit_distance("abc", "abc") == 0
    assert edit_distance("kitten", "sitting") == 3
    assert edit_distance("a", "abcdef", limit=3) == 3
    assert edit_distance("email", "emial") == 1
