"""person_hours: each person's own working hours (App Home)

Revision ID: 0011
Revises: 0009
Create Date: 2026-12-04 23:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import store.types

revision = "0011"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "person_hours",
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("days", sa.String(length=40), nullable=False),
        sa.Column("start_time", sa.String(length=5), nullable=False),
        sa.Column("end_time", sa.String(length=5), nullable=False),
        sa.Column("updated_at", store.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_person_hours")),
    )


def downgrade() -> None:
    op.drop_table("person_hours")
