"""`/blocked <item>` says what is ready as well as what blocks, over signed HTTP; and the
report's words, read as a person reads them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.graph.messages import Wait, blocker_dm, blocker_last_word, report_text
from bot.graph.rules import BlockerLine, ItemRef, ItemReport
from tests.conftest import RunningBaton
from tests.graph.test_blocked_flow import blocked

NOW = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)
LAUNCH = ItemRef(1, "launch", "U0ANA")
COPY = ItemRef(2, "publish copy", "U0CAI", done=True)
METADATA = ItemRef(4, "instrumentation metadata", "U0DEE")


def test_what_is_ready_comes_before_what_blocks(baton: RunningBaton) -> None:
    blocked(baton, 'launch on "publish copy"')
    blocked(baton, 'launch on "KPI capture"')
    blocked(baton, '"KPI capture" on "instrumentation metadata" <@U0DEE|dee>')
    blocked(baton, '"publish copy" done')
    baton.clock.advance(timedelta(hours=26))
    said = blocked(baton, "launch")
    assert said.splitlines()[0] == (
        "publish copy is ready, but KPI capture is blocked by instrumentation metadata "
        "(owner @dee, hard, waiting 26h)"
    ), said
    assert "via launch → KPI capture → instrumentation metadata" in said
    blocked(baton, '"instrumentation metadata" done', user="U0DEE")
    assert blocked(baton, "launch") == (
        "publish copy is ready, but launch is blocked by KPI capture (no owner yet, hard, "
        "waiting 26h)"
    )
    blocked(baton, '"KPI capture" done')
    said = blocked(baton, "launch")
    assert said == "launch is not blocked: publish copy and KPI capture are ready.", said


def test_the_words_for_ready_blocked_and_neither() -> None:
    since = NOW - timedelta(days=2, hours=21)
    line = BlockerLine(METADATA, ["launch", "instrumentation metadata"], since)
    report = ItemReport(LAUNCH, blockers=[line], ready=[COPY])
    assert report_text(report, now=NOW) == (
        "*publish copy* is ready, but *launch* is blocked by *instrumentation metadata* "
        "(owner <@U0DEE>, hard, waiting 2d 21h)"
    )
    two = ItemReport(LAUNCH, ready=[COPY, ItemRef(3, "legal review", None, done=True)])
    assert report_text(two, now=NOW) == (
        "*launch* is not blocked: *publish copy* and *legal review* are ready."
    )
    nothing = ItemReport(LAUNCH)
    assert report_text(nothing, now=NOW) == (
        "*launch* is not blocked: nothing hard it waits on is open."
    )


def test_the_blocker_words_the_issue_quoted_read_right() -> None:
    since = NOW - timedelta(days=2, hours=21)
    nobody = Wait(["KPI capture", "instrumentation metadata"], None, "missing link")
    dm = blocker_dm(METADATA, [nobody], since=since, now=NOW, channel_id="C0LAUNCH")
    said = "\n".join(b["text"]["text"] for b in dm.blocks if b.get("type") == "section")
    assert "• *KPI capture* (no owner named) · reason: missing link" in said
    assert "nobody named waits" not in said and "because missing link" not in said
    assert dm.text == "instrumentation metadata is blocking: KPI capture"
    last = blocker_last_word(METADATA, [nobody], days=3, since=since, now=NOW).text
    assert "*instrumentation metadata* has blocked *KPI capture* for 2d 21h." in last
    assert "→" not in last  # not "KPI capture → instrumentation metadata for 2d 21h"
