"""The /publish contract: who owns it, when it runs, and what each KPI outcome would make us do.

"No observation without a candidate action": every decision rule names the action it
triggers, so the prompt after the decision delay is a decision, not a dashboard.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from urllib.parse import urlparse
from zoneinfo import ZoneInfo

from bot.decisions.rules import Rule, parse_rules
from bot.guardrails.rules import parse_tracking_labels
from bot.kernel.stored_text import fits
from bot.kernel.windows import Window, parse_window
from bot.people.person import Person
from bot.publishing.approval_rules import MAX_APPROVERS

SURFACES = ("X", "LinkedIn", "Threads", "Instagram", "Newsletter", "Blog")
MAX_NAME = 120
MAX_LINK = 2000
MAX_RULES = 20


class PublishField(StrEnum):
    """Form fields, named as the modal's labels name them."""

    NAME = "Name"
    LINK = "Link"
    SURFACE = "Surface"
    OWNER = "Owner"
    BACKUP_OWNER = "Backup owner"
    WINDOW = "Posting window"
    RULES = "Decision rules"
    TRACKING = "Tracking labels"
    APPROVERS = "Approvers"
    FOLLOWS = "Follows"


@dataclass(frozen=True)
class PublishForm:
    """What the modal sent, unchecked."""

    name: str | None
    link: str | None
    surface: str | None
    owner_id: str | None
    backup_owner_id: str | None
    window: str | None
    rules: str | None
    tracking: str | None = None
    approvers: tuple[str, ...] = ()
    follows: str | None = None  # the id of the publish this is the next cycle of


@dataclass(frozen=True)
class PublishDraft:
    """A publish that honours the contract."""

    name: str
    link: str
    surface: str
    owner_id: str
    backup_owner_id: str
    window: Window
    rules: tuple[Rule, ...]
    tracking_labels: dict[str, str] = field(default_factory=dict)
    approvers: tuple[str, ...] = ()
    follows_id: int | None = None


@dataclass(frozen=True)
class PublishRefusal:
    errors: dict[PublishField, str] = field(default_factory=dict)


def _person_problem(person: Person | None, role: str) -> str | None:
    if person is None:
        return f"The {role} is not a member of this workspace: pick someone else."
    if person.is_bot:
        return f"The {role} must be a person, not a bot."
    if person.deleted:
        return f"That account is deactivated: pick an active {role}."
    return None


def _link_problem(link: str) -> str | None:
    parsed = urlparse(link)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        return "Give the full address of the post or draft, starting with https://"
    if len(link) > MAX_LINK:
        return f"Keep the link under {MAX_LINK} characters."
    return None


def validate_publish(
    form: PublishForm,
    people: dict[str, Person],
    *,
    zone: ZoneInfo,
    surfaces: tuple[str, ...] = SURFACES,
) -> PublishDraft | PublishRefusal:
    """Check everything that needs no database; uniqueness and overlaps are the store's."""
    errors: dict[PublishField, str] = {}
    name = " ".join((form.name or "").split())
    if not name:
        errors[PublishField.NAME] = "Name this publish, e.g. “spring launch LinkedIn post”."
    elif not fits(name, MAX_NAME):
        errors[PublishField.NAME] = f"Keep the name under {MAX_NAME} characters."

    link = (form.link or "").strip()
    if not link:
        errors[PublishField.LINK] = "Add the link to the post (or its draft)."
    elif problem := _link_problem(link):
        errors[PublishField.LINK] = problem

    if form.surface not in surfaces:
        errors[PublishField.SURFACE] = "Pick where this is published: " + ", ".join(surfaces) + "."

    if not form.owner_id:
        errors[PublishField.OWNER] = "Pick the owner who decides after the KPIs are in."
    elif problem := _person_problem(people.get(form.owner_id), "owner"):
        errors[PublishField.OWNER] = problem
    if not form.backup_owner_id:
        errors[PublishField.BACKUP_OWNER] = "Pick a backup owner: they decide if the owner can't."
    elif form.backup_owner_id == form.owner_id:
        errors[PublishField.BACKUP_OWNER] = "The backup owner must be someone other than the owner."
    elif problem := _person_problem(people.get(form.backup_owner_id), "backup owner"):
        errors[PublishField.BACKUP_OWNER] = problem

    window = parse_window((form.window or "").strip(), zone)
    if isinstance(window, str):
        errors[PublishField.WINDOW] = window

    rules, rule_errors = parse_rules(form.rules or "")
    if rule_errors:
        first = rule_errors[0]
        more = f" (and {len(rule_errors) - 1} more)" if len(rule_errors) > 1 else ""
        errors[PublishField.RULES] = f"Line {first.line}: {first.message}{more}"
    elif not rules:
        errors[PublishField.RULES] = (
            "Commit to at least one rule, e.g. `engagement_rate < 0.02 -> rewrite the hook`: "
            "no observation without a candidate action."
        )
    elif len(rules) > MAX_RULES:
        errors[PublishField.RULES] = f"Keep it to {MAX_RULES} rules: the ones you would act on."

    approvers = tuple(dict.fromkeys(form.approvers))
    if len(approvers) > MAX_APPROVERS:
        errors[PublishField.APPROVERS] = (
            f"At most {MAX_APPROVERS} approvers: the owners of brand and product context."
        )
    for approver in approvers:
        if problem := _person_problem(people.get(approver), "approver"):
            errors[PublishField.APPROVERS] = problem
            break

    follows_id: int | None = None
    if form.follows:
        try:
            follows_id = int(form.follows)
        except ValueError:
            errors[PublishField.FOLLOWS] = "Pick an earlier publish from the list."

    labels = parse_tracking_labels(form.tracking or "")
    if isinstance(labels, str):
        errors[PublishField.TRACKING] = labels

    if errors or isinstance(window, str) or isinstance(labels, str):
        return PublishRefusal(errors)
    assert form.owner_id and form.backup_owner_id and form.surface
    return PublishDraft(
        name=name,
        link=link,
        surface=form.surface,
        owner_id=form.owner_id,
        backup_owner_id=form.backup_owner_id,
        window=window,
        rules=tuple(rules),
        tracking_labels=labels,
        approvers=approvers,
        follows_id=follows_id,
    )


def decision_due(window: Window, created_at: datetime, delay: timedelta) -> datetime:
    """The decision prompt goes `delay` after the later of the window's start and creation."""
    return max(window.start, created_at) + delay
