"""The steps the handoff form and its Edit share before either decides: read the form, know
the people it names, check the contract, the channel's guardrails and testability; each
refusal answered at its field."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from slack_bolt import Ack

from bot.container import Services
from bot.guardrails.failures import FailureClass
from bot.guardrails.recording import Failure
from bot.guardrails.rules import Guardrail, check_handoff
from bot.handoffs.contract import (
    HandoffDraft,
    HandoffField,
    HandoffForm,
    Refusal,
    split_bullets,
    untestable,
    validate_handoff,
)
from bot.handoffs.testability import Finding
from bot.ids import BLOCK_FOR_FIELD, Action, HandoffBlock
from bot.kernel.mrkdwn import Mrkdwn, md, mention
from bot.kernel.working_hours import deliver_at, zone_or_utc
from bot.people.person import Person
from bot.slack.form_people import people_or_refuse
from bot.slack.form_state import value_of

AS_IT_IS = "Submit again to hand it off as it is."
STRICT = "This channel requires testable handoffs (a guardrail after repeated vague handoffs): "


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
        nothing_open=bool(ticked(view, HandoffBlock.NOTHING_OPEN)),
    )


def ticked(view: dict[str, Any], block_id: str) -> set[str]:
    """The values of the checkboxes ticked in a block."""
    values = view.get("state", {}).get("values", {})
    chosen = values.get(block_id, {}).get(Action.VALUE, {})
    return {o.get("value", "") for o in chosen.get("selected_options") or []}


@dataclass
class Checked:
    form: HandoffForm
    people: dict[str, Person]
    result: HandoffDraft | Refusal
    errors: dict[HandoffField, str]  # the contract's; callers add their own
    findings: dict[HandoffField, Finding] = field(default_factory=dict)
    # Said at the field once; an identical second Submit goes ahead (see check_testability).
    confirm: dict[HandoffField, str] = field(default_factory=dict)


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
    return Checked(form, people, result, errors, untestable(form))


def check_guardrails(
    services: Services, view: dict[str, Any], checked: Checked, channel_id: str
) -> bool:
    """The channel's guardrails on top of the contract, added at their fields. True when the
    channel made testability a rule (no second Submit to send a vague handoff as it is)."""
    enabled = services.guardrails.enabled(channel_id)
    if not enabled:
        return False
    form = checked.form
    next_owner = checked.people.get(form.next_owner_id or "")
    zone = zone_or_utc(next_owner.tz if next_owner else None)
    guarded = check_handoff(
        enabled,
        done=split_bullets(form.done),
        backup_owner_id=form.backup_owner_id,
        act_by_given=form.act_by is not None,
        durable_names=services.drafts.names(channel_id),
        act_by_in_hours=form.act_by is None
        or deliver_at(form.act_by, services.own_hours.hours_of(form.next_owner_id), zone)
        == form.act_by,
        checklist=services.guardrails.checklist(channel_id),
        confirmed=ticked(view, HandoffBlock.CHECKLIST),
    )
    for label, message in guarded.items():
        checked.errors.setdefault(HandoffField(label), message)
    return Guardrail.TESTABLE_HANDOFF in enabled


def check_away(services: Services, checked: Checked, author_id: str) -> None:
    """A next owner Slack says is out past the act-by (read when they were picked): said at
    the field once, the end in the author's zone; the same Submit again keeps them."""
    draft = checked.result
    if not isinstance(draft, HandoffDraft):
        return
    owner_id = draft.next_owner_id
    words = services.people.away(owner_id, draft.act_by, zone=services.people.cached_tz(author_id))
    if words is None:
        return
    owner = checked.people.get(owner_id)
    name = f"@{owner.name if owner and owner.name else owner_id}"
    checked.confirm[HandoffField.NEXT_OWNER] = (
        f"{name} {words} — pick someone else, or keep {name} and the backup is asked at act-by"
    )


def check_testability(
    services: Services, view: dict[str, Any], checked: Checked, *, strict: bool, kind: str
) -> bool:
    """Testability findings, and whatever else a second Submit may confirm (`confirm`):
    answered at their fields the first time, with how to fix them. True when this Submit
    repeats one answered so (same view, same lines): it goes as it is, and, with findings, is
    a vague handoff. Where the channel made testability a rule (`strict`), findings are
    always refused."""
    findings = {} if strict else checked.findings
    if strict:
        for name, finding in checked.findings.items():
            checked.errors.setdefault(name, STRICT + finding.message)
    asked = {name: f"{finding.message} {AS_IT_IS}" for name, finding in findings.items()}
    for name, message in checked.confirm.items():
        asked[name] = f"{asked[name]} {message}" if name in asked else message
    if not asked:
        return False
    form = checked.form
    said: list[Any] = (
        [kind, form.done, form.open, form.nothing_open, form.next_action] if findings else []
    )
    if checked.confirm:  # testability alone keeps the fingerprint it always had
        said.append(sorted(checked.confirm.items()))
    fingerprint = hashlib.sha256(json.dumps(said).encode()).hexdigest()
    if services.handoffs.seen_as_is(view["id"], fingerprint):
        return True
    for name, message in asked.items():
        checked.errors.setdefault(name, message)
    return False


def record_vague(
    services: Services, checked: Checked, *, channel_id: str, author: str, ref: str, what: Mrkdwn
) -> None:
    """A handoff sent as it is past its findings: a `vague handoff` failure of the channel."""
    services.guardrails.record(
        Failure(
            channel_id=channel_id,
            class_id=FailureClass.VAGUE_HANDOFF,
            ref=f"vague-handoff:{ref}",
            where=md(
                what,
                " by ",
                mention(author),
                " went out vague: ",
                "; ".join(f.short for f in checked.findings.values()),
            ),
            at=services.clock.now(),
            people=(author,),
        )
    )


def refused(ack: Ack, checked: Checked) -> bool:
    """Answer the form at each failing field; True when it was refused."""
    if not checked.errors and not isinstance(checked.result, Refusal):
        return False
    ack(
        response_action="errors",
        errors={BLOCK_FOR_FIELD[field]: message for field, message in checked.errors.items()},
    )
    return True
