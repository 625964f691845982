"""Failure classification and the second-occurrence rule: no Slack, no database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.failures import LABELS, Occurrence, classify, label_of, second_occurrence

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


@given(st.text(min_size=1, max_size=200).filter(lambda t: any(c.isalnum() for c in t)))
def test_every_class_id_is_short_and_stable(text: str) -> None:
    class_id = classify(text)
    assert class_id == classify(text)
    assert class_id in LABELS or (
        class_id.startswith("custom:") and len(class_id) <= 7 + 60 and " " not in class_id
    )


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
