"""guardrails and drafts

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 03:52:44.991791
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import store.types

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "draft",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel_id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("name_key", sa.String(length=200), nullable=False),
        sa.Column("surface", sa.String(length=40), nullable=False),
        sa.Column("subject", sa.String(length=500), nullable=True),
        sa.Column("copy_text", sa.String(), nullable=False),
        sa.Column("link", sa.String(length=2000), nullable=True),
        sa.Column("created_by", sa.String(length=32), nullable=False),
        sa.Column("created_at", store.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_draft")),
    )
    with op.batch_alter_table("draft", schema=None) as batch_op:
        batch_op.create_index(
            "ix_draft_name", ["channel_id", "name_key", "created_at"], unique=False
        )

    op.create_table(
        "failure_occurrence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel_id", sa.String(length=32), nullable=False),
        sa.Column("class_id", sa.String(length=80), nullable=False),
        sa.Column("ref", sa.String(length=200), nullable=False),
        sa.Column("where", sa.String(length=500), nullable=False),
        sa.Column("link", sa.String(length=500), nullable=True),
        sa.Column("at", store.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_failure_occurrence")),
        sa.UniqueConstraint("channel_id", "ref", name=op.f("uq_failure_occurrence_channel_id")),
    )
    with op.batch_alter_table("failure_occurrence", schema=None) as batch_op:
        batch_op.create_index(
            "ix_failure_occurrence_class", ["channel_id", "class_id", "at"], unique=False
        )

    op.create_table(
        "channel_guardrail",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel_id", sa.String(length=32), nullable=False),
        sa.Column("class_id", sa.String(length=80), nullable=False),
        sa.Column("guardrail", sa.String(length=40), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("first_occurrence_id", sa.Integer(), nullable=False),
        sa.Column("second_occurrence_id", sa.Integer(), nullable=False),
        sa.Column("proposed_at", store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("decided_by", sa.String(length=32), nullable=True),
        sa.Column("decided_at", store.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["first_occurrence_id"],
            ["failure_occurrence.id"],
            name=op.f("fk_channel_guardrail_first_occurrence_id_failure_occurrence"),
        ),
        sa.ForeignKeyConstraint(
            ["second_occurrence_id"],
            ["failure_occurrence.id"],
            name=op.f("fk_channel_guardrail_second_occurrence_id_failure_occurrence"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_channel_guardrail")),
        sa.UniqueConstraint("channel_id", "class_id", name=op.f("uq_channel_guardrail_channel_id")),
    )
    with op.batch_alter_table("channel_guardrail", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_channel_guardrail_channel_id"), ["channel_id"], unique=False
        )

    with op.batch_alter_table("publish", schema=None) as batch_op:
        # Publishes recorded before this revision have no labels.
        batch_op.add_column(
            sa.Column("tracking_labels", sa.JSON(), nullable=False, server_default="{}")
        )


def downgrade() -> None:
    with op.batch_alter_table("publish", schema=None) as batch_op:
        batch_op.drop_column("tracking_labels")

    with op.batch_alter_table("channel_guardrail", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_channel_guardrail_channel_id"))

    op.drop_table("channel_guardrail")
    with op.batch_alter_table("failure_occurrence", schema=None) as batch_op:
        batch_op.drop_index("ix_failure_occurrence_class")

    op.drop_table("failure_occurrence")
    with op.batch_alter_table("draft", schema=None) as batch_op:
        batch_op.drop_index("ix_draft_name")

    op.drop_table("draft")
