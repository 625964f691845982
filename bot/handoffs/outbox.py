"""What a handoff owes Slack, written in the caller's transaction: the card every message
shows, the edits (chat.update) of every message that shows it, the reminders its state is
still due, and short notices to the people involved."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session

from bot.graph.rules import root_blockers
from bot.handoffs import messages as views
from bot.handoffs.lifecycle import (
    HandoffPeople,
    HandoffState,
    Holder,
    Urgency,
    escalation_recipient,
    plan_reminders,
)
from bot.kernel.mrkdwn import Mrkdwn
from bot.kernel.reader_hours import ReaderHours
from bot.kernel.working_hours import WorkingHours
from bot.outbox import intents, messages
from bot.outbox.intents import Kind
from bot.people.hours import hours_for
from bot.people.person import Person
from bot.policies.policy import Policy
from bot.policies.running import Chains
from store import graph, handoffs, outbox
from store.models import Handoff, OutboxOp, OutboxStatus, SlackUser, WorkItem
from store.types import as_utc


def post_key(handoff_id: int) -> str:
    return intents.key_of(intents.HandoffPost(handoff_id=handoff_id))


# The handoff messages that show its card, and are edited (chat.update) when it changes.
SHOWS_THE_CARD = (
    Kind.HANDOFF_POST,
    Kind.HANDOFF_DM,
    Kind.HANDOFF_NUDGE,
    Kind.ESCALATION_DM,
    Kind.ESCALATION_STEP,  # a DM (a step in the thread shows no card)
)


@dataclass(frozen=True)
class EscalationPolicy:
    escalate_after: timedelta
    working_hours: WorkingHours
    act_within: timedelta = timedelta(hours=4)


def card(
    handoff: Handoff,
    item: WorkItem,
    *,
    blocked_by: tuple[views.Blocker, ...] = (),
    transfer: str | None = None,
    escalation: Mrkdwn | None = None,
) -> views.HandoffCard:
    assert handoff.id is not None
    return views.HandoffCard(
        id=handoff.id,
        work_item=item.name,
        status=handoff.status,
        done=list(handoff.done),
        open=list(handoff.open),
        author_id=handoff.author_id,
        next_owner_id=handoff.next_owner_id,
        next_action=handoff.next_action,
        backup_owner_id=handoff.backup_owner_id,
        act_by=as_utc(handoff.act_by),
        created_at=as_utc(handoff.created_at),
        acknowledged_by=handoff.acknowledged_by,
        acknowledged_at=as_utc(handoff.acknowledged_at) if handoff.acknowledged_at else None,
        channel_id=handoff.channel_id,
        state=HandoffState(handoff.state),
        urgency=Urgency(handoff.urgency),
        previous_owner_id=handoff.previous_owner_id,
        state_changed_by=handoff.state_changed_by,
        state_changed_at=as_utc(handoff.state_changed_at) if handoff.state_changed_at else None,
        blocked_by=blocked_by,
        transfer=transfer,
        policy=Policy.from_json(handoff.escalation_policy) if handoff.escalation_policy else None,
        escalation=escalation,
    )


def current_card(session: Session, handoff: Handoff, item: WorkItem) -> views.HandoffCard:
    """The card as the handoff is now: with its root blockers and how it changed hands."""
    return card(
        handoff,
        item,
        blocked_by=blockers_of(session, item),
        transfer=_transfer_of(session, handoff),
    )


def people_of(handoff: Handoff) -> HandoffPeople:
    return HandoffPeople(handoff.author_id, handoff.next_owner_id, handoff.backup_owner_id)


def holder_of(handoff: Handoff) -> Holder:
    """Who holds the handoff now, for the rules on pressing a button twice."""
    return Holder(
        handoff.state,
        handoff.next_owner_id,
        handoff.acknowledged_by,
        as_utc(handoff.acknowledged_at) if handoff.acknowledged_at else None,
        as_utc(handoff.act_by),
    )


class HandoffOutbox:
    def __init__(self, policy: EscalationPolicy, chains: Chains) -> None:
        self.policy = policy
        # A handoff made under an escalation policy runs its chain instead of the reminders.
        self.chains = chains

    def card(self, session: Session, handoff: Handoff, item: WorkItem) -> views.HandoffCard:
        return current_card(session, handoff, item)

    def people(self, session: Session, handoff: Handoff) -> HandoffPeople:
        """Who is who on the handoff, with whom its escalation policy asked to step in."""
        asked = self.chains.asked(session, handoff.id) if handoff.id is not None else ()
        return HandoffPeople(
            handoff.author_id, handoff.next_owner_id, handoff.backup_owner_id, asked=asked
        )

    def hours_of(
        self, session: Session, user_id: str, people: dict[str, Person] | None = None
    ) -> ReaderHours:
        """When `user_id` may be reached: their own hours, else the team's; in their zone."""
        zone = zone_known(session, user_id, people)
        return hours_for(session, user_id, zone, self.policy.working_hours)

    def update_all(
        self, session: Session, handoff: Handoff, the_card: views.HandoffCard, now: datetime
    ) -> list[str]:
        """chat.update of every message that shows this handoff, never a repost."""
        keys: list[str] = []
        for row in outbox.of_handoff(session, the_card.id):
            if row.kind not in SHOWS_THE_CARD or row.op != OutboxOp.POST:
                continue
            if row.status in (OutboxStatus.CANCELLED, OutboxStatus.FAILED):
                continue
            edits = Kind(row.kind)
            step = edits is Kind.ESCALATION_STEP
            if step and row.target == handoff.channel_id:
                continue
            # Rendered when it is sent (bot/handoffs/render.py): the handoff as it is then.
            update = messages.new(
                intents.HandoffUpdate(
                    handoff_id=the_card.id,
                    edits=edits,
                    edits_revision=int(row.payload.get("revision", 0)),
                    revision=handoff.revision,
                    to=row.target,
                    planned_at=as_utc(row.due_at) if edits is Kind.ESCALATION_DM else None,
                    edits_key=row.idempotency_key if step else None,
                ),
                target=row.target,
                due_at=now,
                op=OutboxOp.UPDATE,
                parent=intents.parse(row.kind, row.payload),
                handoff_id=the_card.id,
                after=None
                if edits is Kind.HANDOFF_POST
                else intents.HandoffPost(handoff_id=the_card.id),
            )
            outbox.enqueue(session, update, now=now)
            keys.append(update.key)
        return keys

    def schedule(
        self,
        session: Session,
        handoff: Handoff,
        the_card: views.HandoffCard,
        now: datetime,
        people: dict[str, Person],
    ) -> None:
        """Owe Slack the reminders `reminders` plans (or, under a policy, go on with its chain)."""
        if handoff.escalation_policy is not None:
            self.chains.follow(session, handoff, now, people=people)
            return
        outbox.enqueue_many(
            session, self.reminders(session, handoff, the_card, now, people), now=now
        )

    def reminders(
        self,
        session: Session,
        handoff: Handoff,
        the_card: views.HandoffCard,
        now: datetime,
        people: dict[str, Person],
        *,
        new: bool = False,
    ) -> list[outbox.NewMessage]:
        """The nudge at act-by, then the escalation DM and its thread reply: whichever of
        them this act-by has not had yet (a `new` handoff has had none). None under an
        escalation policy: its chain plans each step (bot/policies/running.py)."""
        assert handoff.id is not None
        if handoff.escalation_policy is not None:
            return []
        hid, revision = handoff.id, handoff.revision
        owners = [b.owner_id for b in the_card.blocked_by if b.owner_id]
        escalate_to = escalation_recipient(people_of(handoff), owners)
        plan = plan_reminders(
            act_by=the_card.act_by,
            urgency=the_card.urgency,
            escalate_after=self.policy.escalate_after,
            owner=self.hours_of(session, handoff.next_owner_id, people),
            escalate_to=escalate_to,
            escalate=self.hours_of(session, escalate_to, people),
        )
        sent = [
            row
            for row in ([] if new else outbox.of_handoff(session, hid))
            if row.status in (OutboxStatus.SENT, OutboxStatus.SENDING)
            and as_utc(row.due_at) >= the_card.act_by
        ]
        nudged = any(r.kind == Kind.HANDOFF_NUDGE for r in sent)
        escalated = any(r.kind == Kind.ESCALATION_DM for r in sent)
        author = handoff.author_id
        post = intents.HandoffPost(handoff_id=hid)
        planned: list[outbox.NewMessage] = []
        if not nudged:
            planned.append(
                messages.new(
                    intents.HandoffNudge(
                        handoff_id=hid, revision=revision, to=the_card.next_owner_id
                    ),
                    target=the_card.next_owner_id,
                    due_at=max(plan.nudge_at, now),
                    handoff_id=hid,
                    needs_unacknowledged=True,
                    notify_on_failure=author,
                    after=post,
                )
            )
        if plan.escalate_to and plan.escalate_due and plan.escalate_dm_at and not escalated:
            dm_at = max(plan.escalate_dm_at, now)
            dm = intents.EscalationDm(
                handoff_id=hid, revision=revision, to=plan.escalate_to, planned_at=dm_at
            )
            planned += [
                messages.new(
                    dm,
                    target=plan.escalate_to,
                    due_at=dm_at,
                    handoff_id=hid,
                    needs_unacknowledged=True,
                    notify_on_failure=author,
                    after=post,
                ),
                # Never in the thread before the DM has actually gone: it waits with it.
                messages.new(
                    intents.EscalationThread(
                        handoff_id=hid,
                        revision=revision,
                        asked=plan.escalate_to,
                        planned_at=dm_at,
                        owner=the_card.next_owner_id,
                        act_by=the_card.act_by,
                    ),
                    target=handoff.channel_id,
                    due_at=dm_at,
                    parent=post,
                    handoff_id=hid,
                    needs_unacknowledged=True,
                    notify_on_failure=author,
                    after=dm,
                ),
            ]
        return planned

    def notices(
        self,
        session: Session,
        handoff: Handoff,
        item: WorkItem,
        told: Iterable[str],
        line: Mrkdwn,
        now: datetime,
        *,
        besides: str,
    ) -> list[str]:
        """The same notice to each of `told` (once each), except `besides`, who did it."""
        return [
            self.notice(session, handoff, item, user_id, line, now)
            for user_id in dict.fromkeys(told)
            if user_id != besides
        ]

    def notice(
        self,
        session: Session,
        handoff: Handoff,
        item: WorkItem,
        user_id: str,
        line: Mrkdwn,
        now: datetime,
    ) -> str:
        assert handoff.id is not None
        message = views.notice(self.card(session, handoff, item), line)
        notice = messages.new(
            intents.HandoffNotice(handoff_id=handoff.id, revision=handoff.revision, to=user_id),
            target=user_id,
            text=message.text,
            blocks=message.blocks,
            due_at=now,
            handoff_id=handoff.id,
            after=intents.HandoffPost(handoff_id=handoff.id),
        )
        outbox.enqueue(session, notice, now=now)
        return notice.key


