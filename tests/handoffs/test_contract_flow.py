"""A contract that teaches (issue 22), over signed HTTP against the stand-in: a vague handoff
is answered at its fields with how to fix it; the same Submit again sends it as it is and is
recorded as a vague handoff; twice in a channel, a guardrail makes the rule hard. Edit answers
to the same contract and the channel's checklist."""

from __future__ import annotations

from typing import Any

from sqlmodel import select

from store.models import FailureOccurrence
from tests.conftest import RunningBaton
from tests.handoffs.test_handoff_flow import GOOD_FORM, open_modal, wait_for
from tests.handoffs.test_lifecycle import CHANNEL, click, made, post, shown

VAGUE = {
    **GOOD_FORM,
    "Done": "worked on various bits of the launch with the team, lots of progress across the "
    "board…",
    "Open": "Not sure, a few things",
    "Next action": "Keep the momentum going and follow up with everyone as needed",
}
AS_IT_IS = "Submit again to hand it off as it is."


def submit(baton: RunningBaton, view: dict[str, Any], form: dict[str, Any]) -> dict[str, Any]:
    response = baton.slack.submit(view, form, user="U0CAI")
    assert response.status_code == 200
    return dict(response.json()) if response.text not in ("", "null") else {}


def vague_failures(baton: RunningBaton) -> list[FailureOccurrence]:
    baton.services.settle()
    with baton.services.db.read() as session:
        return list(
            session.exec(
                select(FailureOccurrence).where(FailureOccurrence.class_id == "vague_handoff")
            ).all()
        )


def top_posts(baton: RunningBaton) -> list[dict[str, Any]]:
    return [m for m in baton.standin.messages(CHANNEL) if not m.get("thread_ts")]


def test_a_vague_handoff_is_answered_at_each_field_then_sent_as_it_is(baton: RunningBaton) -> None:
    view = open_modal(baton)
    errors = submit(baton, view, VAGUE)["errors"]
    assert set(errors) == {"done", "open", "next_action"}
    assert errors["done"] == (
        "“worked on” says nothing the next person can check: say what exists now and where, "
        f"e.g. “Launch copy drafted in https://docs.example.com/copy”. {AS_IT_IS}"
    )
    assert errors["open"].startswith("“a few things” does not say what is open")
    assert errors["next_action"].startswith("“Keep the momentum” is not a next step")
    assert all(message.endswith(AS_IT_IS) for message in errors.values())
    baton.services.settle()
    assert top_posts(baton) == [] and vague_failures(baton) == []

    # A change that is still vague is answered again, not sent.
    still = {**VAGUE, "Next action": "Sync with design"}
    assert "“Sync” is not a next step" in submit(baton, view, still)["errors"]["next_action"]

    assert submit(baton, view, still) == {}  # the same Submit again: sent as it is
    wait_for(lambda: top_posts(baton))
    assert "Not sure, a few things" in shown(baton, top_posts(baton)[0])
    wait_for(lambda: baton.standin.dms("U0ANA"))
    [failure] = vague_failures(baton)
    assert failure.channel_id == CHANNEL and failure.people == ["U0CAI"]
    assert "/handoff *launch copy* by <@U0CAI> went out vague: Done “worked on”" in failure.where


def test_the_second_submit_may_reach_another_process(baton_factory: Any, database_url: str) -> None:
    """What was answered is kept in the database: a Submit that reaches another process (or
    a restarted one) is still the second."""
    first, second = baton_factory(database_url), baton_factory(database_url)
    view = open_modal(first)
    assert "errors" in submit(first, view, VAGUE)
    assert submit(second, view, VAGUE) == {}
    wait_for(lambda: top_posts(second))
    assert len(vague_failures(second)) == 1


def test_a_good_handoff_is_sent_at_the_first_submit(baton: RunningBaton) -> None:
    assert submit(baton, open_modal(baton), GOOD_FORM) == {}
    wait_for(lambda: top_posts(baton))
    assert vague_failures(baton) == []


def test_hard_rules_refuse_with_the_findings_and_a_fixed_form_goes_as_it_is(
    baton: RunningBaton,
) -> None:
    view = open_modal(baton)
    no_owner = {k: v for k, v in VAGUE.items() if k != "Next owner"}
    errors = submit(baton, view, no_owner)["errors"]
    assert set(errors) == {"done", "open", "next_action", "next_owner"}
    assert errors["next_owner"] == "Pick the person who acts next."
    # The owner picked, the lines kept as they were: sent as it is.
    assert submit(baton, view, VAGUE) == {}
    wait_for(lambda: top_posts(baton))
    assert len(vague_failures(baton)) == 1


