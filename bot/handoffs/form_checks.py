"""The steps the handoff form and its Edit share before either decides: read the form, know
the people it names, and check the contract; each refusal answered at its field."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from slack_bolt import Ack

from bot.container import Services
from bot.handoffs.contract import HandoffDraft, HandoffField, HandoffForm, Refusal, validate_handoff
from bot.ids import BLOCK_FOR_FIELD, HandoffBlock
from bot.people.person import Person
from bot.slack.form_people import people_or_refuse
from bot.slack.form_state import value_of


def read_form(view: dict[str, Any]) -> HandoffForm:
    act_by_raw = value_of(view, HandoffBlock.ACT_BY)
    return HandoffForm(
        work_item=value_of(view, HandoffBlock.WORK_ITEM),
        status=value_of(view, HandoffBlock.STATUS),
        done=value_of(view, HandoffBlock.DONE),
        open=value_of(view, HandoffBlock.OPEN),
        next_owner_id=value_of(view, HandoffBlock.NEXT_OWNER),
        next_action=value_of(view, HandoffBlock.NEXT_ACTION),
        backup_owner_id=value_of(view, HandoffBlock.BACKUP_OWNER),
        act_by=datetime.fromtimestamp(int(act_by_raw), UTC) if act_by_raw is not None else None,
        urgency=value_of(view, HandoffBlock.URGENCY),
    )


@dataclass
class Checked:
    form: HandoffForm
    people: dict[str, Person]
    result: HandoffDraft | Refusal
    errors: dict[HandoffField, str]  # the contract's; callers add their own


def form_or_refuse(ack: Ack, view: dict[str, Any]) -> HandoffForm | None:
    try:
        return read_form(view)
    except (TypeError, ValueError, AttributeError):
        ack(response_action="errors", errors={HandoffBlock.ACT_BY: "Pick a date and time."})
        return None


def check_contract(
    services: Services, ack: Ack, body: dict[str, Any], form: HandoffForm
) -> Checked | None:
    """The contract checked for this form; None once the form was answered (Slack did not
    say who someone is)."""
    named = [form.next_owner_id, form.backup_owner_id]
    people = people_or_refuse(services, ack, named, block=HandoffBlock.NEXT_OWNER)
    if people is None:
        return None
    result = validate_handoff(
        form,
        people,
        now=services.clock.now(),
        act_within=services.settings.act_within,
        hours=services.own_hours.hours_of(form.next_owner_id),
        author_id=body["user"]["id"],
    )
    errors = dict(result.errors) if isinstance(result, Refusal) else {}
    return Checked(form, people, result, errors)


def refused(ack: Ack, checked: Checked) -> bool:
    """Answer the form at each failing field; True when it was refused."""
    if not checked.errors and not isinstance(checked.result, Refusal):
        return False
    ack(
        response_action="errors",
        errors={BLOCK_FOR_FIELD[field]: message for field, message in checked.errors.items()},
    )
    return True
