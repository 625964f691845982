"""Failure classes: a fixed taxonomy with stable ids, plus the teams' own (`custom:<slug>`).

People name failures in free text (`/blocked … because no UTM labels`); `classify` maps the
text to a class by its id, its label, or a few telling phrases, and otherwise keeps it as a
custom class so that the same words twice still count as the same failure.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

CUSTOM_PREFIX = "custom:"
MAX_SLUG = 60


class FailureClass(StrEnum):
    """The built-in classes; the values are stored, so they never change."""

    MISSING_LINK = "missing_link"
    STALE_COPY = "stale_copy"
    UNCLEAR_OWNER = "unclear_owner"
    ABSENT_TRACKING = "absent_tracking"
    DUPLICATED_PUBLISH_WINDOW = "duplicated_publish_window"
    MISSING_NEXT_ACTION = "missing_next_action"
    MISSED_ACT_BY = "missed_act_by"
    MISSING_KPI = "missing_kpi"
    VAGUE_HANDOFF = "vague_handoff"


LABELS: dict[str, str] = {
    FailureClass.MISSING_LINK: "missing link",
    FailureClass.STALE_COPY: "stale copy",
    FailureClass.UNCLEAR_OWNER: "unclear owner",
    FailureClass.ABSENT_TRACKING: "absent tracking",
    FailureClass.DUPLICATED_PUBLISH_WINDOW: "duplicated publish window",
    FailureClass.MISSING_NEXT_ACTION: "missing next action",
    FailureClass.MISSED_ACT_BY: "missed act-by",
    FailureClass.MISSING_KPI: "missing KPI",
    FailureClass.VAGUE_HANDOFF: "vague handoff",
}

# Phrases (already normalised: lowercase words, single spaces) that name a class. The first
# class with a phrase contained in the text wins, so specific classes come first.
PHRASES: tuple[tuple[FailureClass, tuple[str, ...]], ...] = (
    (
        FailureClass.DUPLICATED_PUBLISH_WINDOW,
        (
            "duplicate window",
            "duplicated window",
            "overlapping window",
            "double booked",
            "same window",
            "window overlap",
            "windows overlap",
        ),
    ),
    (
        FailureClass.MISSING_NEXT_ACTION,
        ("no next action", "next action missing", "missing next step", "no next step"),
    ),
    (
        FailureClass.MISSED_ACT_BY,
        (
            "missed deadline",
            "deadline missed",
            "act by passed",
            "act by missed",
            "overdue",
            "missed act by",
            "too late",
            "late",
        ),
    ),
    (
        FailureClass.ABSENT_TRACKING,
        ("tracking", "utm", "instrumentation", "analytics tag", "pixel"),
    ),
    (
        FailureClass.MISSING_KPI,
        ("kpi", "metrics missing", "missing metrics", "no metrics", "no numbers", "no data"),
    ),
    (
        FailureClass.MISSING_LINK,
        ("link", "url", "no location", "where is the doc"),
    ),
    (
        FailureClass.STALE_COPY,
        ("stale", "outdated copy", "old copy", "old draft", "outdated draft", "copy out of date"),
    ),
    (
        FailureClass.UNCLEAR_OWNER,
        ("owner", "who owns", "nobody owns", "no one owns", "ownership"),
    ),
)


def _normalise(text: str) -> str:
    return " ".join(re.sub(r"[\W_]+", " ", text.casefold()).split())


_BY_NAME = {
    _normalise(name): class_id for class_id, label in LABELS.items() for name in (class_id, label)
}


def classifiable(text: str) -> bool:
    """Whether the text has words to group failures by (`🔥🔥` has none)."""
    return bool(_normalise(text))


def classify(text: str) -> str:
    """The class id the text names, or `custom:<slug>` of the text itself.

    The text is normalised first (casefolded; any run of punctuation, `_`, `-` or spaces becomes
    one space), then, in order:
    1. the id or label of a class, whole (`missed_act_by`, `Missed act-by`);
    2. `custom <words>`, so an id `classify` returned comes back unchanged;
    3. the first class in `PHRASES` with a phrase (or the phrase plus `s`) found as whole words;
    4. otherwise `custom:` plus the words as a slug (see `_slug`).
    Blank text, or text with no letters or digits, raises ValueError.
    """
    normal = _normalise(text)
    if not normal:
        raise ValueError("a failure needs a class or a few words describing it")
    if normal in _BY_NAME:
        return _BY_NAME[normal]
    if normal.startswith("custom "):
        return CUSTOM_PREFIX + _slug(normal.removeprefix("custom "))
    padded = f" {normal} "
    for class_id, phrases in PHRASES:
        if any(f" {phrase} " in padded or f" {phrase}s " in padded for phrase in phrases):
            return class_id.value
    return CUSTOM_PREFIX + _slug(normal)


def _slug(normal: str) -> str:
    """Lowercase ASCII words joined by `-`, at most `MAX_SLUG` characters: ids end up in
    Slack action values and database keys. Accents are dropped (`café` → `cafe`); text with
    nothing ASCII left gets a stable digest instead, so it still repeats as itself."""
    folded = unicodedata.normalize("NFKD", normal).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", folded.lower())[:MAX_SLUG].strip("-")
    if slug:
        return slug
    return "text-" + hashlib.sha256(normal.encode("utf-8")).hexdigest()[:12]


def label_of(class_id: str) -> str:
    """How a class reads in a message: its label, or a custom slug's words."""
    if class_id in LABELS:
        return LABELS[class_id]
    return class_id.removeprefix(CUSTOM_PREFIX).replace("-", " ")


@dataclass(frozen=True)
class Occurrence:
    class_id: str
    ref: str
    at: datetime


def second_occurrence(
    history: Sequence[Occurrence], new: Occurrence, *, window: timedelta
) -> Occurrence | None:
    """The most recent earlier occurrence of `new`'s class within `window` before it (another
    failure, not the same one seen again), or None when `new` is the first."""
    earlier = [
        o
        for o in history
        if o.class_id == new.class_id and o.ref != new.ref and new.at - window <= o.at <= new.at
    ]
    return max(earlier, key=lambda o: o.at, default=None)
