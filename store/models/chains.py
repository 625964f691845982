"""Where each handoff's escalation chain stands: what must survive a crash between steps."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from store.models.base import utc_column


class EscalationChain(SQLModel, table=True):
    """One row per handoff made under an escalation policy (bot/policies/chain.py walks it).

    `done_round`/`done_step` name the last step that fired in this run (None: none yet),
    `last_due` when it was due; `due_at` is when the next one fires (None: nothing left, or
    the chain ended), kept here so the planner finds due chains through one index."""

    __tablename__ = "escalation_chain"

    handoff_id: int = Field(primary_key=True, foreign_key="handoff.id")
    run: int = Field(default=0)  # a new next owner (reassigned, taken over) starts a new run
    done_round: int | None = Field(default=None)
    done_step: int | None = Field(default=None)
    last_due: datetime | None = utc_column()
    due_at: datetime | None = utc_column(index=True)
    fired: int = Field(default=0)  # steps fired, every run together
    # Who this run asked to step in: they may press Take over / Reach them.
    asked: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    updated_at: datetime = utc_column(nullable=False)
