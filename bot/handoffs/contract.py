"""The handoff contract: what a handoff must say before Baton accepts it.

Pure rules: the listener gathers the form and the people involved, this module decides.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from bot.handoffs.lifecycle import Urgency, default_act_by
from bot.handoffs.testability import Finding, done_finding, next_action_finding, open_finding
from bot.kernel.stored_text import fits
from bot.kernel.working_hours import WorkingHours, zone_or_utc
from bot.people.person import Person

MAX_ITEM_NAME = 80
MAX_STATUS = 300
MAX_NEXT_ACTION = 500
MAX_BULLETS = 12
MAX_BULLET_CHARS = 200

# Placeholders that say nothing another person could check.
_UNTESTABLE = {"tbd", "todo", "n/a", "na", "misc", "stuff", "various", "etc", "wip", "?", "..."}
_BULLET_PREFIX = re.compile(r"^\s*(?:[-*•·]|\d+[.)])\s+")
_LINK = re.compile(r"https?://\S+|<https?://[^>]+>")


class HandoffField(StrEnum):
    """Form fields, named as the modal's labels name them."""

    WORK_ITEM = "Work item"
    STATUS = "Status"
    DONE = "Done"
    OPEN = "Open"
    NOTHING_OPEN = "Nothing open"
    NEXT_OWNER = "Next owner"
    NEXT_ACTION = "Next action"
    BACKUP_OWNER = "Backup owner"
    ACT_BY = "Act by"
    CHECKLIST = "Checklist"
    URGENCY = "Urgency"


@dataclass(frozen=True)
class HandoffForm:
    """The raw modal values, before any rule is applied."""

    work_item: str | None
    status: str | None
    done: str | None
    open: str | None
    next_owner_id: str | None
    next_action: str | None
    backup_owner_id: str | None
    act_by: datetime | None
    urgency: str | None = None
    nothing_open: bool = False  # ticked: an empty Open is a choice, not an omission


@dataclass(frozen=True)
class HandoffDraft:
    """A handoff that honours the contract, ready to be stored."""

    work_item: str
    status: str
    done: list[str]
    open: list[str]
    next_owner_id: str
    next_action: str
    backup_owner_id: str | None
    act_by: datetime
    urgency: Urgency = Urgency.NORMAL


@dataclass
class Refusal:
    errors: dict[HandoffField, str] = field(default_factory=dict)


def split_bullets(text: str | None) -> list[str]:
    """One bullet per line; leading list markers are dropped, blank lines ignored."""
    if not text:
        return []
    bullets = []
    for line in text.splitlines():
        stripped = _BULLET_PREFIX.sub("", line).strip()
        if stripped:
            bullets.append(stripped)
    return bullets


def _bullet_problem(bullets: list[str], label: str) -> str | None:
    if len(bullets) > MAX_BULLETS:
        return (
            f"{len(bullets)} bullets is too many: keep {label} to {MAX_BULLETS} lines "
            "(link a doc for the rest)."
        )
    for number, bullet in enumerate(bullets, start=1):
        if len(bullet) > MAX_BULLET_CHARS:
            return (
                f"Line {number} has {len(bullet)} characters, {len(bullet) - MAX_BULLET_CHARS} "
                f"over the {MAX_BULLET_CHARS} limit: split it or link the details."
            )
        words = bullet.split()
        if bullet.casefold() in _UNTESTABLE or (len(words) < 2 and not _LINK.search(bullet)):
            return (
                f"Line {number} (“{bullet}”) is not something the next person can check: "
                "say what and where, e.g. “Launch copy drafted in <link>”."
            )
    return None


def _person_problem(person: Person | None, user_id: str) -> str | None:
    if person is None:
        return f"<@{user_id}> is not a member of this workspace: pick someone who is."
    if person.is_bot:
        return "That is a bot: pick the person who will do the work."
    if person.deleted:
        return "That account is deactivated: pick someone who is still here."
    return None


