"""The buttons pressed directly (Acknowledge, Done, Take over, Reach them, Withdraw), and the
check every button and form goes through first: a repeat, who may, and whether it may now."""

from __future__ import annotations

from sqlmodel import Session

from bot.clock import Clock
from bot.handoffs.lifecycle import (
    Button,
    HandoffState,
    allowed,
    repeat_refusal,
    state_refusal,
)
from bot.handoffs.outbox import HandoffOutbox, holder_of
from bot.handoffs.outcome import Change, Outcome
from bot.handoffs.transitions import Transitions
from bot.kernel.mrkdwn import md, mention
from store import handoffs
from store.db import Database
from store.models import Handoff, WorkItem


def refusal(
    handoff_messages: HandoffOutbox,
    session: Session,
    handoff: Handoff,
    item: WorkItem,
    button: Button,
    user_id: str,
) -> Change | None:
    """Why `user_id` may not press `button` now, with the card to show; None when they may."""
    holder = holder_of(handoff)
    if repeated := repeat_refusal(button, user_id, holder):
        return Change(
            Outcome.NOT_NOW, handoff_messages.card(session, handoff, item), refused=repeated
        )
    who = allowed(button, handoff_messages.people(session, handoff))
    if user_id not in who:
        return Change(
            Outcome.NOT_ALLOWED, handoff_messages.card(session, handoff, item), allowed=tuple(who)
        )
    refused = state_refusal(button, handoff.state)
    if refused is not None:
        return Change(
            Outcome.NOT_NOW, handoff_messages.card(session, handoff, item), refused=refused
        )
    return None


def pressable(
    handoff_messages: HandoffOutbox,
    session: Session,
    handoff_id: int,
    button: Button,
    user_id: str,
    *,
    lock: bool = True,
) -> tuple[Handoff, WorkItem] | Change:
    """The handoff and its item (locked, for a change) when `user_id` may press `button` on
    it now; else the Change that says why not (unknown, not theirs, not now)."""
    found = handoffs.get_with_item(session, handoff_id, lock=lock)
    if found is None:
        return Change(Outcome.UNKNOWN)
    handoff, item = found
    return refusal(handoff_messages, session, handoff, item, button, user_id) or found


class Presses:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        handoff_messages: HandoffOutbox,
        transitions: Transitions,
    ) -> None:
        self.db = db
        self.clock = clock
        self.messages = handoff_messages
        self.transitions = transitions

    def check(self, handoff_id: int, button: Button, user_id: str) -> Change:
        """Whether `user_id` may press `button` now (before a modal opens)."""
        with self.db.read() as session:
            held = pressable(self.messages, session, handoff_id, button, user_id, lock=False)
            if isinstance(held, Change):
                return held
            return Change(Outcome.CHANGED, self.messages.card(session, *held))

    def press(
        self, handoff_id: int, button: Button, user_id: str, *, note: str | None = None
    ) -> Change:
        """Acknowledge, Done, Take over, Reach them, Withdraw."""
        now = self.clock.now()
        with self.db.write() as session:
            held = pressable(self.messages, session, handoff_id, button, user_id)
            if isinstance(held, Change):
                return held
            handoff, item = held
            keys: list[str] = []
            if button is Button.ACKNOWLEDGE or button is Button.REACH_THEM:
                handoff.acknowledged_by, handoff.acknowledged_at = user_id, now
                note = "reaching the next owner" if button is Button.REACH_THEM else note
                if button is Button.REACH_THEM:
                    keys.append(
                        self.messages.notice(
                            session,
                            handoff,
                            item,
                            handoff.next_owner_id,
                            md(":wave: ", mention(user_id), " is reaching you about"),
                            now,
                        )
                    )
                keys += self.transitions.change(
                    session,
                    handoff,
                    item,
                    HandoffState.ACKNOWLEDGED,
                    by=user_id,
                    now=now,
                    note=note,
                )
            elif button is Button.DONE:
                keys += self.transitions.change(
                    session, handoff, item, HandoffState.DONE, by=user_id, now=now
                )
                if handoff.author_id != user_id:
                    keys.append(
                        self.messages.notice(
                            session,
                            handoff,
                            item,
                            handoff.author_id,
                            md(mention(user_id), " marked done"),
                            now,
                        )
                    )
            elif button is Button.WITHDRAW:
                keys += self.transitions.change(
                    session, handoff, item, HandoffState.WITHDRAWN, by=user_id, now=now
                )
            elif button is Button.TAKE_OVER:
                previous = handoff.next_owner_id
                keys += self.transitions.transfer(
                    session,
                    handoff,
                    item,
                    to=user_id,
                    by=user_id,
                    now=now,
                    state=HandoffState.TAKEN_OVER,
                    note=note,
                )
                keys += self.messages.notices(
                    session,
                    handoff,
                    item,
                    (previous, handoff.author_id),
                    md(
                        ":raised_hand: ",
                        mention(user_id),
                        " took over from ",
                        mention(previous),
                        ":",
                    ),
                    now,
                    besides=user_id,
                )
            else:
                raise ValueError(f"{button} is not pressed directly")
            return Change(Outcome.CHANGED, self.messages.card(session, handoff, item), tuple(keys))
