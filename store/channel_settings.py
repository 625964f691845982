"""Per-channel settings rows (/baton settings)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session, select

from bot.kernel.channel_roles import NO_ROLES, ChannelRoles
from store.models import ChannelSettings


def roles_of(session: Session, channel_id: str) -> ChannelRoles:
    row = session.get(ChannelSettings, channel_id)
    if row is None:
        return NO_ROLES
    delay = row.decision_delay_seconds
    return ChannelRoles(
        tuple(row.owners),
        row.strategy_channel,
        timedelta(seconds=delay) if delay is not None else None,
    )


def save(session: Session, channel_id: str, roles: ChannelRoles, *, by: str, now: datetime) -> None:
    row = session.get(ChannelSettings, channel_id, with_for_update=True) or ChannelSettings(
        channel_id=channel_id, updated_by=by, updated_at=now
    )
    row.owners = list(roles.owners)
    row.strategy_channel = roles.strategy_channel
    row.decision_delay_seconds = (
        roles.decision_delay.total_seconds() if roles.decision_delay is not None else None
    )
    row.updated_by, row.updated_at = by, now
    session.add(row)


def policy_of(session: Session, channel_id: str) -> dict[str, Any] | None:
    """The channel's escalation policy as stored (JSON), None when it has none."""
    row = session.get(ChannelSettings, channel_id)
    return row.escalation_policy if row is not None else None


def save_policy(
    session: Session, channel_id: str, policy: dict[str, Any] | None, *, by: str, now: datetime
) -> None:
    """Set (or, with None, remove) the channel's escalation policy: new handoffs only."""
    row = session.get(ChannelSettings, channel_id, with_for_update=True) or ChannelSettings(
        channel_id=channel_id, updated_by=by, updated_at=now
    )
    row.escalation_policy = policy
    row.updated_by, row.updated_at = by, now
    session.add(row)


def all_roles(session: Session) -> dict[str, ChannelRoles]:
    return {
        row.channel_id: roles_of(session, row.channel_id)
        for row in session.exec(select(ChannelSettings))
    }
