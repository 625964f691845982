"""outbox: when each attempt was claimed and what history is still unread; slack_call_budget

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-04 23:55:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import store.types

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

COLUMNS = ("claimed_at", "unverified_since", "unread_before")


def upgrade() -> None:
    # Rows already tried keep unverified_since empty: the claim reads it as created_at, so a
    # row caught mid-send by the upgrade is still looked for back to its creation.
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        for name in COLUMNS:
            batch_op.add_column(sa.Column(name, store.types.UTCDateTime(), nullable=True))
    op.create_table(
        "slack_call_budget",
        sa.Column("workspace", sa.String(length=32), nullable=False),
        sa.Column("method", sa.String(length=64), nullable=False),
        sa.Column("free_at", store.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("workspace", "method", name=op.f("pk_slack_call_budget")),
    )


def downgrade() -> None:
    op.drop_table("slack_call_budget")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        for name in reversed(COLUMNS):
            batch_op.drop_column(name)
