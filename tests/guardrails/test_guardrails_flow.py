"""Repeated failures become guardrail proposals; enabled guardrails hold in the forms; /draft
checks copy against its surface. All over signed HTTP."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import select

from bot.kernel.channel_roles import ChannelRoles
from store.models import FailureOccurrence
from tests.conftest import RunningBaton
from tests.handoffs.test_handoff_flow import GOOD_FORM, wait_for
from tests.publishing.test_publish_flow import (
    INGEST_TOKEN,
    command,
    errors_of,
    ingest,
    publish,
    reading,
)


@pytest.fixture
def baton(baton_factory: Any, database_url: str) -> RunningBaton:
    running: RunningBaton = baton_factory(
        database_url, ingest_token=INGEST_TOKEN, act_within="PT1H", escalate_after="PT1H"
    )
    return running


def eventually(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def rendered(baton: RunningBaton, message: dict[str, Any]) -> str:
    return baton.standin.render(message.get("blocks") or [], message.get("text", ""))


def proposals(baton: RunningBaton) -> list[dict[str, Any]]:
    baton.sweep()
    return [
        m
        for m in baton.standin.messages("C0LAUNCH")
        if "happened twice" in rendered(baton, m) and not m.get("thread_ts")
    ]


def blocked_because(baton: RunningBaton, item: str, dependency: str, reason: str) -> str:
    return command(baton, "/blocked", f'"{item}" on "{dependency}" because {reason}')


def make_owner(baton: RunningBaton, user: str) -> None:
    roles = ChannelRoles((user,), None, None)
    baton.services.channel_settings.save("C0LAUNCH", roles, by=user, is_admin=True)


def enable(baton: RunningBaton, reason: str, user: str = "U0ANA") -> dict[str, Any]:
    """Make `reason` happen twice via /blocked (ana declares), then click Enable on the
    proposal (ana was involved; anyone else must own the channel)."""
    blocked_because(baton, "KPI capture", "instrumentation metadata", reason)
    blocked_because(baton, "newsletter", "UTM labels", reason)
    [proposal] = proposals(baton)
    baton.slack.click(proposal, "Enable", user=user, channel="C0LAUNCH")
    eventually(lambda: "Enabled by" in rendered(baton, proposals(baton)[0]))
    return proposals(baton)[0]


def open_handoff(baton: RunningBaton, item: str = "launch copy") -> dict[str, Any]:
    opened = len(baton.standin.calls_to("views.open"))
    assert baton.slack.command("/handoff", item, user="U0CAI").status_code == 200
    wait_for(lambda: baton.standin.calls_to("views.open"), count=opened + 1)
    return baton.slack.last_view()


def submit_handoff(baton: RunningBaton, **changes: Any) -> Any:
    view = open_handoff(baton)
    form = {k: v for k, v in {**GOOD_FORM, **changes}.items() if v is not None}
    return baton.slack.submit(view, form, user="U0CAI")


def test_the_second_occurrence_proposes_a_guardrail_once(baton: RunningBaton) -> None:
    said = blocked_because(baton, "KPI capture", "instrumentation metadata", "missing tracking")
    assert "Recorded as a failure: absent tracking" in said
    assert proposals(baton) == []
    blocked_because(baton, "newsletter", "UTM labels", "no UTM labels")
    [proposal] = proposals(baton)
    text = rendered(baton, proposal)
    assert "Absent tracking happened twice" in text
    assert "KPI capture" in text and "newsletter" in text  # both occurrences
    assert "tracking labels" in text.lower()  # the guardrail it would switch on
    buttons = [
        e["text"]["text"]
        for b in proposal["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
    ]
    assert buttons == ["Enable", "Dismiss"]
    blocked_because(baton, "blog", "UTM labels", "absent tracking")
    assert len(proposals(baton)) == 1


def test_the_same_failure_declared_again_counts_once(baton: RunningBaton) -> None:
    blocked_because(baton, "KPI capture", "instrumentation metadata", "absent tracking")
    blocked_because(baton, "kpi capture", "Instrumentation Metadata", "absent tracking")
    assert proposals(baton) == []


def test_occurrences_outside_the_window_do_not_pair(baton: RunningBaton) -> None:
    blocked_because(baton, "KPI capture", "instrumentation metadata", "absent tracking")
    baton.clock.advance(timedelta(days=31))
    blocked_because(baton, "newsletter", "UTM labels", "absent tracking")
    assert proposals(baton) == []


def test_a_custom_class_twice_proposes_a_checklist_confirmation(baton: RunningBaton) -> None:
    said = blocked_because(baton, "launch", "vendor", "vendor portal outage")
    assert "vendor portal outage" in said
    blocked_because(baton, "newsletter", "vendor", "vendor portal outage")
    [proposal] = proposals(baton)
    assert "Every handoff confirms “I checked: vendor portal outage”" in rendered(baton, proposal)
    said = blocked_because(baton, "翻訳", "ベンダー", "翻訳が遅れた")
    assert "翻訳が遅れた (a class of this channel's own)" in said
    blocked_because(baton, "字幕", "ベンダー", "翻訳が遅れた")
    japanese = [p for p in proposals(baton) if "翻訳" in rendered(baton, p)]
    assert "Every handoff confirms “I checked: 翻訳が遅れた”" in rendered(baton, japanese[0])
    # Only the channel's owners, the people involved (ana declared both) or an admin decide.
    baton.slack.click(proposal, "Enable", user="U0CAI", channel="C0LAUNCH")
    eventually(lambda: baton.standin.ephemerals("U0CAI"))
    assert "Only this channel's owners" in baton.standin.ephemerals("U0CAI")[-1]["text"]
    baton.slack.click(proposal, "Enable", user="U0ANA", channel="C0LAUNCH")
    eventually(lambda: "Enabled by @ana" in rendered(baton, proposals(baton)[0]))
    view = open_handoff(baton)
    [checklist] = [b for b in view["blocks"] if b.get("label", {}).get("text") == "Checklist"]
    options = [o["text"]["text"] for o in checklist["element"]["options"]]
    assert options == ["I checked: vendor portal outage"]
    form = {k: v for k, v in GOOD_FORM.items()}
    refused = errors_of(baton.slack.submit(view, form, user="U0CAI"))
    assert "I checked: vendor portal outage" in refused["checklist"]
    confirmed = {**form, "Checklist": ["vendor portal outage"]}
    assert "errors" not in baton.slack.submit(open_handoff(baton), confirmed, user="U0CAI").text


def test_dismissed_comes_back_only_after_two_new_occurrences(baton: RunningBaton) -> None:
    blocked_because(baton, "a", "b", "absent tracking")
    blocked_because(baton, "c", "d", "absent tracking")
    [proposal] = proposals(baton)
    baton.slack.click(proposal, "Dismiss", user="U0ANA", channel="C0LAUNCH")
    eventually(lambda: "Dismissed by" in rendered(baton, proposals(baton)[0]))
    blocked_because(baton, "e", "f", "absent tracking")
    assert len(proposals(baton)) == 1
    assert "errors" not in publish(baton).text  # nothing enforced
    blocked_because(baton, "g", "h", "absent tracking")
    again = proposals(baton)
    assert len(again) == 2 and "[ Enable ]" in rendered(baton, again[1])
    assert "Dismissed by @ana" in rendered(baton, again[0])  # the first stays as it was
    baton.slack.click(again[1], "Enable", user="U0ANA", channel="C0LAUNCH")
    eventually(lambda: "Enabled by @ana" in rendered(baton, proposals(baton)[1]))
    assert "tracking" in errors_of(publish(baton))


def test_the_first_decision_stands(baton: RunningBaton) -> None:
    blocked_because(baton, "a", "b", "absent tracking")
    blocked_because(baton, "c", "d", "absent tracking")
    [as_first_seen] = proposals(baton)
    baton.slack.click(as_first_seen, "Enable", user="U0ANA", channel="C0LAUNCH")
    eventually(lambda: "Enabled by @ana" in rendered(baton, proposals(baton)[0]))
    assert not any(b["type"] == "actions" for b in proposals(baton)[0]["blocks"])
    # cai still has the message with buttons open, and clicks Dismiss.
    baton.slack.click(as_first_seen, "Dismiss", user="U0CAI", channel="C0LAUNCH")
    eventually(lambda: baton.standin.ephemerals("U0CAI"))
    assert "Already decided" in baton.standin.ephemerals("U0CAI")[-1]["text"]
    assert "Enabled by @ana" in rendered(baton, proposals(baton)[0])


def test_tracking_labels_become_required_once_enabled(baton: RunningBaton) -> None:
    enable(baton, "absent tracking")
    refused = errors_of(publish(baton))
    assert "tracking" in refused and "utm_source=" in refused["tracking"]
    bad = errors_of(publish(baton, **{"Tracking labels": "utm_source"}))
    assert "key=value" in bad["tracking"]
    accepted = publish(baton, **{"Tracking labels": "utm_source=linkedin utm_campaign=spring"})
    assert "errors" not in accepted.text
    with baton.services.db.read() as session:
        from store import publishes

        stored = publishes.find(session, "C0LAUNCH", "spring launch")
        assert stored is not None
        assert stored.tracking_labels == {"utm_source": "linkedin", "utm_campaign": "spring"}


def test_unclear_owner_twice_from_refused_handoffs_then_backup_required(
    baton: RunningBaton,
) -> None:
    assert "errors" in submit_handoff(baton, **{"Next owner": "U0BOT"}).text
    assert "errors" in submit_handoff(baton, **{"Next owner": "U0GONE"}).text
    [proposal] = proposals(baton)
    assert "Unclear owner happened twice" in rendered(baton, proposal)
    baton.slack.click(proposal, "Enable", user="U0CAI", channel="C0LAUNCH")
    eventually(lambda: "Enabled by" in rendered(baton, proposals(baton)[0]))
    refused = errors_of(submit_handoff(baton, **{"Backup owner": None}))
    assert "backup owner" in refused["backup_owner"].lower()
    assert "errors" not in submit_handoff(baton).text


def test_missing_link_guardrail_wants_a_durable_location_on_each_done_bullet(
    baton: RunningBaton,
) -> None:
    enable(baton, "missing link")
    refused = errors_of(submit_handoff(baton))  # "Legal review passed" has no link
    assert "bullet 2" in refused["done"]
    draft_form = {
        "Name": "legal memo",
        "Surface": "Blog",
        "Copy": "Approved.",
        "Link": "https://docs.example.com/memo",
    }
    assert "errors" not in submit_draft(baton, "", draft_form).text
    done = "Drafted launch copy in https://docs.example.com/copy\nLegal review: draft: legal memo"
    assert "errors" not in submit_handoff(baton, Done=done).text


def test_missed_act_bys_propose_what_would_have_prevented_them(baton: RunningBaton) -> None:
    for item in ("launch copy", "newsletter"):  # no backup owner: nobody to step in
        view = open_handoff(baton, item)
        form = {k: v for k, v in GOOD_FORM.items() if k != "Backup owner"}
        assert (
            "errors" not in baton.slack.submit(view, {**form, "Work item": item}, user="U0CAI").text
        )
    baton.clock.advance(timedelta(hours=1, minutes=1))
    baton.sweep()  # the nudges
    assert proposals(baton) == []
    baton.clock.advance(timedelta(hours=1))
    baton.sweep()  # the escalations
    [proposal] = proposals(baton)
    text = rendered(baton, proposal)
    assert "Missed act-by happened twice in this channel" in text
    assert "@ana missed the act-by of launch copy, handed off by @cai" in text
    # Both had an act-by, in working hours (always, here): a backup owner is what was missing.
    assert "Every handoff names a backup owner" in text
    assert "sets its act-by" not in text and "working hours" not in text
    baton.slack.click(proposal, "Enable", user="U0CAI", channel="C0LAUNCH")
    eventually(lambda: "Enabled by" in rendered(baton, proposals(baton)[0]))
    assert "errors" in submit_handoff(baton, **{"Backup owner": None}).text
    assert "errors" not in submit_handoff(baton).text


def test_a_handed_on_or_done_handoff_records_no_missed_act_by(baton: RunningBaton) -> None:
    for item in ("launch copy", "newsletter"):  # cai → ana, each
        view = open_handoff(baton, item)
        form = {**GOOD_FORM, "Work item": item}
        assert "errors" not in baton.slack.submit(view, form, user="U0CAI").text
    # Before the act-by: ana hands the first on to dee, and marks the second done.
    opened = len(baton.standin.calls_to("views.open"))
    assert baton.slack.command("/handoff", "launch copy", user="U0ANA").status_code == 200
    wait_for(lambda: baton.standin.calls_to("views.open"), count=opened + 1)
    onward = {**GOOD_FORM, "Next owner": "U0DEE", "Backup owner": "U0CAI"}
    assert "errors" not in baton.slack.submit(baton.slack.last_view(), onward, user="U0ANA").text
    baton.slack.command("/blocked", '"newsletter" done', user="U0ANA")
    for _ in range(3):  # past both act-bys and their escalations
        baton.clock.advance(timedelta(hours=1, minutes=1))
        baton.sweep()
    with baton.services.db.read() as session:
        missed = session.exec(
            select(FailureOccurrence.ref).where(FailureOccurrence.class_id == "missed_act_by")
        ).all()
    # Only dee's handoff (the third: nobody answered) is missed, so nothing is proposed.
    assert missed == ["handoff:3:missed"]
    assert proposals(baton) == []


def test_duplicated_publish_windows_twice_propose_a_guardrail_nobody_needs(
    baton: RunningBaton,
) -> None:
    assert "errors" not in publish(baton).text
    overlapping = {"Posting window": "2026-11-24 13:00-15:00"}
    errors_of(publish(baton, Name="second", **overlapping))
    errors_of(publish(baton, Name="third", **overlapping))
    baton.sweep()
    # Duplicated windows are always refused: there is no guardrail to propose.
    assert proposals(baton) == []
    with baton.services.db.read() as session:
        from store import guardrails

        seen = guardrails.occurrences(
            session, "C0LAUNCH", "duplicated_publish_window", since=baton.clock.now() - timedelta(1)
        )
    assert len(seen) == 2


def test_stale_copy_guardrail_wants_a_recent_draft(baton: RunningBaton) -> None:
    enable(baton, "stale copy")
    refused = errors_of(publish(baton))
    assert "/draft" in refused["name"]
    draft_form = {"Name": "spring launch", "Surface": "LinkedIn", "Copy": "Spring is here."}
    assert "errors" not in submit_draft(baton, "LinkedIn", draft_form).text
    baton.clock.advance(timedelta(days=8))
    assert (
        "days old"
        in errors_of(publish(baton, **{"Posting window": "2026-12-03 12:00-14:00"}))["name"]
    )
    assert "errors" not in submit_draft(baton, "LinkedIn", draft_form).text
    assert "errors" not in publish(baton, **{"Posting window": "2026-12-03 12:00-14:00"}).text


def test_missing_kpi_guardrail_wants_a_rule_on_an_automatic_metric(baton: RunningBaton) -> None:
    enable(baton, "missing KPI")
    assert "POST /kpi" in errors_of(publish(baton))["rules"]
    # An analytics tool delivers reach (not engagement_rate) for a publish in this channel.
    earlier = {"Name": "earlier", "Surface": "Blog", "Decision rules": "reach < 1 -> x"}
    enable_off = baton.services.guardrails
    assert "errors" in publish(baton, **earlier).text  # refused too: nothing automatic yet
    with baton.services.db.write() as session:
        from store.models import ChannelGuardrail

        for row in session.exec(select(ChannelGuardrail)).all():
            row.state = "disabled"
            session.add(row)
    enable_off.forget_enforced()  # switched off by another process, ENFORCED_FOR ago
    assert "errors" not in publish(baton, **earlier).text
    assert (
        ingest(baton, reading(publish="earlier", observed_at="2026-11-24T09:00:00Z")).status_code
        == 201
    )
    with baton.services.db.write() as session:
        for row in session.exec(select(ChannelGuardrail)).all():
            row.state = "enabled"
            session.add(row)
    enable_off.forget_enforced()
    assert enable_off.automatic_metrics("C0LAUNCH") == {"reach"}
    by_hand = {"Decision rules": "engagement_rate < 0.02 -> rewrite the hook"}
    refused = errors_of(publish(baton, **by_hand))
    assert "reach" in refused["rules"]
    assert "errors" not in publish(baton, **{"Decision rules": "reach < 100 -> boost"}).text


def test_guardrails_lists_and_only_the_enabler_or_an_admin_disables(baton: RunningBaton) -> None:
    make_owner(baton, "U0BEN")
    enable(baton, "absent tracking", user="U0BEN")
    listing = command(baton, "/guardrails", "", user="U0ANA")
    assert "tracking labels" in listing.lower() and "Enabled by @ben" in listing
    assert "KPI capture" in listing  # because of which occurrences
    shown = baton.standin.ephemerals("U0ANA")[-1]
    baton.slack.click(shown, "Disable", user="U0ANA", channel="C0LAUNCH")
    eventually(lambda: "Only @ben" in rendered(baton, baton.standin.ephemerals("U0ANA")[-1]))
    assert "tracking" in errors_of(publish(baton))  # still enforced

    command(baton, "/guardrails", "", user="U0BEN")
    mine = baton.standin.ephemerals("U0BEN")[-1]
    baton.slack.click(mine, "Disable", user="U0BEN", channel="C0LAUNCH")
    eventually(lambda: "Disabled by @ben" in rendered(baton, baton.standin.ephemerals("U0BEN")[-1]))
    assert "errors" not in publish(baton).text


def test_an_admin_may_disable_what_someone_else_enabled(baton: RunningBaton) -> None:
    baton.standin.add_user("U0ADM", "adm", tz="UTC", is_admin=True)
    make_owner(baton, "U0BEN")
    enable(baton, "absent tracking", user="U0BEN")
    command(baton, "/guardrails", "", user="U0ADM")
    baton.slack.click(
        baton.standin.ephemerals("U0ADM")[-1], "Disable", user="U0ADM", channel="C0LAUNCH"
    )
    eventually(lambda: "Disabled by @adm" in rendered(baton, baton.standin.ephemerals("U0ADM")[-1]))


def test_guardrails_without_any_says_how_they_come(baton: RunningBaton) -> None:
    assert "twice" in command(baton, "/guardrails", "")


def open_draft(baton: RunningBaton, surface: str) -> dict[str, Any]:
    opened = len(baton.standin.calls_to("views.open"))
    assert baton.slack.command("/draft", surface, user="U0ANA").status_code == 200
    wait_for(lambda: baton.standin.calls_to("views.open"), count=opened + 1)
    return baton.slack.last_view()


def submit_draft(baton: RunningBaton, surface: str, form: dict[str, Any]) -> Any:
    return baton.slack.submit(open_draft(baton, surface), form, user="U0ANA")


def test_draft_template_states_the_surface_constraints(baton: RunningBaton) -> None:
    view = open_draft(baton, "x")
    text = baton.standin.render(view["blocks"], "")
    assert "280 characters" in text
    surface = next(b for b in view["blocks"] if b.get("block_id") == "surface")
    assert surface["element"]["initial_option"]["value"] == "X"
    assert "No surface called" in command(baton, "/draft", "Myspace")


def test_draft_copy_over_the_limit_is_refused_with_the_excess(baton: RunningBaton) -> None:
    too_long = {"Name": "teaser", "Surface": "X", "Copy": "a" * 320}
    assert (
        errors_of(submit_draft(baton, "X", too_long))["copy"]
        == "320 characters: 40 over the X limit of 280; cut 40."
    )
    subject = {
        "Name": "issue 12",
        "Surface": "Newsletter",
        "Copy": "Hello",
        "Subject": "s" * 72,
        "Link": "https://n.example.com/12",
    }
    assert "12 over" in errors_of(submit_draft(baton, "Newsletter", subject))["subject"]
    assert baton.standin.messages("C0LAUNCH") == []


def test_an_accepted_draft_is_posted_as_durable(baton: RunningBaton) -> None:
    form = {"Name": "teaser", "Surface": "X", "Copy": "Spring is here. #launch"}
    assert "errors" not in submit_draft(baton, "X", form).text
    wait_for(lambda: baton.standin.messages("C0LAUNCH"))
    post = rendered(baton, baton.standin.messages("C0LAUNCH")[0])
    assert "Draft: teaser" in post and "Spring is here." in post and "draft: teaser" in post
