"""dependency graph

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 02:25:01.944304
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import store.types

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "dependency",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel_id", sa.String(length=32), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("dependency_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=True),
        sa.Column("declared_by", sa.String(length=32), nullable=False),
        sa.Column("created_at", store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", store.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["dependency_id"], ["work_item.id"], name=op.f("fk_dependency_dependency_id_work_item")
        ),
        sa.ForeignKeyConstraint(
            ["item_id"], ["work_item.id"], name=op.f("fk_dependency_item_id_work_item")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dependency")),
        sa.UniqueConstraint("item_id", "dependency_id", name=op.f("uq_dependency_item_id")),
    )
    with op.batch_alter_table("dependency", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_dependency_channel_id"), ["channel_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_dependency_dependency_id"), ["dependency_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_dependency_item_id"), ["item_id"], unique=False)

    with op.batch_alter_table("work_item", schema=None) as batch_op:
        batch_op.add_column(sa.Column("done_by", sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("work_item", schema=None) as batch_op:
        batch_op.drop_column("done_by")

    with op.batch_alter_table("dependency", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dependency_item_id"))
        batch_op.drop_index(batch_op.f("ix_dependency_dependency_id"))
        batch_op.drop_index(batch_op.f("ix_dependency_channel_id"))

    op.drop_table("dependency")
