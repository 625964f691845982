"""Testability: is each line of a handoff something the next person can check?

Pure rules. A finding is not a refusal on its own: the form shows it once, with how to fix
it, and a second identical Submit sends the handoff as it is (recorded as a vague handoff),
unless the channel switched the rule on as a guardrail.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Phrases that report activity or mood, not a result. Whole words only ("awesome" holds no
# "some"); a hyphen or a space between words both match.
VAGUE_PHRASES = (
    "as needed",
    "as necessary",
    "follow up",
    "following up",
    "followup",
    "keep the momentum",
    "keep momentum",
    "touch base",
    "sync",
    "sync up",
    "circle back",
    "check in with",
    "various",
    "some",
    "a few things",
    "a few",
    "lots of",
    "a lot of",
    "bits",
    "stuff",
    "misc",
    "etc",
    "across the board",
    "worked on",
    "working on",
    "made progress",
    "good progress",
    "and so on",
)
# Words that say a Done line is not done yet: that line belongs in Open.
HEDGES = (
    "almost",
    "mostly",
    "nearly",
    "should be",
    "probably",
    "hopefully",
    "partly",
    "partially",
    "in progress",
    "more or less",
    "kind of",
    "sort of",
    "not yet",
)
# Verbs that claim an artifact exists: the line must say where it is.
ARTIFACT_VERBS = (
    "drafted",
    "written",
    "wrote",
    "uploaded",
    "attached",
    "scheduled",
    "published",
    "saved",
    "shared",
    "documented",
    "recorded",
    "filed",
    "posted",
)
# Words that name no deliverable in a next action: helpers, pronouns, open-ended verbs.
_NO_DELIVERABLE_WORDS = (
    "a an the and or but to of on in at by for with from into about up out over it its this "
    "that these those them they everyone everybody everything anyone someone something all "
    "team people things thing rest same more next again going go get do keep continue check "
    "look see help handle deal work make sure ensure stay moving momentum whatever needed "
    "necessary any other others our my your their we us you i me"
)
_NO_DELIVERABLE = frozenset(_NO_DELIVERABLE_WORDS.split())

_PLACE = re.compile(
    r"https?://\S+"  # a link, bare or as Slack sends it (<https://…|label>)
    r"|<#C[A-Z0-9]+(?:\|[^>]*)?>|(?<![\w&])#[a-z0-9][a-z0-9_-]*"  # a channel
    r"|\b[\w-]+\.(?:docx?|xlsx?|pptx?|pdf|csv|md|txt|key|pages|numbers|png|jpe?g|gif|mp4"
    r"|mov|zip|html?|json|ya?ml|fig|sketch|psd|ai)\b"  # a file name
    r"|\bdraft:\s*\S",  # a draft recorded with /draft
    re.IGNORECASE,
)
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")

DONE_EXAMPLE = "e.g. “Launch copy drafted in https://docs.example.com/copy”"
OPEN_EXAMPLE = "e.g. “UTM labels for the newsletter link not set yet”"
ACTION_EXAMPLE = "e.g. “Publish the LinkedIn post and log its reach at 24h”"


def _phrases(words: tuple[str, ...]) -> re.Pattern[str]:
    spaced = (r"[\s-]+".join(map(re.escape, w.split())) for w in words)
    return re.compile(r"(?<![\w-])(" + "|".join(spaced) + r")(?![\w-])", re.IGNORECASE)


_VAGUE_RE = _phrases(VAGUE_PHRASES)
_HEDGE_RE = _phrases(HEDGES)
_ARTIFACT_RE = _phrases(ARTIFACT_VERBS)


@dataclass(frozen=True)
class Finding:
    """What makes one field hard to check: `message` says how to fix it, `short` names it in
    a failure record (“Done: “various””)."""

    message: str
    short: str


def _quoted(text: str) -> str:
    return f"“{text}”"


def _line(number: int, count: int) -> str:
    return f"Line {number}: " if count > 1 else ""


def done_finding(bullets: list[str]) -> Finding | None:
    """The first untestable Done line: vague, hedged, or an artifact with no place."""
    for number, bullet in enumerate(bullets, start=1):
        at = _line(number, len(bullets))
        if vague := _VAGUE_RE.search(bullet):
            return Finding(
                f"{at}{_quoted(vague.group(1))} says nothing the next person can check: "
                f"say what exists now and where, {DONE_EXAMPLE}.",
                f"Done {_quoted(vague.group(1))}",
            )
        if hedge := _HEDGE_RE.search(bullet):
            return Finding(
                f"{at}{_quoted(hedge.group(1))} is not done yet: move that line to Open, or "
                "say exactly what is finished.",
                f"Done {_quoted(hedge.group(1))}",
            )
        if (artifact := _ARTIFACT_RE.search(bullet)) and not _PLACE.search(bullet):
            return Finding(
                f"{at}{_quoted(artifact.group(1))}, but where? Add the link, the #channel or "
                f"the file name, {DONE_EXAMPLE}.",
                f"Done {_quoted(artifact.group(1))} with no place",
            )
    return None


def open_finding(bullets: list[str]) -> Finding | None:
    """The first vague Open line."""
    for number, bullet in enumerate(bullets, start=1):
        if vague := _VAGUE_RE.search(bullet):
            return Finding(
                f"{_line(number, len(bullets))}{_quoted(vague.group(1))} does not say what is "
                f"open: name each open question or missing piece, {OPEN_EXAMPLE}.",
                f"Open {_quoted(vague.group(1))}",
            )
    return None


def next_action_finding(action: str) -> Finding | None:
    """A next action with vague words, or naming no deliverable (a verb and what it makes)."""
    if vague := _VAGUE_RE.search(action):
        return Finding(
            f"{_quoted(vague.group(1))} is not a next step anyone can finish: name what the "
            f"next owner delivers, {ACTION_EXAMPLE}.",
            f"Next action {_quoted(vague.group(1))}",
        )
    named = [w for w in _WORD.findall(action.casefold()) if w not in _NO_DELIVERABLE]
    if len(named) < 2 and not _PLACE.search(action):
        return Finding(
            f"This names no deliverable: say what the next owner makes or sends, {ACTION_EXAMPLE}.",
            "Next action with no deliverable",
        )
    return None
