"""What every table shares: the metadata (with constraint names Alembic can batch on SQLite)
and the aware-UTC column."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Column, MetaData
from sqlmodel import Field, SQLModel

from store.types import UTCDateTime

# A naming convention keeps Alembic's batch migrations on SQLite able to name constraints.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata: MetaData = SQLModel.metadata


def utc_column(*, nullable: bool = True, index: bool = False) -> Any:
    return Field(default=None, sa_column=Column(UTCDateTime(), nullable=nullable, index=index))
