"""A channel's backup rotation (/baton settings)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from store.models.base import utc_column


class ChannelRotation(SQLModel, table=True):
    """People who take turns as a channel's backup, in order; the turn changes each week on
    `weekday` (0 = Monday) at `hour`:00 in `zone`. The first person's turn began at `since`."""

    __tablename__ = "channel_rotation"

    channel_id: str = Field(primary_key=True, max_length=32)
    people: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    weekday: int
    hour: int
    zone: str = Field(max_length=64)
    since: datetime = utc_column(nullable=False)
    # People whose turn was passed over (they left, or are a bot) and the owners were told of:
    # told once each.
    told_about: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    updated_by: str = Field(max_length=32)
    updated_at: datetime = utc_column(nullable=False)
