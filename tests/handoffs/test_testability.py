"""The handoff contract's testability rules, on real handoffs: the vague one from issue 22, and
good ones that must keep passing (no false alarms on word parts, places, or plain verbs)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.handoffs.contract import HandoffDraft, HandoffField, HandoffForm, untestable
from bot.handoffs.testability import (
    ARTIFACT_VERBS,
    HEDGES,
    VAGUE_PHRASES,
    done_finding,
    next_action_finding,
    open_finding,
)
from tests.handoffs.test_handoff_rules import GOOD, check, refused

# Issue 22, as a person typed it: accepted, posted and DM'd before.
VAGUE = replace(
    GOOD,
    done="worked on various bits of the launch with the team, lots of progress across the board…",
    open="Not sure, a few things",
    next_action="Keep the momentum going and follow up with everyone as needed",
)


def test_the_vague_handoff_of_issue_22_is_found_at_each_field_with_how_to_fix_it() -> None:
    found = untestable(VAGUE)
    assert set(found) == {HandoffField.DONE, HandoffField.OPEN, HandoffField.NEXT_ACTION}
    assert found[HandoffField.DONE].message == (
        "“worked on” says nothing the next person can check: say what exists now and where, "
        "e.g. “Launch copy drafted in https://docs.example.com/copy”."
    )
    assert found[HandoffField.OPEN].message == (
        "“a few things” does not say what is open: name each open question or missing piece, "
        "e.g. “UTM labels for the newsletter link not set yet”."
    )
    assert found[HandoffField.NEXT_ACTION].message == (
        "“Keep the momentum” is not a next step anyone can finish: name what the next owner "
        "delivers, e.g. “Publish the LinkedIn post and log its reach at 24h”."
    )


def test_the_good_handoff_has_no_findings() -> None:
    assert untestable(GOOD) == {}


GOOD_DONE = [
    "Drafted launch copy in https://docs.example.com/copy",
    "Legal review passed",
    "Legal review passed for the LinkedIn copy",
    "Copy approved in https://docs.example.com/newsletter",
    "Segment list exported to the ESP",
    "Awesome hero image picked for the launch post",  # "some" inside a word
    "Async review by legal finished",  # "sync" inside a word
    "Brief written in launch-brief.docx",
    "Post scheduled in #launch for Thursday 09:00",
    "Post scheduled in <#C0LAUNCH|launch> for Thursday 09:00",
    "Deck uploaded: <https://drive.example.com/deck|deck>",
    "Newsletter drafted, recorded as draft: spring newsletter",
    "Someone from legal signed the release form",  # "some" at a word's start
    "3 of 3 banners resized to 1200x627",
]


@pytest.mark.parametrize(
    "word", [w for w in (*VAGUE_PHRASES, *HEDGES, *ARTIFACT_VERBS) if " " not in w]
)
def test_words_are_matched_whole_never_inside_another_word(word: str) -> None:
    assert done_finding([f"Legal review passed for the x{word}y release"]) is None
    assert done_finding([f"Legal review passed for the {word}_v2 release"]) is None
    assert next_action_finding(f"Publish the x{word}y release") is None


@pytest.mark.parametrize("bullet", GOOD_DONE)
def test_good_done_lines_pass(bullet: str) -> None:
    assert done_finding([bullet]) is None


@pytest.mark.parametrize(
    ("bullet", "says"),
    [
        ("Worked on various bits of the launch", "“Worked on” says nothing"),
        ("Various fixes to the landing page", "“Various” says nothing"),
        ("Fixed some typos in the copy", "“some” says nothing"),
        ("Touch base with legal done", "“Touch base” says nothing"),
        ("Copy synced up with the design team, sync done", "“sync” says nothing"),
        ("Launch copy almost done", "“almost” is not done yet: move that line to Open"),
        ("Tracking mostly in place", "“mostly” is not done yet"),
        ("The copy should be final now", "“should be” is not done yet"),
        ("Launch copy drafted", "“drafted”, but where? Add the link, the #channel or the file"),
        ("Press release written and attached", "“written”, but where?"),
        ("LinkedIn post scheduled for Thursday", "“scheduled”, but where?"),
        ("Blog post published", "“published”, but where?"),
    ],
)
def test_vague_hedged_or_placeless_done_lines_are_found(bullet: str, says: str) -> None:
    finding = done_finding([bullet])
    assert finding is not None and says in finding.message


def test_a_finding_names_its_line_when_there_are_several() -> None:
    finding = done_finding(["Legal review passed", "Launch copy almost done"])
    assert finding is not None and finding.message.startswith("Line 2: “almost”")


@pytest.mark.parametrize(
    "bullet",
    [
        "Instrumentation metadata missing",
        "UTM labels for the newsletter link not set yet",
        "Not sure legal needs to see the French copy: ask Dee",
        "Handsome discount code not approved by finance",
    ],
)
def test_good_open_lines_pass(bullet: str) -> None:
    assert open_finding([bullet]) is None


@pytest.mark.parametrize(
    "bullet", ["Not sure, a few things", "Various loose ends", "Some stuff with tracking"]
)
def test_vague_open_lines_are_found(bullet: str) -> None:
    finding = open_finding([bullet])
    assert finding is not None and "does not say what is open" in finding.message


@pytest.mark.parametrize(
    "action",
    [
        "Publish the copy on LinkedIn",
        "Publish the LinkedIn post and log reach at 24h",
        "Schedule the newsletter for Thursday 08:00",
        "Publish item 3",
        "Send the deck to #launch",
        "Call Dee about the French copy",
    ],
)
def test_next_actions_naming_a_deliverable_pass(action: str) -> None:
    assert next_action_finding(action) is None


@pytest.mark.parametrize(
    ("action", "says"),
    [
        ("Keep the momentum going and follow up with everyone as needed", "“Keep the momentum”"),
        ("Follow-up with legal", "“Follow-up” is not a next step"),
        ("Touch base with the team", "“Touch base”"),
        ("Sync with design", "“Sync”"),
        ("Circle back on tracking", "“Circle back”"),
        ("Keep going", "This names no deliverable"),
        ("Check it", "This names no deliverable"),
        ("Continue the work", "This names no deliverable"),
        ("Review", "This names no deliverable"),
    ],
)
def test_next_actions_with_vague_words_or_no_deliverable_are_found(action: str, says: str) -> None:
    finding = next_action_finding(action)
    assert finding is not None and says in finding.message


# -- the hard rules: Done needs a line, Open a line or "Nothing open" -----------------------


def test_done_needs_at_least_one_line() -> None:
    message = refused(replace(GOOD, done="  \n "))[HandoffField.DONE]
    assert message == "Say what is done, one line each, e.g. “Launch copy drafted in <link>”."


def test_open_needs_a_line_or_nothing_open() -> None:
    message = refused(replace(GOOD, open=None))[HandoffField.OPEN]
    assert message == (
        "Say what is still open or uncertain, one line each, or tick “Nothing open”."
    )
    chosen = check(replace(GOOD, open=None, nothing_open=True))
    assert isinstance(chosen, HandoffDraft) and chosen.open == []


def test_nothing_open_with_open_lines_is_contradictory() -> None:
    errors = refused(replace(GOOD, nothing_open=True))
    assert "untick it or clear this list" in errors[HandoffField.OPEN]


def test_findings_are_not_refusals() -> None:
    """The vague handoff honours the hard rules: the form decides how firmly to answer."""
    assert isinstance(check(VAGUE), HandoffDraft)
    assert isinstance(VAGUE, HandoffForm)
