"""slack_presence: what Slack last said of someone being out (status, Do Not Disturb)

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-04 23:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import store.types

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "slack_presence",
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("status_text", sa.String(length=100), nullable=False),
        sa.Column("status_emoji", sa.String(length=100), nullable=False),
        sa.Column("status_expires", store.types.UTCDateTime(), nullable=True),
        sa.Column("snoozed_until", store.types.UTCDateTime(), nullable=True),
        sa.Column("read_at", store.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_slack_presence")),
    )


def downgrade() -> None:
    op.drop_table("slack_presence")
