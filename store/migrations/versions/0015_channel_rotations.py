"""channel_rotation: a channel's backup rotation

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-04 23:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import store.types

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "channel_rotation",
        sa.Column("channel_id", sa.String(length=32), nullable=False),
        sa.Column("people", sa.JSON(), nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=False),
        sa.Column("hour", sa.Integer(), nullable=False),
        sa.Column("zone", sa.String(length=64), nullable=False),
        sa.Column("since", store.types.UTCDateTime(), nullable=False),
        sa.Column("told_about", sa.JSON(), nullable=False),
        sa.Column("updated_by", sa.String(length=32), nullable=False),
        sa.Column("updated_at", store.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("channel_id", name=op.f("pk_channel_rotation")),
    )


def downgrade() -> None:
    op.drop_table("channel_rotation")