def zone_known(session: Session, user_id: str, people: dict[str, Person] | None) -> str | None:
    """A zone Baton knows already: from the form's people, else the users cache."""
    if people and user_id in people:
        return people[user_id].tz
    known = session.get(SlackUser, user_id)
    return known.tz if known else None


def blockers_of(session: Session, item: WorkItem) -> tuple[views.Blocker, ...]:
    """The root blockers (hard, open) the item waits on, as `/blocked <item>` names them."""
    if item.id is None or item.state != "open" or not graph.waits_on_anything(session, item.id):
        return ()  # the common case, answered from an index without walking the graph
    hard = graph.reachable(session, item.id, hard_open_only=True)
    if not hard:
        return ()
    roots = root_blockers(item.id, hard, done=set())
    named = graph.items(session, [r.root for r in roots])
    return tuple(
        views.Blocker(named[r.root].name, named[r.root].owner_id) for r in roots if r.root in named
    )


def _transfer_of(session: Session, handoff: Handoff) -> str | None:
    if handoff.id is None or not handoff.previous_owner_id:
        return None
    for change in reversed(handoffs.history(session, handoff.id)):
        if change.to_state == HandoffState.TAKEN_OVER:
            return views.TOOK_OVER
        if change.to_state == HandoffState.REASSIGNED:
            return views.REASSIGNED_FROM
    return None
