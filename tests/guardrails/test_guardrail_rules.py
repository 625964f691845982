"""Each guardrail's check, and tracking labels: no Slack, no database."""

from __future__ import annotations

from datetime import timedelta

from bot.guardrails.rules import (
    DESCRIPTION,
    GUARDRAIL_FOR,
    Guardrail,
    check_handoff,
    check_publish,
    describe,
    may_decide_guardrail,
    missed_act_by_prevention,
    parse_tracking_labels,
    propose_again,
    proposed_guardrail,
)

ALL = set(Guardrail)


def test_every_guardrail_is_proposed_by_a_failure_and_described() -> None:
    fitted = {missed_act_by_prevention(had_backup=b) for b in (True, False)}
    proposed = set(GUARDRAIL_FOR.values()) | fitted | {proposed_guardrail("custom:x", None)}
    assert proposed == ALL and set(DESCRIPTION) == ALL
    assert "duplicated_publish_window" not in GUARDRAIL_FOR
    assert proposed_guardrail("duplicated_publish_window", None) is None


def test_a_missed_act_by_never_proposes_the_act_by_it_had() -> None:
    assert missed_act_by_prevention(had_backup=False) is Guardrail.BACKUP_REQUIRED
    assert missed_act_by_prevention(had_backup=True) is Guardrail.ACT_BY_IN_HOURS
    assert proposed_guardrail("missed_act_by", "backup_required") is Guardrail.BACKUP_REQUIRED
    assert proposed_guardrail("custom:vendor-outage", None) is Guardrail.CHECKLIST
    assert describe(Guardrail.CHECKLIST, "vendor outage") == (
        "Every handoff confirms “I checked: vendor outage” before it is sent."
    )


def test_who_decides_a_guardrail_and_when_a_dismissed_one_returns() -> None:
    assert may_decide_guardrail("U1", owners={"U1"}, involved=(), is_admin=False)
    assert may_decide_guardrail("U2", owners={"U1"}, involved={"U2"}, is_admin=False)
    assert may_decide_guardrail("U3", owners=(), involved=(), is_admin=True)
    assert not may_decide_guardrail("U3", owners={"U1"}, involved={"U2"}, is_admin=False)
    assert not propose_again(1) and propose_again(2)


def test_the_act_by_must_fall_in_working_hours_and_the_checklist_be_ticked() -> None:
    enabled = {Guardrail.ACT_BY_IN_HOURS, Guardrail.CHECKLIST}
    problems = check_handoff(
        enabled,
        done=[],
        backup_owner_id="U1",
        act_by_given=True,
        act_by_in_hours=False,
        checklist=["vendor outage", "brief attached"],
        confirmed={"vendor outage"},
    )
    assert "working hours" in problems["Act by"]
    assert "brief attached" in problems["Checklist"] and "vendor" not in problems["Checklist"]


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
