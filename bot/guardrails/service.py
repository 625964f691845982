"""Guardrails' use cases, for the handlers in one place; each job has its own module:
recording.py (failures), deciding.py (Enable/Dismiss), enforced.py (the forms' checks),
missed_act_bys.py (the planner)."""

from __future__ import annotations

from datetime import timedelta

from bot.clock import Clock
from bot.guardrails.deciding import GuardrailDecisions
from bot.guardrails.enforced import EnforcedGuardrails
from bot.guardrails.missed_act_bys import MissedActBys
from bot.guardrails.recording import FailureRecorder
from bot.kernel.working_hours import WorkingHours
from bot.observability.metrics import Metrics
from store.db import Database


class GuardrailService:
    """Delegates only: it holds no state and no logic of its own."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        *,
        window: timedelta,
        metrics: Metrics | None = None,
        working_hours: WorkingHours = WorkingHours.ALWAYS,
    ) -> None:
        self.recorder = FailureRecorder(db, clock, window=window, metrics=metrics or Metrics())
        self.enforced = EnforcedGuardrails(db, clock, window=window)
        self.decisions = GuardrailDecisions(db, clock, enforced=self.enforced)
        self.missed_act_bys = MissedActBys(
            db, clock, self.recorder, window=window, working_hours=working_hours
        )
        self.note = self.recorder.note
        self.record = self.recorder.record
        self.decide = self.decisions.decide
        self.disable = self.decisions.disable
        self.of_channel = self.decisions.of_channel
        self.checklist = self.enforced.checklist
        self.enabled = self.enforced.enabled
        self.automatic_metrics = self.enforced.automatic_metrics
        self.forget_enforced = self.enforced.forget_enforced
        self.plan = self.missed_act_bys.plan
