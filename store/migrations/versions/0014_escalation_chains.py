"""escalation_chain: where each handoff's escalation policy stands (survives a crash)

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04 23:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import store.types

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "escalation_chain",
        sa.Column("handoff_id", sa.Integer(), nullable=False),
        sa.Column("run", sa.Integer(), nullable=False),
        sa.Column("done_round", sa.Integer(), nullable=True),
        sa.Column("done_step", sa.Integer(), nullable=True),
        sa.Column("last_due", store.types.UTCDateTime(), nullable=True),
        sa.Column("due_at", store.types.UTCDateTime(), nullable=True),
        sa.Column("fired", sa.Integer(), nullable=False),
        sa.Column("asked", sa.JSON(), nullable=False),
        sa.Column("updated_at", store.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["handoff_id"], ["handoff.id"], name=op.f("fk_escalation_chain_handoff_id_handoff")
        ),
        sa.PrimaryKeyConstraint("handoff_id", name=op.f("pk_escalation_chain")),
    )
    with op.batch_alter_table("escalation_chain") as batch:
        batch.create_index(batch.f("ix_escalation_chain_due_at"), ["due_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("escalation_chain") as batch:
        batch.drop_index(batch.f("ix_escalation_chain_due_at"))
    op.drop_table("escalation_chain")
