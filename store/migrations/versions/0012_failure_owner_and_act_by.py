"""failure_occurrence.owner_id and .act_by: who owned the failed thing and its act-by when it
failed (a missed act-by: the next owner and act-by then, not after a takeover)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04 23:00:00

Rows recorded before keep both empty: what they were at the time is not known any more.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import store.types

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("failure_occurrence") as batch:
        batch.add_column(sa.Column("owner_id", sa.String(length=32), nullable=True))
        batch.add_column(sa.Column("act_by", store.types.UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("failure_occurrence") as batch:
        batch.drop_column("act_by")
        batch.drop_column("owner_id")
