"""What Baton knows of people: Slack's description, their own working hours."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from store.models.base import utc_column


class SlackUser(SQLModel, table=True):
    """What Baton last learned from users.info: time zone for working hours, bot/deleted flags."""

    __tablename__ = "slack_user"

    id: str = Field(primary_key=True, max_length=32)
    name: str = Field(default="", max_length=200)
    tz: str | None = Field(default=None, max_length=64)
    is_bot: bool = Field(default=False)
    deleted: bool = Field(default=False)
    fetched_at: datetime = utc_column(nullable=False)


class PersonHours(SQLModel, table=True):
    """A person's own working hours, set in App Home: their messages wait for them instead of
    the team's (BATON_WORKING_HOURS). Wall-clock times in the person's Slack time zone."""

    __tablename__ = "person_hours"

    user_id: str = Field(primary_key=True, max_length=32)
    days: str = Field(max_length=40)  # the days a window is open: "mon,tue,wed,thu,fri"
    start_time: str = Field(max_length=5)  # "09:00"
    end_time: str = Field(max_length=5)  # "18:00", after start_time
    updated_at: datetime = utc_column(nullable=False)


class SlackPresence(SQLModel, table=True):
    """What Slack last said of someone being out: their status (users.profile.get) and their
    Do Not Disturb snooze (dnd.info), read when they are picked in a form or before a step
    reaches them; kept so that every process, and the next one after a restart, knows it."""

    __tablename__ = "slack_presence"

    user_id: str = Field(primary_key=True, max_length=32)
    status_text: str = Field(default="", max_length=100)
    status_emoji: str = Field(default="", max_length=100)
    status_expires: datetime | None = utc_column()  # None: the status does not expire
    snoozed_until: datetime | None = utc_column()  # None: not snoozed (or Slack did not say)
    read_at: datetime = utc_column(nullable=False)
