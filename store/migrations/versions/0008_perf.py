"""work_item.blocked_since: the channel's blocked items as one index range

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-25 14:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import store.types

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

BACKFILL = """
UPDATE work_item SET blocked_since = (
    SELECT MIN(d.created_at) FROM dependency d JOIN work_item dep ON dep.id = d.dependency_id
    WHERE d.item_id = work_item.id AND d.kind = 'hard' AND dep.state = 'open'
)
WHERE work_item.state = 'open'
"""


def upgrade() -> None:
    with op.batch_alter_table("work_item", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("blocked_since", store.types.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.create_index(
            "ix_work_item_channel_blocked", ["channel_id", "blocked_since", "id"], unique=False
        )
    op.execute(BACKFILL)


def downgrade() -> None:
    with op.batch_alter_table("work_item", schema=None) as batch_op:
        batch_op.drop_index("ix_work_item_channel_blocked")
        batch_op.drop_column("blocked_since")
