"""Handoffs from made to done: each use case (make, acknowledge, done, reassign, snooze, take
over, reach them, edit, withdraw, hand on) stores the change with who and when, and owes Slack
its edits and reminders (bot/handoffs/outbox.py) in the same transaction.

The use cases live in their own modules (making.py, presses.py, changes.py, transitions.py);
this façade only wires them to one outbox planner, so the listeners and the composition root
keep one handle, `services.handoffs`."""

from __future__ import annotations

from bot.clock import Clock
from bot.handoffs import messages as views
from bot.handoffs.changes import FormChanges
from bot.handoffs.making import Making
from bot.handoffs.outbox import EscalationPolicy, HandoffOutbox
from bot.handoffs.presses import Presses
from bot.handoffs.transitions import Transitions
from bot.policies.running import Chains
from store import handoffs
from store.db import Database


class HandoffService:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        policy: EscalationPolicy,
        chains: Chains | None = None,
    ) -> None:
        self.db = db
        # Escalation policies' chains: planned by `chains.plan`, a planner tick.
        self.chains = chains or Chains(db, clock, policy.working_hours)
        self.messages = HandoffOutbox(policy, self.chains)
        transitions = Transitions(policy, self.messages)
        making = Making(db, clock, self.messages, transitions)
        presses = Presses(db, clock, self.messages, transitions)
        forms = FormChanges(db, clock, policy, self.messages, transitions)
        # Making a handoff (the form, on and after the ack path; a crash's leftovers).
        self.create = making.create
        self.accept = making.accept
        self.create_accepted = making.create_accepted
        self.create_unfinished = making.create_unfinished
        self.seen_as_is = making.seen_as_is
        # The buttons, and the forms some of them open.
        self.check = presses.check
        self.press = presses.press
        self.reassign = forms.reassign
        self.snooze_bounds = forms.snooze_bounds
        self.snooze = forms.snooze
        self.edit = forms.edit
        # The work item changed in the graph (its callbacks, wired in bot/container.py).
        self.finish_item = transitions.finish_item
        self.refresh_item = transitions.refresh_item

    def card_of(self, handoff_id: int) -> views.HandoffCard | None:
        with self.db.read() as session:
            found = handoffs.get_with_item(session, handoff_id)
            return self.messages.card(session, *found) if found else None
