"""modal submissions: one creation per Slack view

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25 14:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import store.types

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "modal_submission",
        sa.Column("view_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("created_at", store.types.UTCDateTime(), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=True),
        sa.Column("done_at", store.types.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("view_id", name=op.f("pk_modal_submission")),
    )


def downgrade() -> None:
    op.drop_table("modal_submission")
