"""escalation policies: a channel's, and the one each handoff was made under (frozen)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04 23:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("channel_settings") as batch:
        batch.add_column(sa.Column("escalation_policy", sa.JSON(), nullable=True))
    with op.batch_alter_table("handoff") as batch:
        batch.add_column(sa.Column("escalation_policy", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("handoff") as batch:
        batch.drop_column("escalation_policy")
    with op.batch_alter_table("channel_settings") as batch:
        batch.drop_column("escalation_policy")
