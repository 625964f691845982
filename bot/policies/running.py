"""Running a handoff's frozen escalation policy: the chain starts with the handoff, holds while
act-by is ahead, goes on from where it stood, starts again for a new next owner, and ends with
the handoff. Each step is outbox rows, written once by whichever planner gets there first.

Only the next step is ever planned: `plan` (a planner tick) fires the chains whose next step is
due, found through one index, and aims each at the step after it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from slack_sdk.errors import SlackApiError
from sqlmodel import Session

from bot.clock import Clock
from bot.handoffs.lifecycle import is_live
from bot.kernel.reader_hours import ReaderHours
from bot.kernel.working_hours import WorkingHours
from bot.outbox import intents, messages
from bot.people.group_members import GroupUnreadable
from bot.people.hours import hours_for
from bot.people.person import Person
from bot.policies import messages as policy_messages
from bot.policies.asking import (
    LEFT_SLACK,
    Ask,
    Away,
    Facts,
    MembersOf,
    OnTurn,
    no_groups,
    no_rotation,
    nobody_away,
    whom,
)
from bot.policies.chain import Next, due_at, next_step
from bot.policies.policy import Policy, Target, TargetKind
from bot.policies.stored import done_of, people_of, policy_of
from store import chains, channel_settings, outbox
from store.db import Database
from store.models import EscalationChain, Handoff, OutboxStatus, SlackUser
from store.types import as_utc

log = logging.getLogger("baton.policies")
BATCH = 200  # chains fired per read; a tick takes at most PASSES of them
PASSES = 10


@dataclass(frozen=True)
class _Due:
    """A chain due to fire, as read: what the write checks is still so."""

    handoff_id: int
    stamp: tuple[int, int | None, int | None, datetime | None]
    next: Next | None  # None: its handoff is over
    due: datetime
    facts: Facts
    then_person: str | None = None  # whom the step after asks, when one person


class Chains:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        team: WorkingHours,
        *,
        members_of: MembersOf = no_groups,
        away: Away = nobody_away,
        on_turn: OnTurn = no_rotation,
        tz_of: Callable[[str], str | None] | None = None,
    ) -> None:
        self.db = db
        self.clock = clock
        self.team = team
        self.members_of = members_of
        self.away = away
        self.on_turn = on_turn
        self.tz_of = tz_of  # a person's Slack zone (users.info, cached); None: the cache only

    # -- in the caller's transaction (making, transitions) ---------------------------------

    def start(
        self, session: Session, handoff: Handoff, now: datetime, people: dict[str, Person]
    ) -> None:
        """A handoff made under a policy: its chain, aimed at the first step."""
        policy = policy_of(handoff)
        if policy is None or handoff.id is None:
            return
        chain = EscalationChain(handoff_id=handoff.id, asked=[], updated_at=now)
        self._aim(session, handoff, policy, chain, people)
        session.add(chain)

    def follow(
        self,
        session: Session,
        handoff: Handoff,
        now: datetime,
        *,
        restart: bool = False,
        people: dict[str, Person] | None = None,
    ) -> None:
        """The handoff changed: over, the chain ends; a new next owner (`restart`), it starts
        again for them; else it goes on from where it stood, held until act-by."""
        policy = policy_of(handoff)
        chain = chains.get(session, handoff.id, lock=True) if handoff.id else None
        if chain is None and is_live(handoff.state):
            self.start(session, handoff, now, people or {})  # made before chains were kept
            return
        if policy is None or chain is None or handoff.id is None:
            return
        chain.updated_at = now
        if not is_live(handoff.state) or restart:
            outbox.cancel_pending_of_kind(
                session,
                handoff.id,
                intents.Kind.ESCALATION_STEP,
                reason=f"now {handoff.state}",
                now=now,
            )
        if not is_live(handoff.state):
            chain.due_at = None
        else:
            if restart:  # `fired` goes on counting: how far the handoff's chains went
                chain.run += 1
                chain.done_round = chain.done_step = None
                chain.last_due, chain.asked = None, []
            self._aim(session, handoff, policy, chain, people or {})
            self._hold(session, handoff, now)
        session.add(chain)

    def asked(self, session: Session, handoff_id: int) -> tuple[str, ...]:
        """Who the chain asked to step in (they may Take over or Reach them)."""
        chain = chains.get(session, handoff_id)
        return tuple(chain.asked) if chain else ()

    # -- the planner tick -------------------------------------------------------------------

    def plan(self) -> int:
        """Fire every chain whose next step is due; how many steps fired (or passed on)."""
        fired = 0
        for _ in range(PASSES):  # a step that passed on makes the next one due at once
            now = self.clock.now()
            with self.db.read() as session:
                waiting = [self._read(session, c) for c in chains.due(session, now, limit=BATCH)]
            moved = 0
            for due in waiting:
                try:
                    moved += self._fire(due, now)
                except GroupUnreadable as error:  # Slack could not say now: the next tick
                    log.warning("handoff %s: user group unreadable (%s)", due.handoff_id, error)
                except Exception:  # one chain's failure must not hold up every other one
                    log.exception("handoff %s: escalation step failed", due.handoff_id)
            fired += moved
            if not moved:
                break
        return fired

    def _zone(self, user_id: str) -> str | None:
        """Their Slack zone (looked up once, then cached); None when Slack cannot say now."""
        assert self.tz_of is not None
        try:
            return self.tz_of(user_id)
        except (SlackApiError, OSError, TimeoutError) as error:
            log.info("no zone for %s: %s", user_id, error)
            return None

    def _read(self, session: Session, chain: EscalationChain) -> _Due:
        handoff = session.get(Handoff, chain.handoff_id)
        assert handoff is not None and chain.due_at is not None
        policy = policy_of(handoff)
        nxt = None
        if policy is not None and is_live(handoff.state):
            nxt = next_step(policy, handoff.urgency, done_of(chain))
        owners: tuple[str, ...] = ()
        then: str | None = None  # the step after asks one person: their zone times it
        if nxt is not None and policy is not None:
            if nxt.step.target.kind is TargetKind.OWNERS:
                owners = channel_settings.roles_of(session, handoff.channel_id).owners
            after = next_step(policy, handoff.urgency, nxt.position)
            if after is not None and after.step.target.kind is TargetKind.PERSON:
                then = after.step.target.ref
        return _Due(
            chain.handoff_id,
            (chain.run, chain.done_round, chain.done_step, as_utc(chain.due_at)),
            nxt,
            as_utc(chain.due_at),
            Facts(handoff.channel_id, people_of(handoff), tuple(owners)),
            then,
        )

    def _fire(self, due: _Due, now: datetime) -> int:
        # Slack (user groups, zones) and the injected rules are asked outside the transaction.
        ask = Ask(())
        zones: dict[str, str | None] = {}
        if due.next is not None:
            ask = whom(
                due.next.step,
                due.facts,
                due.due,
                members_of=self.members_of,
                on_turn=self.on_turn,
                away=self.away,
            )
            if self.tz_of is not None and due.next.step.target.kind is not TargetKind.THREAD:
                zones = {user: self._zone(user) for user in ask.to}
            if self.tz_of is not None and due.then_person:
                self._zone(due.then_person)  # known (cached) before the step after is timed
        with self.db.write() as session:
            chain = chains.get(session, due.handoff_id, lock=True)
            if chain is None or _stamp(chain) != due.stamp:
                return 0  # another planner fired it, or the handoff changed meanwhile
            handoff = session.get(Handoff, due.handoff_id)
            chain.updated_at = now
            if handoff is None or due.next is None or not is_live(handoff.state):
                chain.due_at = None
                return 1
            rows = self._rows(session, handoff, chain, due.next, ask, due.due, zones, now)
            outbox.enqueue_many(session, rows, now=now)
            chain.done_round, chain.done_step = due.next.position.round, due.next.position.step
            chain.fired += 1
            if due.next.step.target.kind not in (TargetKind.NEXT_OWNER, TargetKind.THREAD):
                chain.asked = list(dict.fromkeys([*chain.asked, *ask.to]))
            policy = policy_of(handoff)
            assert policy is not None
            if ask.passed is not None:  # the next step goes ahead at once
                chain.last_due = now
                after = next_step(policy, handoff.urgency, due.next.position)
                chain.due_at = max(now, as_utc(handoff.act_by)) if after else None
            else:
                chain.last_due = due.due
                self._aim(session, handoff, policy, chain, {})
            session.add(chain)
            return 1

    def _rows(
        self,
        session: Session,
        handoff: Handoff,
        chain: EscalationChain,
        nxt: Next,
        ask: Ask,
        due: datetime,
        zones: dict[str, str | None],
        now: datetime,
    ) -> list[outbox.NewMessage]:
        assert handoff.id is not None
        step = intents.EscalationStep(
            handoff_id=handoff.id,
            run=chain.run,
            round=nxt.position.round,
            step=nxt.position.step,
            to=handoff.channel_id,
            due=due,
            target=nxt.step.target.kind.value,
            handle=nxt.step.target.handle,
        )
        post = intents.HandoffPost(handoff_id=handoff.id)
        told = self._owners_told(session, handoff, ask, now)
        if ask.passed is not None or nxt.step.target.kind is TargetKind.THREAD:
            said = step.model_copy(
                update={
                    "asked": tuple(chain.asked),
                    "passed": ask.passed,
                    "passed_who": ask.passed_who,
                }
            )
            return [
                *told,
                messages.new(
                    said,
                    target=handoff.channel_id,
                    due_at=max(due, now) if ask.passed is None else now,
                    parent=post,
                    handoff_id=handoff.id,
                    notify_on_failure=handoff.author_id,
                ),
            ]
        return [
            messages.new(
                step.model_copy(update={"to": user}),
                target=user,
                due_at=max(self._reader(session, user, zones.get(user)).plan(due), now),
                handoff_id=handoff.id,
                notify_on_failure=handoff.author_id,
                after=post,
            )
            for user in ask.to
        ]

    # -- when ---------------------------------------------------------------------------

    def _aim(
        self,
        session: Session,
        handoff: Handoff,
        policy: Policy,
        chain: EscalationChain,
        people: dict[str, Person],
    ) -> None:
        """Point the chain at its next step: due its delay after the step before (the first:
        after act-by) in the working time of the person it asks, never before act-by."""
        nxt = next_step(policy, handoff.urgency, done_of(chain))
        if nxt is None:
            chain.due_at = None
            return
        act_by = as_utc(handoff.act_by)
        since = as_utc(chain.last_due) if chain.last_due else act_by
        reader = self._timing(session, handoff, nxt.step.target, people)
        chain.due_at = due_at(since, nxt.delay, reader, act_by=act_by)

    def _hold(self, session: Session, handoff: Handoff, now: datetime) -> None:
        """Steps fired but not yet sent wait for act-by too (a Snooze moved it ahead)."""
        act_by = as_utc(handoff.act_by)
        if act_by <= now or handoff.id is None:
            return
        for row in outbox.of_handoff(session, handoff.id):
            if row.kind != intents.Kind.ESCALATION_STEP or row.status != OutboxStatus.PENDING:
                continue
            held = self._reader(session, row.target, None).plan(max(as_utc(row.due_at), act_by))
            if held > as_utc(row.due_at):
                row.due_at, row.updated_at = held, now
                session.add(row)

    def _timing(
        self, session: Session, handoff: Handoff, target: Target, people: dict[str, Person]
    ) -> ReaderHours:
        """Whose working time a step's delay is counted in: the person it asks; for the
        thread, the owners, a group or the rotation, the next owner's (it is their work)."""
        user = {
            TargetKind.BACKUP: people_of(handoff).escalation_contact(),
            TargetKind.AUTHOR: handoff.author_id,
            TargetKind.PERSON: target.ref or handoff.next_owner_id,
        }.get(target.kind, handoff.next_owner_id)
        zone = people[user].tz if user in people else None
        return self._reader(session, user, zone)

    def _owners_told(
        self, session: Session, handoff: Handoff, ask: Ask, now: datetime
    ) -> list[outbox.NewMessage]:
        """Someone the policy names has left Slack: each of the channel's owners hears of it
        once (the key names channel, person and owner), in their own hours."""
        if ask.passed != LEFT_SLACK or ask.passed_who is None:
            return []
        left, channel = ask.passed_who, handoff.channel_id
        message = policy_messages.person_left_dm(channel, left)
        owners = channel_settings.roles_of(session, channel).owners
        return [
            messages.new(
                intents.PolicyPersonLeft(channel_id=channel, person=left, to=owner),
                target=owner,
                text=message.text,
                blocks=message.blocks,
                due_at=max(self._reader(session, owner, None).plan(now), now),
            )
            for owner in owners
            if owner != left
        ]

    def _reader(self, session: Session, user_id: str, zone: str | None) -> ReaderHours:
        if zone is None:
            known = session.get(SlackUser, user_id)
            zone = known.tz if known else None
        return hours_for(session, user_id, zone, self.team)


def _stamp(chain: EscalationChain) -> tuple[int, int | None, int | None, datetime | None]:
    due = as_utc(chain.due_at) if chain.due_at else None
    return (chain.run, chain.done_round, chain.done_step, due)
