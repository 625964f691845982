"""publishes and KPI readings

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 03:46:24.022694
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import store.types

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "publish",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel_id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("name_key", sa.String(length=200), nullable=False),
        sa.Column("link", sa.String(length=2000), nullable=False),
        sa.Column("surface", sa.String(length=40), nullable=False),
        sa.Column("owner_id", sa.String(length=32), nullable=False),
        sa.Column("backup_owner_id", sa.String(length=32), nullable=False),
        sa.Column("window_start", store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("window_end", store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("rules", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.String(length=32), nullable=False),
        sa.Column("created_at", store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("decision_due_at", store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("prompted_at", store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("reminders_sent", sa.Integer(), nullable=False),
        sa.Column("decision", sa.String(length=16), nullable=True),
        sa.Column("decided_by", sa.String(length=32), nullable=True),
        sa.Column("decided_at", store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("decision_actions", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_publish")),
        sa.UniqueConstraint("channel_id", "name_key", name=op.f("uq_publish_channel_id")),
    )
    with op.batch_alter_table("publish", schema=None) as batch_op:
        batch_op.create_index(
            "ix_publish_prompt_due", ["prompted_at", "decision_due_at"], unique=False
        )
        batch_op.create_index(
            "ix_publish_window", ["channel_id", "surface", "window_start"], unique=False
        )

    op.create_table(
        "kpi_reading",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("publish_id", sa.Integer(), nullable=False),
        sa.Column("metric", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("observed_at", store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("source", sa.String(length=64), nullable=False),
        sa.Column("recorded_by", sa.String(length=32), nullable=True),
        sa.Column("created_at", store.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["publish_id"], ["publish.id"], name=op.f("fk_kpi_reading_publish_id_publish")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kpi_reading")),
    )
    with op.batch_alter_table("kpi_reading", schema=None) as batch_op:
        batch_op.create_index(
            "ix_kpi_reading_latest", ["publish_id", "metric", "observed_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("kpi_reading", schema=None) as batch_op:
        batch_op.drop_index("ix_kpi_reading_latest")

    op.drop_table("kpi_reading")
    with op.batch_alter_table("publish", schema=None) as batch_op:
        batch_op.drop_index("ix_publish_window")
        batch_op.drop_index("ix_publish_prompt_due")

    op.drop_table("publish")