def test_done_and_open_are_required_unless_nothing_is_open(baton: RunningBaton) -> None:
    view = open_modal(baton)
    errors = submit(baton, view, {**GOOD_FORM, "Done": "", "Open": ""})["errors"]
    assert errors == {
        "done": "Say what is done, one line each, e.g. “Launch copy drafted in <link>”.",
        "open": "Say what is still open or uncertain, one line each, or tick “Nothing open”.",
    }
    nothing_open = {**GOOD_FORM, "Open": "", "Nothing open": ["nothing_open"]}
    assert submit(baton, view, nothing_open) == {}
    wait_for(lambda: top_posts(baton))
    text = shown(baton, top_posts(baton)[0])
    assert "Open\nnothing open" in text.replace("*", "").replace("_", ""), text
    assert "none" not in text
    # Edit keeps the choice: the box comes ticked, and saving as it is passes.
    edit = edit_view(baton)
    [box] = [b for b in edit["blocks"] if b["label"]["text"] == "Nothing open"]
    assert [o["value"] for o in box["element"]["initial_options"]] == ["nothing_open"]
    assert submit(baton, edit, {"Status": "Copy final"}) == {}


def test_a_vague_handoff_twice_in_a_channel_proposes_the_guardrail_that_makes_it_hard(
    baton: RunningBaton,
) -> None:
    for item in ("launch copy", "newsletter"):
        view = open_modal(baton, text=item)
        form = {**VAGUE, "Work item": item}
        assert "errors" in submit(baton, view, form)
        assert submit(baton, view, form) == {}
    assert len(vague_failures(baton)) == 2
    baton.sweep()
    [proposal] = [m for m in top_posts(baton) if "happened twice" in shown(baton, m)]
    said = shown(baton, proposal)
    assert "Vague handoff" in said and "Every handoff is testable" in said

    click(baton, proposal, "Enable", "U0CAI")
    baton.services.settle()
    view = open_modal(baton, text="press kit")
    form = {**VAGUE, "Work item": "press kit"}
    for _ in range(2):  # no second Submit past it any more
        errors = submit(baton, view, form)["errors"]
        assert errors["open"].startswith(
            "This channel requires testable handoffs (a guardrail after repeated vague "
            "handoffs): “a few things” does not say what is open"
        )
        assert AS_IT_IS not in errors["open"]
    assert submit(baton, view, GOOD_FORM | {"Work item": "press kit"}) == {}


def edit_view(baton: RunningBaton) -> dict[str, Any]:
    click(baton, post(baton), "Edit", "U0CAI")
    return baton.slack.last_view()


def test_edit_answers_to_the_same_contract(baton: RunningBaton) -> None:
    made(baton)
    view = edit_view(baton)
    errors = submit(baton, view, {"Done": "", "Open": ""})["errors"]
    assert set(errors) == {"done", "open"}
    vague = {"Next action": "Follow up with everyone as needed"}
    errors = submit(baton, view, vague)["errors"]
    assert errors == {
        "next_action": "“Follow up” is not a next step anyone can finish: name what the next "
        f"owner delivers, e.g. “Publish the LinkedIn post and log its reach at 24h”. {AS_IT_IS}"
    }
    assert submit(baton, view, vague) == {}
    wait_for(lambda: [f for f in vague_failures(baton) if f.where.startswith("Edit of")])
    assert "Follow up with everyone" in shown(baton, post(baton))


def test_edit_asks_for_the_channels_checklist(baton: RunningBaton) -> None:
    made(baton)
    for item in ("KPI capture", "newsletter"):
        baton.slack.command(
            "/blocked", f'"{item}" on "vendor" because vendor portal outage', user="U0ANA"
        )
    baton.sweep()
    [proposal] = [m for m in top_posts(baton) if "happened twice" in shown(baton, m)]
    click(baton, proposal, "Enable", "U0ANA")
    baton.services.settle()
    view = edit_view(baton)
    errors = submit(baton, view, {"Status": "Copy final"})["errors"]
    assert "I checked: vendor portal outage" in errors["checklist"]
    assert (
        submit(baton, view, {"Status": "Copy final", "Checklist": ["vendor portal outage"]}) == {}
    )
