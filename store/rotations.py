"""A channel's backup rotation rows (/baton settings); the turn rule is bot/rotations/turns.py."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from store.models import ChannelRotation


def rotation_of(session: Session, channel_id: str) -> ChannelRotation | None:
    return session.get(ChannelRotation, channel_id)


def save(
    session: Session,
    channel_id: str,
    *,
    people: list[str],
    weekday: int,
    hour: int,
    zone: str,
    by: str,
    now: datetime,
) -> None:
    """Set the rotation. Changed (people, order or changeover): the first person's turn starts
    now; saved as it was: the turns go on as they were."""
    row = session.get(ChannelRotation, channel_id, with_for_update=True)
    same = row is not None and (row.people, row.weekday, row.hour, row.zone) == (
        people,
        weekday,
        hour,
        zone,
    )
    if row is None:
        row = ChannelRotation(
            channel_id=channel_id,
            people=people,
            weekday=weekday,
            hour=hour,
            zone=zone,
            since=now,
            updated_by=by,
            updated_at=now,
        )
    if not same:
        row.people, row.weekday, row.hour, row.zone = list(people), weekday, hour, zone
        row.since, row.told_about = now, []
    row.updated_by, row.updated_at = by, now
    session.add(row)


def remove(session: Session, channel_id: str) -> None:
    row = session.get(ChannelRotation, channel_id)
    if row is not None:
        session.delete(row)


def mark_told(session: Session, channel_id: str, person: str) -> bool:
    """Note that the owners were told `person` is passed over; False when they were already."""
    row = session.get(ChannelRotation, channel_id, with_for_update=True)
    if row is None or person in row.told_about:
        return False
    row.told_about = [*row.told_about, person]
    session.add(row)
    return True
