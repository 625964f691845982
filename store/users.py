"""Cached users.info answers."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from store.models import SlackUser


def cached(session: Session, user_id: str, *, fresh_after: datetime) -> SlackUser | None:
    user = session.get(SlackUser, user_id)
    if user is None or user.fetched_at < fresh_after:
        return None
    return user


def remember(session: Session, user: SlackUser) -> None:
    session.merge(user)
