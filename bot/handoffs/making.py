"""Making a handoff: at once (`create`), or accepted on the ack path and made right after it
(`accept`, `create_accepted`), and what a crash left accepted but unmade (`create_unfinished`)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session

from bot.clock import Clock
from bot.handoffs.contract import HandoffDraft
from bot.handoffs.lifecycle import HandoffState, Urgency, hands_on
from bot.handoffs.outbox import HandoffOutbox, people_of
from bot.handoffs.outcome import Created
from bot.handoffs.transitions import Transitions
from bot.outbox import intents, messages
from bot.people.person import Person
from store import channel_settings, handoffs, outbox, submissions, work_items
from store.db import Database
from store.group_write import GroupWrite
from store.models import Handoff, HandoffStateChange


class Making:
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
        # Forms accepted at once are recorded together: one SQLite turn for a burst.
        self._accept: GroupWrite[tuple[str, str, dict[str, Any]], bool] = GroupWrite(
            db, lambda session, forms: submissions.accept_all(session, forms, now=clock.now())
        )

    def create(
        self,
        draft: HandoffDraft,
        *,
        author_id: str,
        channel_id: str,
        people: dict[str, Person],
        view_id: str | None = None,
    ) -> Created | None:
        """Store the handoff and owe Slack its messages; None when this view (Submit pressed
        twice) already created it. A live handoff of the same item that this author was the
        next owner (or backup) of is handed on."""
        now = self.clock.now()
        try:
            with self.db.write() as session:
                if view_id is not None:
                    submissions.claim(session, view_id, "handoff", now=now)
                return self._create(session, draft, author_id, channel_id, people, now)
        except submissions.AlreadySubmitted:
            return None

    # -- accepted on the ack path, created after it -------------------------------------

    def accept(
        self,
        draft: HandoffDraft,
        *,
        author_id: str,
        channel_id: str,
        people: dict[str, Person],
        view_id: str,
    ) -> bool:
        """Record a valid form under its view id, in one small write, so Slack can have its
        answer at once; `create_accepted` makes the handoff right after. False when this view
        was submitted already (Submit pressed twice)."""
        payload = _accepted(draft, author_id, channel_id, people)
        return self._accept((view_id, "handoff", payload))

    def seen_as_is(self, view_id: str, fingerprint: str) -> bool:
        """True for the second Submit of a form answered with testability findings for the
        same values (see `store.submissions.seen_as_is`); one small write on the ack path."""
        with self.db.write() as session:
            return submissions.seen_as_is(session, view_id, fingerprint, now=self.clock.now())

    def create_accepted(self, view_id: str) -> Created | None:
        """Make the handoff an accepted form describes, once; None when it exists already."""
        now = self.clock.now()
        with self.db.write() as session:
            accepted = submissions.take_accepted(session, view_id)
            if accepted is None or accepted.payload is None:
                return None
            draft, author_id, channel_id, people = _from_accepted(accepted.payload)
            created = self._create(session, draft, author_id, channel_id, people, now)
            accepted.done_at = now
            session.add(accepted)
        return created

    def create_unfinished(self, *, older_than: timedelta = timedelta(seconds=30)) -> list[str]:
        """Finish what a crash interrupted: accepted forms whose handoff was never made. The
        keys to deliver now."""
        with self.db.read() as session:
            waiting = submissions.unfinished(
                session, "handoff", accepted_before=self.clock.now() - older_than
            )
        keys: list[str] = []
        for view_id in waiting:
            created = self.create_accepted(view_id)
            if created is not None:
                keys += created.send_now
        return keys

    def _create(
        self,
        session: Session,
        draft: HandoffDraft,
        author_id: str,
        channel_id: str,
        people: dict[str, Person],
        now: datetime,
    ) -> Created:
        send_now: list[str] = []
        item = work_items.get_or_create(session, channel_id, draft.work_item, now=now)
        item.owner_id = draft.next_owner_id
        session.add(item)
        assert item.id is not None
        for earlier in handoffs.live_of_item(session, item.id):
            if hands_on(people_of(earlier), earlier.state, author_id):
                send_now += self.transitions.change(
                    session,
                    earlier,
                    item,
                    HandoffState.HANDED_ON,
                    by=author_id,
                    now=now,
                    note="a new handoff of the same item",
                )
        handoff = Handoff(
            work_item_id=item.id,
            channel_id=channel_id,
            author_id=author_id,
            status=draft.status,
            done=draft.done,
            open=draft.open,
            next_owner_id=draft.next_owner_id,
            next_action=draft.next_action,
            backup_owner_id=draft.backup_owner_id,
            act_by=draft.act_by,
            created_at=now,
            urgency=draft.urgency,
            state=HandoffState.OPEN,
            state_changed_at=now,
            state_changed_by=author_id,
            escalation_policy=channel_settings.policy_of(session, channel_id),
        )
        session.add(handoff)
        session.flush()
        assert handoff.id is not None
        handoffs.record_change(
            session,
            HandoffStateChange(
                handoff_id=handoff.id,
                from_state=HandoffState.OPEN,
                to_state=HandoffState.OPEN,
                changed_by=author_id,
                changed_at=now,
                next_owner_id=handoff.next_owner_id,
                note="handed off",
            ),
        )
        the_card = self.messages.card(session, handoff, item)
        hid = handoff.id
        posted = intents.HandoffPost(handoff_id=hid)
        # Rendered when they are sent (bot/handoffs/render.py), from the handoff then.
        first = [
            messages.new(
                intent,
                target=target,
                due_at=now,
                handoff_id=hid,
                notify_on_failure=author_id,
                after=after,
            )
            for intent, target, after in (
                (posted, channel_id, None),
                (
                    intents.HandoffDm(handoff_id=hid, to=draft.next_owner_id),
                    draft.next_owner_id,
                    posted,
                ),
            )
        ]
        # One INSERT for the post, the DM and the reminders: this is on the ack path.
        reminders = self.messages.reminders(session, handoff, the_card, now, people, new=True)
        outbox.enqueue_many(session, [*first, *reminders], now=now)
        self.messages.chains.start(session, handoff, now, people)
        return Created(handoff_id=hid, send_now=[*(m.key for m in first), *send_now])


def _accepted(
    draft: HandoffDraft, author_id: str, channel_id: str, people: dict[str, Person]
) -> dict[str, Any]:
    """An accepted form as JSON: the validated draft and the people as Slack described them."""
    return {
        "draft": {**asdict(draft), "act_by": draft.act_by.isoformat()},
        "author_id": author_id,
        "channel_id": channel_id,
        "people": [asdict(person) for person in people.values()],
    }


def _from_accepted(
    payload: dict[str, Any],
) -> tuple[HandoffDraft, str, str, dict[str, Person]]:
    fields = dict(payload["draft"])
    fields["act_by"] = datetime.fromisoformat(fields["act_by"])
    fields["urgency"] = Urgency(fields["urgency"])
    people = {p["id"]: Person(**p) for p in payload["people"]}
    return HandoffDraft(**fields), payload["author_id"], payload["channel_id"], people
