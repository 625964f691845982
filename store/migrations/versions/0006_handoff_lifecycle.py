"""handoff lifecycle: states, their history, urgency; outbox ordering and permalinks

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25 15:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import store.types

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("handoff") as batch:
        batch.add_column(
            sa.Column("state", sa.String(length=16), nullable=False, server_default="open")
        )
        batch.add_column(
            sa.Column("urgency", sa.String(length=8), nullable=False, server_default="normal")
        )
        batch.add_column(sa.Column("previous_owner_id", sa.String(length=32), nullable=True))
        batch.add_column(sa.Column("state_changed_at", store.types.UTCDateTime(), nullable=True))
        batch.add_column(sa.Column("state_changed_by", sa.String(length=32), nullable=True))
        batch.add_column(sa.Column("revision", sa.Integer(), nullable=False, server_default="0"))
        batch.create_index(batch.f("ix_handoff_state"), ["state"])
    op.execute(
        "UPDATE handoff SET state = 'acknowledged', state_changed_at = acknowledged_at, "
        "state_changed_by = acknowledged_by WHERE acknowledged_at IS NOT NULL"
    )
    op.create_table(
        "handoff_state_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("handoff_id", sa.Integer(), nullable=False),
        sa.Column("from_state", sa.String(length=16), nullable=False),
        sa.Column("to_state", sa.String(length=16), nullable=False),
        sa.Column("changed_by", sa.String(length=32), nullable=False),
        sa.Column("changed_at", store.types.UTCDateTime(), nullable=False),
        sa.Column("next_owner_id", sa.String(length=32), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(
            ["handoff_id"],
            ["handoff.id"],
            name=op.f("fk_handoff_state_change_handoff_id_handoff"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handoff_state_change")),
    )
    op.create_index(
        "ix_handoff_state_change_handoff",
        "handoff_state_change",
        ["handoff_id", "changed_at"],
    )
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("after_key", sa.String(length=200), nullable=True))
        batch.add_column(sa.Column("permalink", sa.String(length=500), nullable=True))
    with op.batch_alter_table("work_item") as batch:
        batch.add_column(
            sa.Column("reminders_paused_until", store.types.UTCDateTime(), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("work_item") as batch:
        batch.drop_column("reminders_paused_until")
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("permalink")
        batch.drop_column("after_key")
    op.drop_index("ix_handoff_state_change_handoff", table_name="handoff_state_change")
    op.drop_table("handoff_state_change")
    with op.batch_alter_table("handoff") as batch:
        batch.drop_index(batch.f("ix_handoff_state"))
        for column in (
            "revision",
            "state_changed_by",
            "state_changed_at",
            "previous_owner_id",
            "urgency",
            "state",
        ):
            batch.drop_column(column)
