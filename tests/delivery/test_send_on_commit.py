"""One way to send promptly: the commit that writes a message due now sends it (in this
process; other processes hear of it by NOTIFY). No handler asks for a delivery."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest

from bot.outbox import intents, messages
from store import outbox
from tests.conftest import RunningBaton

ROOT = Path(__file__).resolve().parents[2]
CHANNEL = "C0LAUNCH"


def write(
    baton: RunningBaton, key: str, later: timedelta = timedelta(0), *, fail: bool = False
) -> None:
    """A use case's transaction that owes Slack one message (and asks nobody to send it)."""
    now = baton.clock.now()
    with baton.services.db.write() as session:
        message = messages.new(intents.Plain(key=key), target=CHANNEL, text=key, due_at=now + later)
        outbox.enqueue(session, message, now=now)
        if fail:
            raise RuntimeError("the use case failed")


def texts(baton: RunningBaton) -> list[str]:
    return [m["text"] for m in baton.standin.messages(CHANNEL)]


def test_a_committed_message_due_now_goes_out_without_a_sweep(baton: RunningBaton) -> None:
    write(baton, "now")
    write(baton, "later", timedelta(hours=1))
    with pytest.raises(RuntimeError):
        write(baton, "rolled back", fail=True)
    baton.services.settle()
    assert texts(baton) == ["now"]  # not the one due later, not the one never committed


def test_one_pass_waits_for_what_commits_are_sending_and_leaves_nothing_due(
    baton: RunningBaton,
) -> None:
    """A pass (what `baton demo` and the tests run) that started while commits' sends are in
    flight returns only once they are done: Slack has every message due by then."""
    baton.standin.set_delay("chat.postMessage", 0.3)
    for n in range(3):
        write(baton, f"m{n}")
    baton.services.tick()
    assert sorted(texts(baton)) == ["m0", "m1", "m2"]


def test_no_handler_asks_for_a_delivery() -> None:
    calls = [
        f"{path.relative_to(ROOT)}: {line.strip()}"
        for path in (ROOT / "bot" / "listeners").rglob("*.py")
        for line in path.read_text().splitlines()
        if re.search(r"deliver(er)?\.(deliver|sweep|wake)", line)
    ]
    assert calls == []
