"""publish loop: approvals, decisions with their action, cycles, channel settings

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-25 14:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import store.types

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("publish", schema=None) as batch_op:
        batch_op.add_column(sa.Column("decision_action", sa.String(length=500), nullable=True))
        batch_op.add_column(
            sa.Column("decision_history", sa.JSON(), nullable=False, server_default="[]")
        )
        batch_op.add_column(sa.Column("follows_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("post_revision", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(
            sa.Column("approvals_chased_at", store.types.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_publish_follows_id_publish"), "publish", ["follows_id"], ["id"]
        )
    # The defaults were for the rows already there; the models give new rows theirs.
    with op.batch_alter_table("publish", schema=None) as batch_op:
        batch_op.alter_column("decision_history", server_default=None)
        batch_op.alter_column("post_revision", server_default=None)

    with op.batch_alter_table("failure_occurrence", schema=None) as batch_op:
        batch_op.add_column(sa.Column("people", sa.JSON(), nullable=False, server_default="[]"))
        batch_op.add_column(sa.Column("prevention", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("words", sa.String(length=200), nullable=True))
    with op.batch_alter_table("failure_occurrence", schema=None) as batch_op:
        batch_op.alter_column("people", server_default=None)
    with op.batch_alter_table("channel_guardrail", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("proposals", sa.Integer(), nullable=False, server_default="1")
        )
    with op.batch_alter_table("channel_guardrail", schema=None) as batch_op:
        batch_op.alter_column("proposals", server_default=None)

    op.create_table(
        "publish_approval",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("publish_id", sa.Integer(), nullable=False),
        sa.Column("approver_id", sa.String(length=32), nullable=False),
        sa.Column("state", sa.String(length=24), nullable=False),
        sa.Column("note", sa.String(length=3000), nullable=True),
        sa.Column("decided_at", store.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["publish_id"], ["publish.id"], name=op.f("fk_publish_approval_publish_id_publish")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_publish_approval")),
        sa.UniqueConstraint(
            "publish_id", "approver_id", name=op.f("uq_publish_approval_publish_id")
        ),
    )
    with op.batch_alter_table("publish_approval", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_publish_approval_publish_id"), ["publish_id"], unique=False
        )

    op.create_table(
        "channel_settings",
        sa.Column("channel_id", sa.String(length=32), nullable=False),
        sa.Column("owners", sa.JSON(), nullable=False),
        sa.Column("strategy_channel", sa.String(length=32), nullable=True),
        sa.Column("decision_delay_seconds", sa.Float(), nullable=True),
        sa.Column("updated_by", sa.String(length=32), nullable=False),
        sa.Column("updated_at", store.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("channel_id", name=op.f("pk_channel_settings")),
    )


def downgrade() -> None:
    op.drop_table("channel_settings")
    with op.batch_alter_table("publish_approval", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_publish_approval_publish_id"))
    op.drop_table("publish_approval")
    with op.batch_alter_table("channel_guardrail", schema=None) as batch_op:
        batch_op.drop_column("proposals")
    with op.batch_alter_table("failure_occurrence", schema=None) as batch_op:
        batch_op.drop_column("words")
        batch_op.drop_column("prevention")
        batch_op.drop_column("people")
    with op.batch_alter_table("publish", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_publish_follows_id_publish"), type_="foreignkey")
        batch_op.drop_column("approvals_chased_at")
        batch_op.drop_column("post_revision")
        batch_op.drop_column("follows_id")
        batch_op.drop_column("decision_history")
        batch_op.drop_column("decision_action")
