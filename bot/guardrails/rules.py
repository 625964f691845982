"""Guardrails: each one switches on a check in a form, because its failure class repeated.

Checks return `{field label: fix-it message}`, labels exactly as the modals show them, so a
listener can refuse at the field without knowing which guardrail spoke.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from datetime import datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.kernel.working_hours import WorkingHours

DRAFT_MAX_AGE = timedelta(days=7)
MAX_LABELS = 20
# A link is http(s):// and a host, bare or in Slack's <https://…|label> form; intranet hosts
# without a dot (http://wiki/launch) count too.
_URL = re.compile(r"(?<![\w/])<?https?://[^\s/|<>]+")
_DRAFT_REF = re.compile(r"\bdraft:\s*(.+)$", re.IGNORECASE)
_LABEL_KEY = re.compile(r"^[A-Za-z0-9_.-]{1,40}$")
MAX_LABEL_VALUE = 100
TRACKING_EXAMPLE = "utm_source=linkedin utm_campaign=spring"


class Guardrail(StrEnum):
    """Checks a channel can switch on; the values are stored, so they never change."""

    DONE_NEEDS_LINK = "done_needs_link"
    BACKUP_REQUIRED = "backup_required"
    ACT_BY_REQUIRED = "act_by_required"
    TRACKING_REQUIRED = "tracking_required"
    FRESH_DRAFT_REQUIRED = "fresh_draft_required"
    AUTOMATIC_KPI_REQUIRED = "automatic_kpi_required"
    ACT_BY_IN_HOURS = "act_by_in_hours"
    CHECKLIST = "checklist"
    TESTABLE_HANDOFF = "testable_handoff"


# Duplicated windows are always refused and the next action is always mandatory, so those
# classes are recorded but propose nothing. A custom class proposes a checklist confirmation;
# a missed act-by Baton saw proposes what would have prevented it (see `prevented_by`).
GUARDRAIL_FOR: dict[str, Guardrail] = {
    "missing_link": Guardrail.DONE_NEEDS_LINK,
    "unclear_owner": Guardrail.BACKUP_REQUIRED,
    "missed_act_by": Guardrail.ACT_BY_REQUIRED,
    "absent_tracking": Guardrail.TRACKING_REQUIRED,
    "stale_copy": Guardrail.FRESH_DRAFT_REQUIRED,
    "missing_kpi": Guardrail.AUTOMATIC_KPI_REQUIRED,
    "vague_handoff": Guardrail.TESTABLE_HANDOFF,
}

DESCRIPTION: dict[Guardrail, str] = {
    Guardrail.DONE_NEEDS_LINK: "Every Done bullet of a handoff carries a link (a durable "
    "location) or names a recorded draft.",
    Guardrail.BACKUP_REQUIRED: "Every handoff names a backup owner.",
    Guardrail.ACT_BY_REQUIRED: "Every handoff sets its act-by.",
    Guardrail.TRACKING_REQUIRED: "Every /publish carries tracking labels.",
    Guardrail.FRESH_DRAFT_REQUIRED: "Every /publish has a draft of the same name recorded "
    f"with /draft in the last {DRAFT_MAX_AGE.days} days.",
    Guardrail.AUTOMATIC_KPI_REQUIRED: "Every /publish's decision rules use at least one metric "
    "an analytics tool sends (POST /kpi).",
    Guardrail.ACT_BY_IN_HOURS: "Every handoff's act-by falls within the next owner's working "
    "hours.",
    Guardrail.CHECKLIST: "Every handoff confirms a checklist item.",
    Guardrail.TESTABLE_HANDOFF: "Every handoff is testable: vague lines are refused, and a "
    "second Submit no longer sends them as they are.",
}
REPROPOSE_AFTER = 2  # new occurrences after a dismissal before the class is proposed again
CHECKED = "I checked: "


def describe(guardrail: Guardrail, class_label: str) -> str:
    """What the guardrail asks, in the words of the failure it comes from."""
    if guardrail is Guardrail.CHECKLIST:
        return f"Every handoff confirms “{CHECKED}{class_label}” before it is sent."
    return DESCRIPTION[guardrail]


# Stored as an occurrence's prevention when Baton checked and none of its guardrails would
# have prevented it (None: Baton does not know, so the class's own guardrail is assumed).
NOTHING_PREVENTS = "none"


def prevention_value(guardrails: Sequence[Guardrail]) -> str:
    """How an occurrence stores what would have prevented it: `act_by_in_hours,…` or "none"."""
    return ",".join(g.value for g in guardrails) or NOTHING_PREVENTS


def prevented_by(class_id: str, prevention: str | None) -> tuple[Guardrail, ...]:
    """The guardrails that would have prevented one occurrence: its stored prevention when
    Baton knows it, else the class's own guardrail (a checklist for the teams' own classes;
    none for classes that are always refused already)."""
    if prevention == NOTHING_PREVENTS:
        return ()
    if prevention is not None:
        return tuple(Guardrail(value) for value in prevention.split(","))
    if class_id in GUARDRAIL_FOR:
        return (GUARDRAIL_FOR[class_id],)
    if class_id.startswith("custom:"):
        return (Guardrail.CHECKLIST,)
    return ()


def proposed_guardrail(class_id: str, preventions: Sequence[str | None]) -> Guardrail | None:
    """The guardrail a repeated class proposes, given each occurrence's stored prevention
    (oldest first): the one that would have prevented the most of them, the latest
    occurrence's first on a tie. None when none would have prevented any of them: then
    nothing is proposed, rather than a guardrail that would have changed nothing."""
    counts: Counter[Guardrail] = Counter()
    for prevention in reversed(preventions):
        counts.update(dict.fromkeys(prevented_by(class_id, prevention), 1))
    # Counter keeps first-seen order (the latest occurrence's first) and max keeps the first.
    return max(counts, key=lambda g: counts[g], default=None)


def act_by_in_hours(act_by: datetime, hours: WorkingHours, zone: ZoneInfo) -> bool:
    """Whether the owner was at work when the act-by came. One at the very end of a working
    day (where a default act-by lands) is: they had the day to act."""
    return hours.is_open(act_by, zone) or hours.is_open(act_by - timedelta(seconds=1), zone)


def missed_act_by_prevention(*, had_backup: bool, act_by_in_hours: bool) -> tuple[Guardrail, ...]:
    """What would have prevented a missed act-by, the likelier first. Every handoff has an
    act-by (a default one at least), so "set an act-by" never would have. An act-by out of
    the owner's working hours would have been refused under "act-by within working hours";
    a handoff without a backup owner would have had someone to step in. With a backup and
    an act-by in hours, none of them would have."""
    found = []
    if not act_by_in_hours:
        found.append(Guardrail.ACT_BY_IN_HOURS)
    if not had_backup:
        found.append(Guardrail.BACKUP_REQUIRED)
    return tuple(found)


def may_decide_guardrail(
    person: str, *, owners: Collection[str], involved: Collection[str], is_admin: bool
) -> bool:
    """Enable and Dismiss: the channel's owners, the people in the recorded failures, or a
    workspace admin."""
    return is_admin or person in owners or person in involved


def propose_again(occurrences_since_dismissal: int) -> bool:
    return occurrences_since_dismissal >= REPROPOSE_AFTER


def _names_a_draft(bullet: str, drafts: Collection[str]) -> bool:
    match = _DRAFT_REF.search(bullet)
    return match is not None and " ".join(match.group(1).split()).casefold() in drafts


def check_handoff(
    enabled: Collection[str],
    *,
    done: Sequence[str],
    backup_owner_id: str | None,
    act_by_given: bool,
    durable_names: Collection[str] = (),
    act_by_in_hours: bool = True,
    checklist: Sequence[str] = (),
    confirmed: Collection[str] = (),
) -> dict[str, str]:
    """Problems with a handoff under the channel's enabled guardrails, by field label.
    `durable_names` are the channel's recorded drafts, casefolded."""
    problems: dict[str, str] = {}
    if Guardrail.DONE_NEEDS_LINK in enabled:
        bare = [
            number
            for number, bullet in enumerate(done, start=1)
            if not _URL.search(bullet) and not _names_a_draft(bullet, durable_names)
        ]
        if bare:
            which = ", ".join(str(n) for n in bare)
            lacking = f"bullet {which} has" if len(bare) == 1 else f"bullets {which} have"
            problems["Done"] = (
                f"This channel requires a link on every Done bullet (a guardrail after repeated "
                f"missing links): {lacking} none. Add where it lives (https://…) or "
                "name a draft recorded with /draft (`draft: <name>`)."
            )
    if Guardrail.BACKUP_REQUIRED in enabled and not backup_owner_id:
        problems["Backup owner"] = (
            "This channel requires a backup owner (a guardrail after repeatedly unclear "
            "owners): pick who acts if the next owner can't."
        )
    if Guardrail.ACT_BY_REQUIRED in enabled and not act_by_given:
        problems["Act by"] = (
            "This channel requires an act-by (a guardrail after repeatedly missed act-bys): "
            "pick when the next owner must act."
        )
    if Guardrail.ACT_BY_IN_HOURS in enabled and act_by_given and not act_by_in_hours:
        problems["Act by"] = (
            "This channel requires an act-by within the next owner's working hours (a "
            "guardrail after repeatedly missed act-bys): pick a time they are at work."
        )
    unchecked = [item for item in checklist if item not in confirmed]
    if unchecked:
        problems["Checklist"] = (
            "This channel asks you to confirm every item (a guardrail after a repeated "
            "failure): " + "; ".join(f"“{CHECKED}{item}”" for item in unchecked) + "."
        )
    return problems


