"""Each guardrail's check, and tracking labels: no Slack, no database."""

from __future__ import annotations

from datetime import timedelta

from bot.domain.guardrails import (
    DESCRIPTION,
    GUARDRAIL_FOR,
    Guardrail,
    check_handoff,
    check_publish,
    parse_tracking_labels,
)

ALL = set(Guardrail)


def test_every_guardrail_is_proposed_by_one_class_and_described() -> None:
    assert set(GUARDRAIL_FOR.values()) == ALL and set(DESCRIPTION) == ALL
    assert "duplicated_publish_window" not in GUARDRAIL_FOR


def test_nothing_is_enforced_when_nothing_is_enabled() -> None:
    assert check_handoff((), done=["no link"], backup_owner_id=None, act_by_given=False) == {}
    assert (
        check_publish((), tracking_labels={}, draft_age=None, rule_metrics=(), automatic_metrics=())
        == {}
    )


def test_done_bullets_need_a_link_or_a_recorded_draft() -> None:
    done = [
        "Copy in https://docs.example.com/copy",
        "Legal review passed",
        "Teaser: draft: Spring  Teaser",
        "Slack link <https://acme.slack.com/archives/C1/p1|thread>",
    ]
    problems = check_handoff(
        {Guardrail.DONE_NEEDS_LINK},
        done=done,
        backup_owner_id="U1",
        act_by_given=True,
        durable_names={"spring teaser"},
    )
    assert set(problems) == {"Done"} and "bullet 2 has none" in problems["Done"]
    assert (
        "bullets 2, 3 have none"
        in check_handoff(
            {Guardrail.DONE_NEEDS_LINK}, done=done, backup_owner_id=None, act_by_given=True
        )["Done"]
    )


def test_backup_owner_and_act_by_become_required() -> None:
    enabled = {Guardrail.BACKUP_REQUIRED, Guardrail.ACT_BY_REQUIRED}
    problems = check_handoff(enabled, done=[], backup_owner_id=None, act_by_given=False)
    assert set(problems) == {"Backup owner", "Act by"}
    assert check_handoff(enabled, done=[], backup_owner_id="U1", act_by_given=True) == {}


def test_publish_checks_tracking_draft_age_and_automatic_metrics() -> None:
    problems = check_publish(
        {
            Guardrail.TRACKING_REQUIRED,
            Guardrail.FRESH_DRAFT_REQUIRED,
            Guardrail.AUTOMATIC_KPI_REQUIRED,
        },
        tracking_labels={},
        draft_age=timedelta(days=9),
        rule_metrics={"engagement_rate"},
        automatic_metrics={"reach"},
    )
    assert set(problems) == {"Tracking labels", "Name", "Decision rules"}
    assert "9 days old" in problems["Name"] and "reach" in problems["Decision rules"]
    assert (
        "/draft"
        in check_publish(
            {Guardrail.FRESH_DRAFT_REQUIRED},
            tracking_labels=None,
            draft_age=None,
            rule_metrics=(),
            automatic_metrics=(),
        )["Name"]
    )
    fine = check_publish(
        set(Guardrail),
        tracking_labels={"utm_source": "x"},
        draft_age=timedelta(days=2),
        rule_metrics={"reach"},
        automatic_metrics={"reach"},
    )
    assert fine == {}


def test_tracking_labels_parse_as_key_value_pairs() -> None:
    assert parse_tracking_labels("utm_source=linkedin, utm_campaign=spring\nref=a=b") == {
        "utm_source": "linkedin",
        "utm_campaign": "spring",
        "ref": "a=b",
    }
    assert parse_tracking_labels("  ") == {}
    for bad, said in (
        ("utm_source", "key=value"),
        ("=x", "key=value"),
        ("a=1 a=2", "twice"),
        ("bad key!=1", "key=value"),
        ("k=" + "v" * 101, "100"),
        (" ".join(f"k{i}=v" for i in range(21)), "20"),
    ):
        assert said in str(parse_tracking_labels(bad))
