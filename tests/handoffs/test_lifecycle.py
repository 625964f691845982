"""A handoff from made to done, over signed HTTP against the stand-in: each state change and
button, who may press it, and the messages edited in place."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlmodel import col, select

from bot.handoffs.lifecycle import HandoffState
from store.models import Handoff, HandoffStateChange, OutboxMessage
from tests.conftest import RunningBaton
from tests.handoffs.test_handoff_flow import GOOD_FORM, open_modal

CHANNEL = "C0LAUNCH"


def hand_off(baton: RunningBaton, user: str = "U0CAI", **changes: Any) -> Any:
    view = open_modal(baton, user=user)
    form = {**GOOD_FORM, **changes}
    return baton.slack.submit(view, {k: v for k, v in form.items() if v is not None}, user=user)


def made(baton: RunningBaton, user: str = "U0CAI", **changes: Any) -> None:
    response = hand_off(baton, user, **changes)
    assert response.status_code == 200 and "errors" not in response.text, response.text


def advance(baton: RunningBaton, delta: timedelta) -> None:
    baton.clock.advance(delta)
    baton.sweep()


def shown(baton: RunningBaton, message: dict[str, Any]) -> str:
    return baton.standin.render(message.get("blocks") or [], message.get("text", ""))


def post(baton: RunningBaton, index: int = 0) -> dict[str, Any]:
    return [m for m in baton.standin.messages(CHANNEL) if not m.get("thread_ts")][index]


def thread(baton: RunningBaton) -> list[dict[str, Any]]:
    return [m for m in baton.standin.messages(CHANNEL) if m.get("thread_ts")]


def dms(baton: RunningBaton, user: str) -> list[dict[str, Any]]:
    return baton.standin.dms(user)


def last_ephemeral(baton: RunningBaton, user: str) -> str:
    return shown(baton, baton.standin.ephemerals(user)[-1])


def click(baton: RunningBaton, message: dict[str, Any], button: str, user: str) -> None:
    response = baton.slack.click(message, button, user=user, channel=message["channel"])
    assert response.status_code == 200


def handoff_row(baton: RunningBaton, handoff_id: int = 1) -> Handoff:
    with baton.services.db.read() as session:
        row = session.get(Handoff, handoff_id)
        assert row is not None
        return row


def history(baton: RunningBaton, handoff_id: int = 1) -> list[tuple[str, str, str]]:
    with baton.services.db.read() as session:
        rows = session.exec(
            select(HandoffStateChange)
            .where(HandoffStateChange.handoff_id == handoff_id)
            .order_by(col(HandoffStateChange.id))
        ).all()
        return [(r.from_state, r.to_state, r.changed_by) for r in rows]


def posts_and_updates(baton: RunningBaton) -> tuple[int, int]:
    return len(baton.standin.calls_to("chat.postMessage")), len(
        baton.standin.calls_to("chat.update")
    )


# -- Done, Withdraw, Acknowledge: edited in place, stored with who and when -------------------


def test_done_edits_the_post_and_dm_in_place_tells_the_author_and_is_stored(
    baton: RunningBaton,
) -> None:
    made(baton)
    dm = dms(baton, "U0ANA")[0]
    assert "[ Acknowledge ]  [ Done ]  [ Reassign ]  [ Snooze ]" in shown(baton, dm)
    assert "Legal review passed" in shown(baton, dm)  # the Done bullets, not only the Open
    click(baton, dm, "Acknowledge", "U0ANA")
    posted_before = len(baton.standin.messages(CHANNEL))
    click(baton, dms(baton, "U0ANA")[0], "Done", "U0ANA")
    assert len(baton.standin.messages(CHANNEL)) == posted_before  # never a repost
    post_text, dm_text = shown(baton, post(baton)), shown(baton, dms(baton, "U0ANA")[0])
    assert "Done: marked by @ana" in post_text and "Done: marked by @ana" in dm_text
    assert "[ " not in dm_text and "[ Withdraw ]" not in post_text  # nothing left to press
    told = [shown(baton, m) for m in dms(baton, "U0CAI")]
    assert len(told) == 1 and "@ana marked done" in told[0] and "launch copy" in told[0]
    row = handoff_row(baton)
    assert row.state == HandoffState.DONE and row.state_changed_by == "U0ANA"
    assert history(baton) == [
        ("open", "open", "U0CAI"),
        ("open", "acknowledged", "U0ANA"),
        ("acknowledged", "done", "U0ANA"),
    ]


def test_withdraw_is_the_authors_and_ends_the_handoff(baton_factory: Any) -> None:
    baton: RunningBaton = baton_factory(act_within="PT1H", escalate_after="PT1H")
    made(baton)
    click(baton, post(baton), "Withdraw", "U0DEE")
    assert "only @cai can press Withdraw" in last_ephemeral(baton, "U0DEE")
    click(baton, post(baton), "Withdraw", "U0ANA")
    assert "only @cai can press Withdraw" in last_ephemeral(baton, "U0ANA")
    assert handoff_row(baton).state == HandoffState.OPEN

    click(baton, post(baton), "Withdraw", "U0CAI")
    assert "Withdrawn by @cai" in shown(baton, post(baton))
    assert "Withdrawn by @cai" in shown(baton, dms(baton, "U0ANA")[0])
    advance(baton, timedelta(days=2))  # no nudge, no escalation
    assert len(dms(baton, "U0ANA")) == 1 and dms(baton, "U0BEN") == [] and thread(baton) == []


def test_a_button_of_a_finished_handoff_says_so(baton: RunningBaton) -> None:
    made(baton)
    dm = dms(baton, "U0ANA")[0]
    click(baton, dm, "Done", "U0ANA")
    click(baton, dm, "Done", "U0ANA")  # the stale copy Slack may still show
    assert "is done already" in last_ephemeral(baton, "U0ANA")


# -- Reassign ---------------------------------------------------------------------------------


def test_reassign_hands_it_to_someone_new_and_tells_the_old_owner_and_the_author(
    baton: RunningBaton,
) -> None:
    made(baton)
    click(baton, dms(baton, "U0ANA")[0], "Reassign", "U0ANA")
    modal = baton.slack.last_view()
    assert [b["label"]["text"] for b in modal["blocks"] if b["type"] == "input"] == [
        "New next owner",
        "Note",
    ]
    same = baton.slack.submit(modal, {"New next owner": "U0ANA"}, user="U0ANA").json()
    assert "next owner already" in same["errors"]["new_owner"]
    bot = baton.slack.submit(modal, {"New next owner": "U0BOT"}, user="U0ANA").json()
    assert "errors" in bot
    response = baton.slack.submit(
        modal, {"New next owner": "U0DEE", "Note": "I am out until Monday"}, user="U0ANA"
    )
    assert response.text in ("", "null")
    post_text = shown(baton, post(baton))
    assert "Next owner: @dee (reassigned from @ana)" in post_text
    assert "[ Acknowledge ]" in post_text  # the new owner has not acknowledged yet
    dee = dms(baton, "U0DEE")
    assert len(dee) == 1 and "[ Acknowledge ]  [ Done ]" in shown(baton, dee[0])
    ana_dm = shown(baton, dms(baton, "U0ANA")[0])
    assert "Reassigned to @dee by @ana" in ana_dm and "[ Done ]" not in ana_dm
    cai = [shown(baton, m) for m in dms(baton, "U0CAI")]
    assert any("@ana reassigned to @dee (I am out until Monday)" in t for t in cai)
    assert handoff_row(baton).next_owner_id == "U0DEE"
    assert history(baton)[-1] == ("open", "reassigned", "U0ANA")
    # Ana may not press Dee's buttons any more.
    click(baton, dms(baton, "U0ANA")[0] | {"blocks": dee[0]["blocks"]}, "Done", "U0ANA")
    assert "This handoff is for @dee" in last_ephemeral(baton, "U0ANA")


def test_the_author_may_reassign_but_a_bystander_may_not(baton: RunningBaton) -> None:
    made(baton)
    opened = len(baton.standin.calls_to("views.open"))
    home_dm = dms(baton, "U0ANA")[0]
    baton.slack.click(home_dm, "Reassign", user="U0DEE", channel=CHANNEL)
    assert "only @ana or @cai can press Reassign" in last_ephemeral(baton, "U0DEE")
    assert len(baton.standin.calls_to("views.open")) == opened  # no modal for Dee


# -- Snooze, across a weekend in the next owner's working time --------------------------------


def test_snooze_within_three_working_days_moves_the_nudge_and_tells_the_author(
    baton_factory: Any,
) -> None:
    baton: RunningBaton = baton_factory(
        act_within="PT4H", escalate_after="PT2H", working_hours="09:00-18:00 Mon-Fri"
    )
    made(baton)  # Tue 10:00 UTC, Ana in Berlin: act by 15:00 Berlin
    act_by = handoff_row(baton).act_by.replace(tzinfo=UTC)
    assert act_by == datetime(2026, 11, 24, 14, 0, tzinfo=UTC)
    click(baton, dms(baton, "U0ANA")[0], "Snooze", "U0ANA")
    modal = baton.slack.last_view()
    # Tue, Wed, Thu: the end of Ana's third working day is Thu 18:00 Berlin (17:00 UTC).
    too_late = int(datetime(2026, 11, 26, 17, 30, tzinfo=UTC).timestamp())
    refused = baton.slack.submit(modal, {"New act by": too_late}, user="U0ANA").json()
    assert "3 working days" in refused["errors"]["new_act_by"]
    assert "Thu 26 Nov 18:00" in refused["errors"]["new_act_by"]
    thursday = int(datetime(2026, 11, 26, 9, 0, tzinfo=UTC).timestamp())
    assert baton.slack.submit(modal, {"New act by": thursday}, user="U0ANA").text in ("", "null")
    assert any("@ana snoozed" in shown(baton, m) for m in dms(baton, "U0CAI"))
    advance(baton, timedelta(hours=8))  # the old act-by passes: nothing
    assert len(dms(baton, "U0ANA")) == 1
    advance(baton, datetime(2026, 11, 26, 9, 0, tzinfo=UTC) - baton.clock.now())
    assert len(dms(baton, "U0ANA")) == 2 and "waiting on you" in dms(baton, "U0ANA")[-1]["text"]
    assert history(baton)[-1][1:] == ("open", "U0ANA")


def test_a_friday_evening_handoff_is_due_in_the_next_owners_monday_and_nothing_nags_the_weekend(
    baton_factory: Any,
) -> None:
    baton: RunningBaton = baton_factory(
        act_within="PT4H", escalate_after="PT2H", working_hours="09:00-18:00 Mon-Fri"
    )
    baton.clock.advance(datetime(2026, 11, 27, 17, 0, tzinfo=UTC) - baton.clock.now())  # Fri
    # Dee works in Kolkata (UTC+5:30): Friday 22:30 for her. Four working hours of hers
    # are Monday 09:00-13:00, 07:30 UTC.
    made(baton, **{"Next owner": "U0DEE", "Backup owner": "U0BEN"})
    due = datetime(2026, 11, 30, 7, 30, tzinfo=UTC)
    assert handoff_row(baton).act_by.replace(tzinfo=UTC) == due
    while baton.clock.now() + timedelta(hours=3) < due:
        advance(baton, timedelta(hours=3))
        assert len(dms(baton, "U0DEE")) == 1, baton.clock.now()
        assert dms(baton, "U0BEN") == [] and thread(baton) == []
    advance(baton, due - baton.clock.now())
    assert len(dms(baton, "U0DEE")) == 2  # the nudge, Monday 13:00 in Kolkata
    advance(baton, timedelta(hours=2))  # 09:30 in London: Ben's working day
    assert len(dms(baton, "U0BEN")) == 1 and len(thread(baton)) == 1
    assert "2h late" in shown(baton, thread(baton)[0])


def test_the_thread_hears_of_an_escalation_only_with_the_backups_dm(baton_factory: Any) -> None:
    baton: RunningBaton = baton_factory(escalate_after="PT2H", working_hours="09:00-18:00 Mon-Fri")
    # Backup Cai is in New York: the escalation is due 13:00 UTC, 08:00 for him.
    act_by = int(datetime(2026, 11, 24, 11, 0, tzinfo=UTC).timestamp())
    made(baton, user="U0BEN", **{"Backup owner": "U0CAI", "Act by": act_by})
    advance(baton, timedelta(hours=1))  # 11:00: the nudge
    advance(baton, timedelta(hours=2, minutes=30))  # 13:30 UTC, 08:30 in New York
    assert dms(baton, "U0CAI") == [] and thread(baton) == []
    advance(baton, timedelta(minutes=30))  # 09:00 in New York
    assert len(dms(baton, "U0CAI")) == 1 and len(thread(baton)) == 1
    assert float(thread(baton)[0]["ts"]) > float(dms(baton, "U0CAI")[0]["ts"])


# -- the backup's escalation: Take over, Reach them --------------------------------------------


def escalated(baton_factory: Any) -> RunningBaton:
    baton: RunningBaton = baton_factory(act_within="PT1H", escalate_after="PT1H")
    made(baton)
    advance(baton, timedelta(hours=1))
    advance(baton, timedelta(hours=1))
    assert len(dms(baton, "U0BEN")) == 1
    return baton


def test_take_over_makes_the_backup_the_next_owner_and_tells_ben_and_the_author(
    baton_factory: Any,
) -> None:
    baton = escalated(baton_factory)
    escalation = dms(baton, "U0BEN")[0]
    assert "[ Take over ]  [ Reach them ]" in shown(baton, escalation)
    click(baton, escalation, "Take over", "U0BEN")
    post_text = shown(baton, post(baton))
    assert "Next owner: @ben (took over from @ana)" in post_text
    assert "[ Take over ]" not in shown(baton, dms(baton, "U0BEN")[0])  # edited in place
    # Its notification text says what happened, not a lateness that no longer holds.
    edited = dms(baton, "U0BEN")[0]["text"]
    assert edited.startswith("You were asked to step in on launch copy: ") and "late" not in edited
    ben_dm = shown(baton, dms(baton, "U0BEN")[-1])
    assert "You took over launch copy from @ana" in ben_dm and "[ Done ]" in ben_dm
    ana = shown(baton, dms(baton, "U0ANA")[-1])
    cai = shown(baton, dms(baton, "U0CAI")[-1])
    assert "@ben took over from @ana" in ana and "@ben took over from @ana" in cai
    assert "[ Done ]" not in shown(baton, dms(baton, "U0ANA")[0])  # not Ana's any more
    row = handoff_row(baton)
    assert (row.state, row.next_owner_id, row.previous_owner_id) == ("taken_over", "U0BEN", "U0ANA")
    click(baton, dms(baton, "U0BEN")[-1], "Done", "U0BEN")
    assert "Done: marked by @ben" in shown(baton, post(baton))


def test_reach_them_acknowledges_for_now_and_it_stays_with_the_next_owner(
    baton_factory: Any,
) -> None:
    baton = escalated(baton_factory)
    click(baton, dms(baton, "U0BEN")[0], "Reach them", "U0BEN")
    row = handoff_row(baton)
    assert (row.state, row.next_owner_id, row.acknowledged_by) == ("acknowledged", "U0ANA", "U0BEN")
    assert "Acknowledged by @ben" in shown(baton, post(baton))
    assert "[ Done ]" in shown(baton, dms(baton, "U0ANA")[0])
    advance(baton, timedelta(days=3))  # escalated once: never again
    assert len(dms(baton, "U0BEN")) == 1 and len(thread(baton)) == 1


def test_only_the_backup_may_take_over(baton_factory: Any) -> None:
    baton = escalated(baton_factory)
    escalation = dms(baton, "U0BEN")[0]
    baton.slack.click(escalation, "Take over", user="U0DEE", channel=CHANNEL)
    assert "only @ben can press Take over" in last_ephemeral(baton, "U0DEE")
    assert handoff_row(baton).next_owner_id == "U0ANA"


# -- Edit ---------------------------------------------------------------------------------------


def test_edit_before_acknowledgement_updates_the_post_and_dm_in_place(baton: RunningBaton) -> None:
    made(baton)
    click(baton, post(baton), "Edit", "U0CAI")
    modal = baton.slack.last_view()
    status = next(b for b in modal["blocks"] if b.get("label", {}).get("text") == "Status")
    assert status["element"]["initial_value"] == GOOD_FORM["Status"]
    before = posts_and_updates(baton)
    response = baton.slack.submit(modal, {"Next action": "Publish on LinkedIn at 9"}, user="U0CAI")
    assert response.text in ("", "null"), response.text
    posts, updates = posts_and_updates(baton)
    assert posts == before[0] and updates >= before[1] + 2
    assert "Publish on LinkedIn at 9" in shown(baton, post(baton))
    assert "Publish on LinkedIn at 9" in shown(baton, dms(baton, "U0ANA")[0])
    renamed = baton.slack.submit(modal, {"Work item": "other thing"}, user="U0CAI").json()
    assert "work item stays" in renamed["errors"]["work_item"]

    click(baton, dms(baton, "U0ANA")[0], "Acknowledge", "U0ANA")
    assert "[ Edit ]" not in shown(baton, post(baton))
    stale = post(baton) | {"blocks": modal_post_blocks_with_edit(baton)}
    click(baton, stale, "Edit", "U0CAI")
    assert "nobody has acknowledged yet" in last_ephemeral(baton, "U0CAI")


def modal_post_blocks_with_edit(baton: RunningBaton) -> list[dict[str, Any]]:
    """The post as it was before the acknowledgement (a client showing a stale copy)."""
    first_post = baton.standin.calls_to("chat.postMessage")[0].params
    return list(first_post["blocks"])


def test_only_the_author_may_edit(baton: RunningBaton) -> None:
    made(baton)
    click(baton, post(baton), "Edit", "U0ANA")
    assert "only @cai can press Edit" in last_ephemeral(baton, "U0ANA")


# -- one work item, one story -----------------------------------------------------------------


def test_a_new_handoff_by_the_next_owner_hands_the_previous_one_on(baton_factory: Any) -> None:
    baton: RunningBaton = baton_factory(act_within="PT1H", escalate_after="PT1H")
    made(baton)  # cai → ana
    made(baton, user="U0ANA", **{"Next owner": "U0DEE", "Backup owner": None})  # ana → dee
    first = handoff_row(baton, 1)
    assert first.state == HandoffState.HANDED_ON
    assert "Handed on by @ana" in shown(baton, post(baton, 0))
    advance(baton, timedelta(hours=1))
    advance(baton, timedelta(days=2))
    # Ana is never nudged about the first, Ben never asked, the thread stays quiet, and no
    # missed act-by is recorded for it.
    assert not [m for m in dms(baton, "U0ANA") if "waiting on you" in m["text"]]
    assert dms(baton, "U0BEN") == []
    assert [m for m in thread(baton) if m["thread_ts"] == post(baton, 0)["ts"]] == []
    with baton.services.db.read() as session:
        escalations = session.exec(
            select(OutboxMessage).where(
                col(OutboxMessage.idempotency_key).startswith("handoff:1:escalate")
            )
        ).all()
        assert [(e.idempotency_key, e.status) for e in escalations] == [
            ("handoff:1:escalate-dm", "cancelled"),
            ("handoff:1:escalate-thread", "cancelled"),
        ]


def test_someone_else_handing_off_the_same_item_leaves_the_first_alone(baton: RunningBaton) -> None:
    made(baton)  # cai → ana
    made(baton, user="U0DEE", **{"Next owner": "U0BEN", "Backup owner": None})
    assert handoff_row(baton, 1).state == HandoffState.OPEN


def test_marking_the_item_done_marks_its_handoff_done(baton_factory: Any) -> None:
    baton: RunningBaton = baton_factory(act_within="PT1H", escalate_after="PT1H")
    made(baton)
    baton.slack.command("/blocked", '"launch copy" done', user="U0ANA")
    assert handoff_row(baton).state == HandoffState.DONE
    assert "Done: marked by @ana" in shown(baton, post(baton))
    advance(baton, timedelta(days=1))
    assert len(dms(baton, "U0ANA")) == 1 and dms(baton, "U0BEN") == []


def test_a_blocked_item_says_so_and_escalates_to_the_root_blockers_owner(
    baton_factory: Any,
) -> None:
    baton: RunningBaton = baton_factory(act_within="PT1H", escalate_after="PT1H")
    baton.slack.command(
        "/blocked", '"launch copy" on "instrumentation metadata" <@U0DEE|dee>', user="U0CAI"
    )
    made(baton)
    expected = "blocked by instrumentation metadata (owner @dee)"
    assert expected in shown(baton, post(baton))
    assert expected in shown(baton, dms(baton, "U0ANA")[0])
    advance(baton, timedelta(hours=1))
    advance(baton, timedelta(hours=1))
    assert dms(baton, "U0BEN") == []  # narrow: not the backup
    dee = [shown(baton, m) for m in dms(baton, "U0DEE") if "Escalation" in m["text"]]
    assert len(dee) == 1 and "blocked by your instrumentation metadata" in dee[0]
    assert "[ Take over ]" not in dee[0]


# -- urgency, yourself, links ------------------------------------------------------------------


def test_low_urgency_gets_the_nudge_and_never_escalates(baton_factory: Any) -> None:
    baton: RunningBaton = baton_factory(act_within="PT1H", escalate_after="PT1H")
    made(baton, Urgency="low")
    assert "low urgency" in shown(baton, post(baton))
    advance(baton, timedelta(hours=1))
    assert len(dms(baton, "U0ANA")) == 2
    advance(baton, timedelta(days=3))
    assert dms(baton, "U0BEN") == [] and thread(baton) == []


def test_a_handoff_to_yourself_is_refused_at_the_field(baton: RunningBaton) -> None:
    body = hand_off(baton, user="U0ANA").json()
    assert "That is you" in body["errors"]["next_owner"]
    assert baton.standin.messages(CHANNEL) == []


def test_every_dm_names_the_channel_and_links_to_the_post(baton_factory: Any) -> None:
    baton: RunningBaton = baton_factory(act_within="PT1H", escalate_after="PT1H")
    made(baton)
    advance(baton, timedelta(hours=1))
    advance(baton, timedelta(hours=1))
    the_post = post(baton)
    link = f"https://acme.slack.com/archives/{CHANNEL}/p{the_post['ts'].replace('.', '')}"
    for user in ("U0ANA", "U0BEN"):
        for message in dms(baton, user):
            raw = str(message["blocks"])
            assert f"<#{CHANNEL}>" in raw and f"<{link}|open the post>" in raw, raw
            assert "#launch" in shown(baton, message)
    assert len(baton.standin.calls_to("chat.getPermalink")) == 1  # asked once, then kept


def test_the_modal_hint_shows_the_default_act_by_in_the_submitters_time(
    baton_factory: Any,
) -> None:
    baton: RunningBaton = baton_factory(act_within="PT4H", working_hours="09:00-18:00 Mon-Fri")
    baton.services.people.lookup("U0CAI")  # Cai in New York is known to Baton
    view = open_modal(baton)
    hint = next(b for b in view["blocks"] if b["label"]["text"] == "Act by")["hint"]["text"]
    # Tue 10:00 UTC is 05:00 in New York: his working day opens 09:00, due 13:00 his time.
    assert "Tue 24 Nov 13:00 your time (America/New_York)" in hint


# -- App Home ------------------------------------------------------------------------------------


def home(baton: RunningBaton, user: str) -> str:
    baton.slack.open_home(user)
    view = baton.standin.home(user)
    assert view is not None
    return baton.standin.render(view["blocks"])


def test_app_home_is_each_persons_desk(baton_factory: Any) -> None:
    baton: RunningBaton = baton_factory(act_within="PT1H", escalate_after="PT1H")
    made(baton)
    made(baton, **{"Work item": "newsletter", "Next owner": "U0DEE"})
    ana = home(baton, "U0ANA")
    assert "Waiting on you (1)" in ana and "launch copy" in ana
    assert "[ Acknowledge ]  [ Done ]  [ Reassign ]  [ Snooze ]" in ana
    cai = home(baton, "U0CAI")
    assert "Handed off by you (2)" in cai
    assert "launch copy → @ana · open, not acknowledged · 0s old" in cai
    assert "Nothing waits on you" in cai

    baton.slack.home_click("U0ANA", "Done", near="launch copy")  # from the home tab itself
    assert handoff_row(baton).state == HandoffState.DONE
    ana = baton.standin.render(baton.standin.home("U0ANA")["blocks"])  # type: ignore[index]
    assert "Nothing waits on you" in ana and "Done in the last 7 days (1)" in ana
    assert "Handed off by you (1)" in home(baton, "U0CAI")
    advance(baton, timedelta(days=8))
    assert "Done in the last 7 days (0)" in home(baton, "U0ANA")


def test_app_home_shows_twenty_of_each_and_counts_the_rest(baton: RunningBaton) -> None:
    for n in range(23):
        made(baton, **{"Work item": f"item {n}"})
    ana = home(baton, "U0ANA")
    # the earliest act-by first (all equal here: the newest first); the rest are due later
    assert "Waiting on you (23)" in ana and "…and 3 more, due later." in ana
    assert "item 22" in ana and "item 2\n" not in ana
    cai = home(baton, "U0CAI")
    assert "Handed off by you (23)" in cai and "…and 3 more, older." in cai


def test_a_home_button_that_is_not_yours_any_more_says_so_on_the_page(
    baton: RunningBaton,
) -> None:
    made(baton)
    home(baton, "U0ANA")
    click(baton, dms(baton, "U0ANA")[0], "Done", "U0ANA")
    baton.slack.home_click("U0ANA", "Done", near="launch copy")  # the page was stale
    assert "is done already" in baton.standin.render(
        baton.standin.home("U0ANA")["blocks"]  # type: ignore[index]
    )
