"""Roles per channel: read by the decision loop and the digest, changed by /baton settings;
and the channel's escalation policy (new handoffs are made under it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from bot.clock import Clock
from bot.kernel.channel_roles import ChannelRoles, may_change
from bot.policies.policy import Policy
from bot.rotations.service import RotationPick, write_rotation
from store import channel_settings
from store.db import Database


@dataclass(frozen=True)
class NotAnOwner:
    owners: tuple[str, ...]


class Unchanged:
    """The form did not touch the rotation (a save of the roles alone)."""


UNCHANGED = Unchanged()


@dataclass(frozen=True)
class PolicyChange:
    """Set the channel's escalation policy (None: back to the default)."""

    policy: Policy | None


@dataclass(frozen=True)
class EffectiveRoles:
    """A channel's roles with the workspace defaults filled in."""

    owners: tuple[str, ...]
    strategy_channel: str | None
    decision_delay: timedelta


class ChannelSettingsService:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        *,
        default_strategy_channel: str | None,
        default_decision_delay: timedelta,
    ) -> None:
        self.db = db
        self.clock = clock
        self.default_strategy_channel = default_strategy_channel
        self.default_decision_delay = default_decision_delay

    def stored(self, channel_id: str) -> ChannelRoles:
        with self.db.read() as session:
            return channel_settings.roles_of(session, channel_id)

    def effective(self, channel_id: str) -> EffectiveRoles:
        return self.fill(self.stored(channel_id))

    def fill(self, roles: ChannelRoles) -> EffectiveRoles:
        return EffectiveRoles(
            roles.owners,
            roles.strategy_channel or self.default_strategy_channel,
            roles.decision_delay or self.default_decision_delay,
        )

    def policy(self, channel_id: str) -> Policy | None:
        with self.db.read() as session:
            stored = channel_settings.policy_of(session, channel_id)
        return Policy.from_json(stored) if stored else None

    def may_change(self, channel_id: str, by: str, *, is_admin: bool) -> bool:
        return may_change(by, self.stored(channel_id), is_admin=is_admin)

    def save(
        self,
        channel_id: str,
        roles: ChannelRoles,
        *,
        by: str,
        is_admin: bool,
        rotation: RotationPick | Unchanged | None = UNCHANGED,
        policy: PolicyChange | None = None,
    ) -> ChannelRoles | NotAnOwner:
        """Save the roles, the backup rotation (None removes it) and, with `policy`, the
        escalation policy, in one transaction, if `by` may."""
        now = self.clock.now()
        with self.db.write() as session:
            current = channel_settings.roles_of(session, channel_id)
            if not may_change(by, current, is_admin=is_admin):
                return NotAnOwner(current.owners)
            channel_settings.save(session, channel_id, roles, by=by, now=now)
            if not isinstance(rotation, Unchanged):
                write_rotation(session, channel_id, rotation, by=by, now=now)
            if policy is not None:
                stored = policy.policy.to_json() if policy.policy else None
                channel_settings.save_policy(session, channel_id, stored, by=by, now=now)
        return roles