def validate_handoff(
    form: HandoffForm,
    people: dict[str, Person],
    *,
    now: datetime,
    act_within: timedelta,
    hours: WorkingHours = WorkingHours.ALWAYS,
    author_id: str | None = None,
) -> HandoffDraft | Refusal:
    """Apply the contract. `people` holds what users.info said of each picked user
    (a picked id missing from it is unknown to Slack). An empty act-by is `act_within` of the
    next owner's working `hours`, in their own zone."""
    errors: dict[HandoffField, str] = {}

    work_item = (form.work_item or "").strip()
    if not work_item:
        errors[HandoffField.WORK_ITEM] = "Name the work item this handoff is about."
    elif not fits(work_item, MAX_ITEM_NAME):
        errors[HandoffField.WORK_ITEM] = f"Keep the name under {MAX_ITEM_NAME} characters."

    status = (form.status or "").strip()
    if not status:
        errors[HandoffField.STATUS] = "Say where the work stands, e.g. “Copy ready, KPIs pending”."
    elif len(status) > MAX_STATUS:
        errors[HandoffField.STATUS] = f"Keep the status under {MAX_STATUS} characters."

    done = split_bullets(form.done)
    open_ = split_bullets(form.open)
    if not done:
        errors[HandoffField.DONE] = (
            "Say what is done, one line each, e.g. “Launch copy drafted in <link>”."
        )
    elif problem := _bullet_problem(done, "Done"):
        errors[HandoffField.DONE] = problem
    if open_ and form.nothing_open:
        errors[HandoffField.OPEN] = (
            "You ticked “Nothing open” and listed open items: untick it or clear this list."
        )
    elif not open_ and not form.nothing_open:
        errors[HandoffField.OPEN] = (
            "Say what is still open or uncertain, one line each, or tick “Nothing open”."
        )
    elif problem := _bullet_problem(open_, "Open"):
        errors[HandoffField.OPEN] = problem

    next_action = (form.next_action or "").strip()
    if not next_action:
        errors[HandoffField.NEXT_ACTION] = (
            "A handoff needs a next action: the one thing the next owner does first."
        )
    elif len(next_action) > MAX_NEXT_ACTION:
        errors[HandoffField.NEXT_ACTION] = (
            f"Keep the next action under {MAX_NEXT_ACTION} characters."
        )

    next_owner_id = form.next_owner_id
    if not next_owner_id:
        errors[HandoffField.NEXT_OWNER] = "Pick the person who acts next."
    elif next_owner_id == author_id:
        errors[HandoffField.NEXT_OWNER] = (
            "That is you: a handoff goes to someone else. Pick who acts next."
        )
    elif problem := _person_problem(people.get(next_owner_id), next_owner_id):
        errors[HandoffField.NEXT_OWNER] = problem

    backup_owner_id = form.backup_owner_id or None
    if backup_owner_id:
        if backup_owner_id == next_owner_id:
            errors[HandoffField.BACKUP_OWNER] = (
                "The backup owner must be someone other than the next owner."
            )
        elif problem := _person_problem(people.get(backup_owner_id), backup_owner_id):
            errors[HandoffField.BACKUP_OWNER] = problem

    if form.act_by is not None:
        act_by = form.act_by
        if act_by <= now:
            errors[HandoffField.ACT_BY] = "Act by is in the past: pick a time from now on."
    else:
        owner = people.get(next_owner_id or "")
        act_by = default_act_by(now, act_within, hours, zone_or_utc(owner.tz if owner else None))

    try:
        urgency = Urgency(form.urgency or Urgency.NORMAL)
    except ValueError:
        errors[HandoffField.URGENCY] = "Pick normal or low."
        urgency = Urgency.NORMAL

    if errors:
        return Refusal(errors)
    assert next_owner_id is not None
    return HandoffDraft(
        work_item=work_item,
        status=status,
        done=done,
        open=open_,
        next_owner_id=next_owner_id,
        next_action=next_action,
        backup_owner_id=backup_owner_id,
        act_by=act_by,
        urgency=urgency,
    )


def untestable(form: HandoffForm) -> dict[HandoffField, Finding]:
    """Where the form's lines are hard to check (see bot/handoffs/testability.py), by field.
    Findings are not refusals: the form decides how firmly to answer them."""
    found = {
        HandoffField.DONE: done_finding(split_bullets(form.done)),
        HandoffField.OPEN: open_finding(split_bullets(form.open)),
        HandoffField.NEXT_ACTION: next_action_finding((form.next_action or "").strip()),
    }
    return {field: finding for field, finding in found.items() if finding is not None}