def check_publish(
    enabled: Collection[str],
    *,
    tracking_labels: Mapping[str, str] | None,
    draft_age: timedelta | None,
    max_draft_age: timedelta = DRAFT_MAX_AGE,
    rule_metrics: Collection[str],
    automatic_metrics: Collection[str],
) -> dict[str, str]:
    """Problems with a publish under the channel's enabled guardrails, by field label."""
    problems: dict[str, str] = {}
    if Guardrail.TRACKING_REQUIRED in enabled and not tracking_labels:
        problems["Tracking labels"] = (
            "This channel requires tracking labels (a guardrail after repeatedly absent "
            f"tracking): add them as key=value pairs, e.g. {TRACKING_EXAMPLE}."
        )
    if Guardrail.FRESH_DRAFT_REQUIRED in enabled:
        if draft_age is None:
            problems["Name"] = (
                "This channel requires a recent draft (a guardrail after repeatedly stale "
                "copy): record the copy with /draft under this name first."
            )
        elif draft_age > max_draft_age:
            # Whole days, but never "7 days old; accepts up to 7 days".
            age = (
                f"{draft_age.days} days"
                if draft_age.days > max_draft_age.days
                else f"more than {max_draft_age.days} days"
            )
            problems["Name"] = (
                f"The draft of this name is {age} old; this channel accepts "
                f"drafts up to {max_draft_age.days} days old (a guardrail after repeatedly stale "
                "copy). Record the current copy with /draft."
            )
    if Guardrail.AUTOMATIC_KPI_REQUIRED in enabled and not set(rule_metrics) & set(
        automatic_metrics
    ):
        known = ", ".join(sorted(automatic_metrics))
        problems["Decision rules"] = (
            "This channel requires a rule on a metric an analytics tool sends (a guardrail "
            "after repeatedly missing KPIs): "
            + (
                f"use one of {known}."
                if known
                else "none has arrived through POST /kpi here lately; connect one first."
            )
        )
    return problems


def parse_tracking_labels(text: str) -> dict[str, str] | str:
    """`key=value` pairs separated by spaces, commas or lines; {} for none; or a fix-it message.
    Spaces around `=` are forgiven (`utm_source = linkedin`); values hold no spaces or commas,
    as in a URL's query."""
    labels: dict[str, str] = {}
    example = f"e.g. {TRACKING_EXAMPLE}"
    for pair in re.split(r"[\s,]+", re.sub(r"\s*=\s*", "=", text.strip())):
        if not pair:
            continue
        key, sep, value = pair.partition("=")
        if not sep or not key or not value:
            return f"Write labels as key=value pairs, {example}; “{pair}” is not."
        if not _LABEL_KEY.match(key):
            return (
                f"“{key}” is not a label name: use up to 40 letters, digits, _ . or -, {example}."
            )
        if len(value) > MAX_LABEL_VALUE:
            return f"Keep the value of {key} to {MAX_LABEL_VALUE} characters or fewer, {example}."
        if key in labels:
            return f"{key} is given twice: keep one {key}=value, {example}."
        labels[key] = value
    if len(labels) > MAX_LABELS:
        return f"{len(labels)} labels is too many: keep it to {MAX_LABELS}, {example}."
    return labels
