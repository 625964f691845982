"""Each guardrail's check, and tracking labels: no Slack, no database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.guardrails.rules import (
    DESCRIPTION,
    GUARDRAIL_FOR,
    NOTHING_PREVENTS,
    Guardrail,
    act_by_in_hours,
    check_handoff,
    check_publish,
    describe,
    may_decide_guardrail,
    missed_act_by_prevention,
    parse_tracking_labels,
    prevention_value,
    propose_again,
    proposed_guardrail,
)
from bot.kernel.working_hours import WorkingHours

ALL = set(Guardrail)


def test_every_guardrail_is_proposed_by_a_failure_and_described() -> None:
    fitted = {
        g
        for backup in (True, False)
        for in_hours in (True, False)
        for g in missed_act_by_prevention(had_backup=backup, act_by_in_hours=in_hours)
    }
    proposed = set(GUARDRAIL_FOR.values()) | fitted | {proposed_guardrail("custom:x", [None])}
    assert proposed == ALL and set(DESCRIPTION) == ALL
    assert "duplicated_publish_window" not in GUARDRAIL_FOR
    assert proposed_guardrail("duplicated_publish_window", [None, None]) is None


def test_a_missed_act_by_names_only_what_would_have_prevented_it() -> None:
    def prevention(*, backup: bool, in_hours: bool) -> tuple[Guardrail, ...]:
        return missed_act_by_prevention(had_backup=backup, act_by_in_hours=in_hours)

    # Never "set an act-by": every handoff had one.
    assert prevention(backup=False, in_hours=True) == (Guardrail.BACKUP_REQUIRED,)
    assert prevention(backup=True, in_hours=False) == (Guardrail.ACT_BY_IN_HOURS,)
    assert prevention(backup=False, in_hours=False) == (
        Guardrail.ACT_BY_IN_HOURS,
        Guardrail.BACKUP_REQUIRED,
    )
    assert prevention(backup=True, in_hours=True) == ()
    assert prevention_value(()) == NOTHING_PREVENTS
    assert prevention_value(prevention(backup=False, in_hours=False)) == (
        "act_by_in_hours,backup_required"
    )
    assert proposed_guardrail("custom:vendor-outage", [None, None]) is Guardrail.CHECKLIST
    assert describe(Guardrail.CHECKLIST, "vendor outage") == (
        "Every handoff confirms “I checked: vendor outage” before it is sent."
    )


def test_a_proposal_offers_only_a_guardrail_that_would_have_prevented_one_of_its_failures() -> None:
    in_hours_with_backup = prevention_value(())
    # Both act-bys were in working hours and had a backup: nothing to offer, not "in hours".
    assert proposed_guardrail("missed_act_by", [in_hours_with_backup] * 2) is None
    # One of them fell at night: "in hours" would have prevented that one.
    assert (
        proposed_guardrail("missed_act_by", ["act_by_in_hours", in_hours_with_backup])
        is Guardrail.ACT_BY_IN_HOURS
    )
    # The guardrail that would have prevented both wins; on a tie, the latest's.
    assert (
        proposed_guardrail("missed_act_by", ["act_by_in_hours,backup_required", "backup_required"])
        is Guardrail.BACKUP_REQUIRED
    )
    assert (
        proposed_guardrail("missed_act_by", ["backup_required", "act_by_in_hours"])
        is Guardrail.ACT_BY_IN_HOURS
    )
    # Unknown (a blocker named "overdue"): the class's own guardrail.
    assert proposed_guardrail("missed_act_by", [None, None]) is Guardrail.ACT_BY_REQUIRED


def test_an_act_by_at_the_end_of_the_working_day_is_in_it() -> None:
    hours = WorkingHours.parse("09:00-18:00 Mon-Fri")
    new_york = ZoneInfo("America/New_York")
    wednesday = datetime(2026, 11, 25, tzinfo=UTC)
    assert act_by_in_hours(wednesday.replace(hour=18), hours, new_york)  # 13:00 there
    assert act_by_in_hours(wednesday.replace(hour=23), hours, new_york)  # 18:00 there
    assert not act_by_in_hours(wednesday.replace(hour=23, minute=1), hours, new_york)
    assert not act_by_in_hours(wednesday.replace(hour=9), hours, new_york)  # 04:00 there
    assert act_by_in_hours(wednesday.replace(hour=3), WorkingHours.ALWAYS, new_york)


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
