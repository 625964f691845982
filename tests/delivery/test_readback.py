"""What a page of history leaves unread, and when what was read answers for another row."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.delivery.readback import ReadBack, Span, unread_rest
from bot.ids import MetadataEvent

T = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)


def ts(seconds: int) -> str:
    return f"{(T + timedelta(seconds=seconds)).timestamp():.6f}"


def test_a_full_history_page_leaves_the_older_part_a_full_thread_page_the_newer() -> None:
    window = Span(T, T + timedelta(minutes=5), read_at=T)
    page = [{"ts": ts(240)}, {"ts": ts(200)}, {"ts": ts(180)}]  # newest first
    assert unread_rest(window, page, None) == Span(T, T + timedelta(seconds=180), read_at=T)
    parent = ts(-600)
    thread = [{"ts": parent}, {"ts": ts(10)}, {"ts": ts(30)}]  # the parent, then oldest first
    assert unread_rest(window, thread, parent) == Span(
        T + timedelta(seconds=30), window.latest, read_at=T
    )


def test_a_span_read_answers_only_for_attempts_over_before_it_was_read() -> None:
    read = ReadBack()
    span = Span(T, T + timedelta(minutes=5), read_at=T)
    read.cover(("C1", ""), span, read_at=T + timedelta(minutes=3))
    inside = Span(T + timedelta(minutes=1), T + timedelta(minutes=4), read_at=T)
    assert read.covers(("C1", ""), inside)
    assert not read.covers(("C2", ""), inside)  # another conversation
    assert not read.covers(("C1", "1.0"), inside)  # a thread of it
    wider = Span(T - timedelta(minutes=1), T + timedelta(minutes=4), read_at=T)
    assert not read.covers(("C1", ""), wider)
    claimed_after_the_read = Span(inside.oldest, inside.latest, read_at=T + timedelta(minutes=4))
    assert not read.covers(("C1", ""), claimed_after_the_read)


def test_keys_seen_on_a_page_are_remembered_with_their_message() -> None:
    read = ReadBack()
    read.note(
        "C1",
        [
            {
                "ts": "1.000001",
                "metadata": {"event_type": MetadataEvent.OUTBOX, "event_payload": {"key": "k1"}},
            },
            {"ts": "1.000002", "metadata": {"event_type": "other", "event_payload": {"key": "k2"}}},
            {"ts": "1.000003"},
        ],
    )
    assert read.found("k1") == ("C1", "1.000001")
    assert read.found("k2") is None
