"""Failure classification and the second-occurrence rule: no Slack, no database."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.guardrails.failures import LABELS, Occurrence, classify, label_of, second_occurrence

T0 = datetime(2026, 11, 1, tzinfo=UTC)
WINDOW = timedelta(days=30)


@pytest.mark.parametrize(
    ("text", "class_id"),
    [
        ("absent tracking", "absent_tracking"),
        ("ABSENT_TRACKING", "absent_tracking"),
        ("missing instrumentation metadata", "absent_tracking"),
        ("no UTM labels", "absent_tracking"),
        ("missing link", "missing_link"),
        ("broken link to the doc", "missing_link"),
        ("stale copy", "stale_copy"),
        ("old draft went out", "stale_copy"),
        ("who owns this?", "unclear_owner"),
        ("duplicate window on LinkedIn", "duplicated_publish_window"),
        ("no next action", "missing_next_action"),
        ("missed act-by", "missed_act_by"),
        ("missing KPIs", "missing_kpi"),
        ("no link", "missing_link"),
        ("link missing", "missing_link"),
        ("outdated copy", "stale_copy"),
        ("stale", "stale_copy"),
        ("no owner", "unclear_owner"),
        ("owner unclear", "unclear_owner"),
        ("no tracking", "absent_tracking"),
        ("utm missing", "absent_tracking"),
        ("instrumentation metadata", "absent_tracking"),
        ("double-booked", "duplicated_publish_window"),
        ("overlapping window", "duplicated_publish_window"),
        ("late", "missed_act_by"),
        ("missed deadline", "missed_act_by"),
        ("act-by passed", "missed_act_by"),
        ("no KPI", "missing_kpi"),
        ("metrics missing", "missing_kpi"),
        ("Missed_Act-By", "missed_act_by"),
    ],
)
def test_free_text_is_matched_to_its_class(text: str, class_id: str) -> None:
    assert classify(text) == class_id


@pytest.mark.parametrize("class_id", sorted(LABELS))
def test_every_class_is_found_by_its_id_and_its_label(class_id: str) -> None:
    assert classify(class_id) == class_id
    assert classify(LABELS[class_id]) == class_id
    assert label_of(class_id) == LABELS[class_id]


def test_unmatched_text_is_kept_as_a_custom_class_that_repeats() -> None:
    first = classify("Vendor portal outage!")
    assert first == "custom:vendor-portal-outage"
    assert classify("vendor  portal   outage") == first
    assert label_of(first) == "vendor portal outage"
    with pytest.raises(ValueError):
        classify("  ?! ")


def test_phrases_match_whole_words_only() -> None:
    # "LinkedIn" is not "link", "translate" is not "late", "kpis" is "kpi" plus s.
    assert classify("LinkedIn post went out twice") == "custom:linkedin-post-went-out-twice"
    assert classify("translated the brief") == "custom:translated-the-brief"
    assert classify("two KPIs absent") == "missing_kpi"


def test_the_more_specific_class_wins_when_text_names_two() -> None:
    assert classify("duplicate window, and the link was missing") == "duplicated_publish_window"
    assert classify("owner forgot the link") == "missing_link"


def test_custom_slugs_are_ascii_and_cut_at_60() -> None:
    assert classify("Café délai") == "custom:cafe-delai"
    japanese, chinese = classify("日本語"), classify("中文")
    assert japanese != chinese and japanese == classify(" 日本語! ")
    assert re.fullmatch(r"custom:text-[0-9a-f]{12}", japanese)
    long = classify("vendor " * 20)
    assert long == "custom:" + ("vendor-" * 9)[:60].strip("-")


CUSTOM_ID = re.compile(r"custom:[a-z0-9]+(?:-[a-z0-9]+)*")
SOME_TEXT = st.text(min_size=1, max_size=200).filter(lambda t: any(c.isalnum() for c in t))


@given(SOME_TEXT)
def test_every_class_id_is_short_stable_and_safe(text: str) -> None:
    class_id = classify(text)
    assert class_id == classify(text)
    assert class_id in LABELS or (CUSTOM_ID.fullmatch(class_id) and len(class_id) <= 7 + 60)


@given(SOME_TEXT)
def test_a_class_id_classifies_as_itself(text: str) -> None:
    class_id = classify(text)
    assert classify(class_id) == class_id


@given(st.text(alphabet=" \t\n_-.,;:!?()[]*#", max_size=30))
def test_text_without_words_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        classify(text)


def occurrence(ref: str, days: float, class_id: str = "missing_link") -> Occurrence:
    return Occurrence(class_id, ref, T0 + timedelta(days=days))


def test_the_second_occurrence_within_the_window_pairs_with_the_latest_earlier_one() -> None:
    history = [occurrence("a", 0), occurrence("b", 5), occurrence("x", 6, "stale_copy")]
    assert second_occurrence(history, occurrence("c", 10), window=WINDOW) == history[1]


def test_one_outside_the_window_or_of_another_class_does_not_count() -> None:
    history = [occurrence("a", 0), occurrence("x", 39, "stale_copy")]
    assert second_occurrence(history, occurrence("c", 40), window=WINDOW) is None


def test_the_same_failure_seen_again_is_not_a_second_one() -> None:
    assert second_occurrence([occurrence("a", 0)], occurrence("a", 1), window=WINDOW) is None


def test_the_window_edge_counts_and_later_ones_do_not() -> None:
    edge = occurrence("a", 0)
    assert second_occurrence([edge], occurrence("c", 30), window=WINDOW) == edge
    assert second_occurrence([occurrence("z", 31)], occurrence("c", 30), window=WINDOW) is None


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["a", "b", "c", "d"]),
            st.integers(min_value=0, max_value=90),
            st.sampled_from(["missing_link", "stale_copy"]),
        ),
        max_size=12,
    ),
    st.sampled_from(["a", "b", "new"]),
    st.integers(min_value=0, max_value=90),
)
def test_the_pair_is_the_latest_other_failure_of_the_class_in_the_window(
    rows: list[tuple[str, int, str]], ref: str, day: int
) -> None:
    history = [occurrence(r, d, c) for r, d, c in rows]
    new = occurrence(ref, day)
    found = second_occurrence(history, new, window=WINDOW)
    candidates = [
        o
        for o in history
        if o.class_id == new.class_id and o.ref != new.ref and 0 <= (new.at - o.at).days <= 30
    ]
    if not candidates:
        assert found is None
    else:
        assert found in candidates and found.at == max(o.at for o in candidates)
