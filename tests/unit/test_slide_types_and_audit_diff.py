"""The slide types' declaration (which contests each may show) and the audit log's before/after lines."""
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from leaderboard.domain import slides
from leaderboard.domain.audit_diff import MISSING, changes, leaves


@pytest.mark.parametrize("type_name, kind, league_format, refusal", [
    ("standings", "race", None, None),
    ("standings", "lucky_draw", None, None),
    ("standings", "league", "cup", None),
    ("match_centre", "race", None, "wrong_kind"),
    ("match_centre", "league", "league", None),
    ("bracket", "league", "league", "wrong_format"),
    ("bracket", "league", "cup", None),
    ("bracket", "lucky_draw", None, "wrong_kind"),
    ("lucky_draw", "race", None, "wrong_kind"),
    ("chart", "lucky_draw", None, None),
])
def test_each_type_says_which_contests_it_shows(type_name, kind, league_format, refusal):
    assert slides.slide_type(type_name).refusal(kind, league_format) == refusal


def test_message_slides_use_text_and_no_contest():
    message = slides.slide_type("message")
    assert not message.needs_contest and message.uses("text") and not message.uses("contest")
    assert slides.slide_type("nope") is None
    assert all(kind.uses("seconds") for kind in slides.SLIDE_TYPES)
    assert set(slides.FIELDS) >= {field for kind in slides.SLIDE_TYPES for field in kind.fields}


def test_changed_leaves_read_as_lines():
    before = {"name": "Race", "rules": {"products": {"GOLD": {"points": 5}, "TIN": {"points": 1}}},
              "sites": ["paris", "lyon"], "prizes": []}
    after = {"name": "Race", "rules": {"products": {"GOLD": {"points": 8}}}, "sites": ["paris"],
             "prizes": [{"name": "Mug"}], "sound": True}
    assert [c.line() for c in changes(before, after)] == [
        "rules.products.GOLD.points: 5 → 8",
        f"rules.products.TIN.points: 1 → {MISSING}",
        f"sites[1]: lyon → {MISSING}",
        f"prizes: [] → {MISSING}",
        f"prizes[0].name: {MISSING} → Mug",
        f"sound: {MISSING} → true",
    ]
    assert changes(before, before) == []
    assert [c.line() for c in changes(None, {"a": None})] == [f"a: {MISSING} → null"]


json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=5),
                           lambda inner: st.lists(inner, max_size=3)
                           | st.dictionaries(st.text("abc", min_size=1, max_size=2), inner, max_size=3),
                           max_leaves=10)


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])  # 2 shared cores: no timing checks
@given(st.dictionaries(st.text("xyz", min_size=1, max_size=2), json_values, max_size=4),
       st.dictionaries(st.text("xyz", min_size=1, max_size=2), json_values, max_size=4))
def test_a_leaf_is_listed_exactly_when_it_differs(before, after):
    old, new = leaves(before), leaves(after)
    listed = {c.path for c in changes(before, after)}
    assert listed == {p for p in old.keys() | new.keys() if p not in old or p not in new or old[p] != new[p]}
