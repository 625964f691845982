"""Guardrail checks field by field, link recognition and tracking-label parsing: no Slack, no
database. (The end-to-end proposal flow is in test_guardrails_flow.py.)"""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.guardrails.failures import FailureClass
from bot.guardrails.rules import (
    DESCRIPTION,
    GUARDRAIL_FOR,
    MAX_LABELS,
    TRACKING_EXAMPLE,
    Guardrail,
    check_handoff,
    check_publish,
    parse_tracking_labels,
)

WEEK = timedelta(days=7)


def test_classes_with_a_check_elsewhere_propose_nothing() -> None:
    assert set(GUARDRAIL_FOR) <= set(FailureClass)
    assert FailureClass.DUPLICATED_PUBLISH_WINDOW not in GUARDRAIL_FOR
    assert FailureClass.MISSING_NEXT_ACTION not in GUARDRAIL_FOR
    assert not any(class_id.startswith("custom:") for class_id in GUARDRAIL_FOR)


def test_descriptions_are_one_sentence_each() -> None:
    for guardrail, text in DESCRIPTION.items():
        assert text.endswith(".") and text.count(". ") == 0, guardrail


def test_enabled_guardrails_can_be_plain_stored_strings() -> None:
    problems = check_handoff(
        ["done_needs_link", "backup_required", "act_by_required"],
        done=["Copy drafted, reviewed"],
        backup_owner_id=None,
        act_by_given=False,
    )
    assert set(problems) == {"Done", "Backup owner", "Act by"}


def done_problem(bullet: str) -> str | None:
    return check_handoff(
        {Guardrail.DONE_NEEDS_LINK}, done=[bullet], backup_owner_id=None, act_by_given=False
    ).get("Done")


@pytest.mark.parametrize(
    "bullet",
    [
        "Copy in https://docs.example.com/spring",
        "Brief at http://wiki/launch (intranet)",
        "Thread <https://acme.slack.com/archives/C1/p1|here>",
        "Deck (https://example.com/deck)",
    ],
)
def test_a_url_or_a_slack_link_satisfies_the_link_guardrail(bullet: str) -> None:
    assert done_problem(bullet) is None


@pytest.mark.parametrize(
    "bullet",
    [
        "Copy on the shared drive",
        "Deck at www.example.com",
        "ftp://files.example.com/x",
        "https://",
    ],
)
def test_anything_else_is_not_a_durable_location(bullet: str) -> None:
    assert done_problem(bullet) == (
        "This channel requires a link on every Done bullet (a guardrail after repeated missing "
        "links): bullet 1 has none. Add where it lives (https://…) or name a draft recorded "
        "with /draft (`draft: <name>`)."
    )


HANDOFF_FIELDS = {
    Guardrail.DONE_NEEDS_LINK: "Done",
    Guardrail.BACKUP_REQUIRED: "Backup owner",
    Guardrail.ACT_BY_REQUIRED: "Act by",
}


@given(st.sets(st.sampled_from(list(Guardrail))))
def test_a_bare_handoff_is_refused_exactly_at_the_enabled_guardrails_fields(
    enabled: set[Guardrail],
) -> None:
    problems = check_handoff(
        enabled, done=["Legal signed off"], backup_owner_id=None, act_by_given=False
    )
    assert set(problems) == {HANDOFF_FIELDS[g] for g in enabled if g in HANDOFF_FIELDS}
    assert all("guardrail after" in message for message in problems.values())


PUBLISH_FIELDS = {
    Guardrail.TRACKING_REQUIRED: "Tracking labels",
    Guardrail.FRESH_DRAFT_REQUIRED: "Name",
    Guardrail.AUTOMATIC_KPI_REQUIRED: "Decision rules",
}


@given(st.sets(st.sampled_from(list(Guardrail))))
def test_a_bare_publish_is_refused_exactly_at_the_enabled_guardrails_fields(
    enabled: set[Guardrail],
) -> None:
    problems = check_publish(
        enabled,
        tracking_labels=None,
        draft_age=None,
        max_draft_age=WEEK,
        rule_metrics={"likes"},
        automatic_metrics={"reach"},
    )
    assert set(problems) == {PUBLISH_FIELDS[g] for g in enabled if g in PUBLISH_FIELDS}


def name_problem(age: timedelta | None) -> str | None:
    return check_publish(
        {Guardrail.FRESH_DRAFT_REQUIRED},
        tracking_labels=None,
        draft_age=age,
        max_draft_age=WEEK,
        rule_metrics=(),
        automatic_metrics=(),
    ).get("Name")


def test_draft_age_is_judged_against_the_limit_and_said_plainly() -> None:
    assert name_problem(WEEK) is None
    assert "more than 7 days old" in str(name_problem(WEEK + timedelta(hours=3)))
    assert "is 12 days old" in str(name_problem(timedelta(days=12)))
    assert "record the copy with /draft" in str(name_problem(None))


def test_empty_tracking_labels_count_as_none() -> None:
    nothing: tuple[dict[str, str] | None, ...] = (None, {})
    for labels in nothing:
        problems = check_publish(
            {Guardrail.TRACKING_REQUIRED},
            tracking_labels=labels,
            draft_age=None,
            max_draft_age=WEEK,
            rule_metrics=(),
            automatic_metrics=(),
        )
        assert TRACKING_EXAMPLE in problems["Tracking labels"]


def test_the_automatic_kpi_message_lists_the_metrics_that_arrive() -> None:
    problems = check_publish(
        {Guardrail.AUTOMATIC_KPI_REQUIRED},
        tracking_labels=None,
        draft_age=None,
        max_draft_age=WEEK,
        rule_metrics={"likes"},
        automatic_metrics={"reach", "clicks"},
    )
    assert problems["Decision rules"].endswith("use one of clicks, reach.")


LABEL_KEYS = st.from_regex(r"[A-Za-z0-9_.-]{1,40}", fullmatch=True)
LABEL_VALUES = st.text(
    alphabet=st.characters(blacklist_categories=("Z", "C"), blacklist_characters=",="),
    min_size=1,
    max_size=100,
)


@given(
    st.dictionaries(LABEL_KEYS, LABEL_VALUES, max_size=MAX_LABELS),
    st.sampled_from([" ", ",", ", ", "\n", " ,\n "]),
)
def test_written_labels_parse_back_to_themselves(labels: dict[str, str], separator: str) -> None:
    text = separator.join(f"{key}={value}" for key, value in labels.items())
    assert parse_tracking_labels(text) == labels


def test_spaces_around_the_equals_sign_are_forgiven() -> None:
    assert parse_tracking_labels("utm_source = linkedin, utm_campaign= spring") == {
        "utm_source": "linkedin",
        "utm_campaign": "spring",
    }


@pytest.mark.parametrize(
    "text",
    [
        "utm_source",
        "utm_source=",
        "=linkedin",
        "a=1 a=2",
        "é=1",
        "k" * 41 + "=v",
        "k=" + "v" * 101,
        " ".join(f"k{i}=v" for i in range(MAX_LABELS + 1)),
    ],
)
def test_every_malformed_label_set_gets_a_fix_it_message_with_an_example(text: str) -> None:
    message = parse_tracking_labels(text)
    assert isinstance(message, str) and TRACKING_EXAMPLE in message
