"""Handoffs from made to done: each use case (make, acknowledge, done, reassign, snooze, take
over, reach them, edit, withdraw, hand on) stores the change with who and when, and owes Slack
its edits and reminders (bot/handoffs/outbox.py) in the same transaction."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlmodel import Session

from bot.clock import Clock
from bot.handoffs import messages as views
from bot.handoffs.contract import HandoffDraft
from bot.handoffs.lifecycle import (
    Button,
    HandoffState,
    Holder,
    Refused,
    Urgency,
    allowed,
    default_act_by,
    hands_on,
    is_live,
    repeat_refusal,
    snooze_limit,
    state_refusal,
)
from bot.handoffs.outbox import EscalationPolicy, HandoffOutbox, people_of, zone_known
from bot.kernel.mrkdwn import local_time, md, mention
from bot.kernel.working_hours import zone_or_utc
from bot.outbox import intents, messages
from bot.people.person import Person
from store import handoffs, outbox, submissions, work_items
from store.db import Database
from store.group_write import GroupWrite
from store.models import (
    Handoff,
    HandoffStateChange,
    WorkItem,
)
from store.types import as_utc


@dataclass(frozen=True)
class Created:
    handoff_id: int
    send_now: list[str]


class Outcome(StrEnum):
    CHANGED = "changed"
    NOT_ALLOWED = "not_allowed"  # `allowed` says who may
    NOT_NOW = "not_now"  # `refused` says why (done already, acknowledged already…)
    INVALID = "invalid"  # `problem` says what to fix (a modal field)
    REPEAT = "repeat"  # this form (view id) was submitted and acted on already
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Change:
    outcome: Outcome
    card: views.HandoffCard | None = None
    send_now: tuple[str, ...] = ()
    allowed: tuple[str, ...] = ()
    refused: Refused | None = None
    problem: str | None = None


@dataclass(frozen=True)
class Edits:
    """What an Edit may change."""

    status: str
    done: list[str]
    open: list[str]
    next_action: str
    backup_owner_id: str | None
    act_by: datetime
    urgency: Urgency


class HandoffService:
    def __init__(self, db: Database, clock: Clock, policy: EscalationPolicy) -> None:
        self.db = db
        self.clock = clock
        self.policy = policy
        self.messages = HandoffOutbox(policy)
        # Forms accepted at once are recorded together: one SQLite turn for a burst.
        self._accept: GroupWrite[tuple[str, str, dict[str, Any]], bool] = GroupWrite(
            db, lambda session, forms: submissions.accept_all(session, forms, now=clock.now())
        )

    # -- making -------------------------------------------------------------------------

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
                send_now += self._change(
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
        return Created(handoff_id=hid, send_now=[*(m.key for m in first), *send_now])

    # -- the buttons --------------------------------------------------------------------

    def check(self, handoff_id: int, button: Button, user_id: str) -> Change:
        """Whether `user_id` may press `button` now (before a modal opens)."""
        with self.db.read() as session:
            found = handoffs.get_with_item(session, handoff_id)
            if found is None:
                return Change(Outcome.UNKNOWN)
            handoff, item = found
            return self._refusal(session, handoff, item, button, user_id) or Change(
                Outcome.CHANGED, self.messages.card(session, handoff, item)
            )

    def _refusal(
        self, session: Session, handoff: Handoff, item: WorkItem, button: Button, user_id: str
    ) -> Change | None:
        holder = Holder(
            handoff.state,
            handoff.next_owner_id,
            handoff.acknowledged_by,
            as_utc(handoff.acknowledged_at) if handoff.acknowledged_at else None,
            as_utc(handoff.act_by),
        )
        if repeated := repeat_refusal(button, user_id, holder):
            return Change(
                Outcome.NOT_NOW, self.messages.card(session, handoff, item), refused=repeated
            )
        who = allowed(button, people_of(handoff))
        if user_id not in who:
            return Change(
                Outcome.NOT_ALLOWED, self.messages.card(session, handoff, item), allowed=tuple(who)
            )
        refused = state_refusal(button, handoff.state)
        if refused is not None:
            return Change(
                Outcome.NOT_NOW, self.messages.card(session, handoff, item), refused=refused
            )
        return None

    def press(
        self, handoff_id: int, button: Button, user_id: str, *, note: str | None = None
    ) -> Change:
        """Acknowledge, Done, Take over, Reach them, Withdraw."""
        now = self.clock.now()
        with self.db.write() as session:
            found = handoffs.get_with_item(session, handoff_id, lock=True)
            if found is None:
                return Change(Outcome.UNKNOWN)
            handoff, item = found
            if refusal := self._refusal(session, handoff, item, button, user_id):
                return refusal
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
                keys += self._change(
                    session,
                    handoff,
                    item,
                    HandoffState.ACKNOWLEDGED,
                    by=user_id,
                    now=now,
                    note=note,
                )
            elif button is Button.DONE:
                keys += self._change(session, handoff, item, HandoffState.DONE, by=user_id, now=now)
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
                keys += self._change(
                    session, handoff, item, HandoffState.WITHDRAWN, by=user_id, now=now
                )
            elif button is Button.TAKE_OVER:
                previous = handoff.next_owner_id
                keys += self._transfer(
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

    def reassign(
        self,
        handoff_id: int,
        by: str,
        new_owner: Person,
        note: str | None,
        *,
        view_id: str | None = None,
    ) -> Change:
        now = self.clock.now()
        with self.db.write() as session:
            found = handoffs.get_with_item(session, handoff_id, lock=True)
            if found is None:
                return Change(Outcome.UNKNOWN)
            handoff, item = found
            if refusal := self._refusal(session, handoff, item, Button.REASSIGN, by):
                return refusal
            if new_owner.id == handoff.next_owner_id:
                return Change(
                    Outcome.INVALID, problem="They are the next owner already: pick someone else."
                )
            if not new_owner.can_act:
                return Change(
                    Outcome.INVALID,
                    problem="Pick a person who can act (not a bot or a deactivated account).",
                )
            if not _first_submission(session, view_id, "reassign", now):
                return Change(Outcome.REPEAT)
            previous = handoff.next_owner_id
            keys = self._transfer(
                session,
                handoff,
                item,
                to=new_owner.id,
                by=by,
                now=now,
                state=HandoffState.REASSIGNED,
                note=note,
                people={new_owner.id: new_owner},
            )
            because = f" ({note.strip()})" if note and note.strip() else ""
            keys += self.messages.notices(
                session,
                handoff,
                item,
                (previous, handoff.author_id),
                md(
                    ":arrows_counterclockwise: ",
                    mention(by),
                    " reassigned to ",
                    mention(new_owner.id),
                    because,
                    ":",
                ),
                now,
                besides=by,
            )
            return Change(Outcome.CHANGED, self.messages.card(session, handoff, item), tuple(keys))

    def snooze_bounds(self, handoff_id: int) -> tuple[datetime, datetime] | None:
        """A snooze's earliest and latest act-by, in the next owner's working time."""
        with self.db.read() as session:
            handoff = session.get(Handoff, handoff_id)
            if handoff is None:
                return None
            zone = zone_or_utc(zone_known(session, handoff.next_owner_id, None))
        now = self.clock.now()
        return now, snooze_limit(now, self.policy.working_hours, zone)

    def snooze(
        self, handoff_id: int, by: str, act_by: datetime, *, view_id: str | None = None
    ) -> Change:
        now = self.clock.now()
        with self.db.write() as session:
            found = handoffs.get_with_item(session, handoff_id, lock=True)
            if found is None:
                return Change(Outcome.UNKNOWN)
            handoff, item = found
            if refusal := self._refusal(session, handoff, item, Button.SNOOZE, by):
                return refusal
            zone = zone_or_utc(zone_known(session, handoff.next_owner_id, None))
            latest = snooze_limit(now, self.policy.working_hours, zone)
            if act_by <= now:
                return Change(Outcome.INVALID, problem="That is in the past: pick a later time.")
            if act_by > latest:
                return Change(
                    Outcome.INVALID,
                    problem="Snooze within your next 3 working days, until "
                    f"{latest.astimezone(zone):%a %d %b %H:%M} your time at the latest.",
                )
            if not _first_submission(session, view_id, "snooze", now):
                return Change(Outcome.REPEAT)
            handoff.act_by = act_by
            keys = self._change(
                session,
                handoff,
                item,
                HandoffState(handoff.state),
                by=by,
                now=now,
                note=f"snoozed to {act_by:%Y-%m-%d %H:%M} UTC",
            )
            if handoff.author_id != by:
                keys.append(
                    self.messages.notice(
                        session,
                        handoff,
                        item,
                        handoff.author_id,
                        md(":zzz: ", mention(by), " snoozed to ", local_time(act_by), ":"),
                        now,
                    )
                )
            return Change(Outcome.CHANGED, self.messages.card(session, handoff, item), tuple(keys))

    def edit(self, handoff_id: int, by: str, edits: Edits, *, view_id: str | None = None) -> Change:
        now = self.clock.now()
        with self.db.write() as session:
            found = handoffs.get_with_item(session, handoff_id, lock=True)
            if found is None:
                return Change(Outcome.UNKNOWN)
            handoff, item = found
            if refusal := self._refusal(session, handoff, item, Button.EDIT, by):
                return refusal
            if not _first_submission(session, view_id, "edit", now):
                return Change(Outcome.REPEAT)
            handoff.status, handoff.done, handoff.open = edits.status, edits.done, edits.open
            handoff.next_action = edits.next_action
            handoff.backup_owner_id = edits.backup_owner_id
            handoff.act_by, handoff.urgency = edits.act_by, edits.urgency
            keys = self._change(
                session, handoff, item, HandoffState.OPEN, by=by, now=now, note="edited"
            )
            return Change(Outcome.CHANGED, self.messages.card(session, handoff, item), tuple(keys))

    def finish_item(self, session: Session, item_id: int, *, by: str, now: datetime) -> list[str]:
        """The work item is done (`/blocked <item> done`): so are its live handoffs."""
        keys: list[str] = []
        item = session.get(WorkItem, item_id)
        if item is None:
            return keys
        for handoff in handoffs.live_of_item(session, item_id):
            keys += self._change(
                session,
                handoff,
                item,
                HandoffState.DONE,
                by=by,
                now=now,
                note="the work item was marked done",
            )
        return keys

    def refresh_item(self, session: Session, item_id: int, *, now: datetime) -> list[str]:
        """The item got blocked or unblocked: its live handoffs' messages say so, and their
        escalation goes to whoever can move it now (the root blocker's owner, or the backup)."""
        keys: list[str] = []
        item = session.get(WorkItem, item_id)
        if item is None:
            return keys
        for handoff in handoffs.live_of_item(session, item_id):
            assert handoff.id is not None
            handoff.revision += 1
            session.add(handoff)
            outbox.cancel_pending_for_handoff(session, handoff.id, now=now, reason="blockers")
            session.flush()
            fresh = self.messages.card(session, handoff, item)
            keys += self.messages.update_all(session, handoff, fresh, now)
            self.messages.schedule(session, handoff, fresh, now, {})
        return keys

    # -- one change ---------------------------------------------------------------------

    def _transfer(
        self,
        session: Session,
        handoff: Handoff,
        item: WorkItem,
        *,
        to: str,
        by: str,
        now: datetime,
        state: HandoffState,
        note: str | None,
        people: dict[str, Person] | None = None,
    ) -> list[str]:
        """A new next owner: a fresh act-by in their working time (unless the current one is
        still ahead), the item's owner follows, and they get the handoff DM."""
        handoff.previous_owner_id = handoff.next_owner_id
        handoff.next_owner_id = to
        if state == HandoffState.TAKEN_OVER:
            handoff.acknowledged_by, handoff.acknowledged_at = to, now
        else:
            handoff.acknowledged_by, handoff.acknowledged_at = None, None
        zone = zone_or_utc(zone_known(session, to, people))
        if as_utc(handoff.act_by) <= now:
            handoff.act_by = default_act_by(
                now, self.policy.act_within, self.policy.working_hours, zone
            )
        item.owner_id = to
        session.add(item)
        keys = self._change(session, handoff, item, state, by=by, now=now, note=note, people=people)
        assert handoff.id is not None
        new_dm = messages.new(
            intents.HandoffDm(handoff_id=handoff.id, revision=handoff.revision, to=to),
            target=to,
            due_at=now,
            handoff_id=handoff.id,
            notify_on_failure=by,
            after=intents.HandoffPost(handoff_id=handoff.id),
        )
        outbox.enqueue(session, new_dm, now=now)
        return [*keys, new_dm.key]

    def _change(
        self,
        session: Session,
        handoff: Handoff,
        item: WorkItem,
        to: HandoffState,
        *,
        by: str,
        now: datetime,
        note: str | None = None,
        people: dict[str, Person] | None = None,
    ) -> list[str]:
        """Record the change, cancel the reminders planned for the old state, edit every
        message that shows the handoff, and plan what the new state is owed."""
        assert handoff.id is not None
        from_state = handoff.state
        handoff.state = to
        handoff.state_changed_at, handoff.state_changed_by = now, by
        handoff.revision += 1
        session.add(handoff)
        handoffs.record_change(
            session,
            HandoffStateChange(
                handoff_id=handoff.id,
                from_state=from_state,
                to_state=to,
                changed_by=by,
                changed_at=now,
                next_owner_id=handoff.next_owner_id,
                note=(note or "").strip()[:500] or None,
            ),
        )
        outbox.cancel_pending_for_handoff(session, handoff.id, now=now, reason=f"now {to}")
        session.flush()
        fresh = self.messages.card(session, handoff, item)
        keys = self.messages.update_all(session, handoff, fresh, now)
        if is_live(to):
            self.messages.schedule(session, handoff, fresh, now, people or {})
        return keys

    # -- reading ------------------------------------------------------------------------

    def card_of(self, handoff_id: int) -> views.HandoffCard | None:
        with self.db.read() as session:
            found = handoffs.get_with_item(session, handoff_id)
            return self.messages.card(session, *found) if found else None


def _first_submission(session: Session, view_id: str | None, kind: str, now: datetime) -> bool:
    """Claim a lifecycle form's view id in the changing transaction, as the handoff form does:
    False when it was submitted and acted on already (Submit pressed twice, a retried request).
    Claimed only once the form passed its checks, so a form answered with field errors can be
    corrected and submitted again."""
    if view_id is None:
        return True
    try:
        submissions.claim(session, view_id, kind, now=now)
    except submissions.AlreadySubmitted:
        return False
    return True


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
