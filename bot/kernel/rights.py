"""Who may change what: the rule for marking a work item done.

An item may be marked done by its owner, by whoever declared an edge onto it, by the owners of
the items waiting on it, or by a workspace admin. Admin status costs a Slack call, so it is
asked for last, and only when no role already allows it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import Enum


class Role(Enum):
    OWNER = "owner"
    DECLARER = "declarer"
    WAITING_OWNER = "waiting_owner"


@dataclass(frozen=True)
class DoneRights:
    """The facts about one item that decide who may mark it done."""

    owner_id: str | None
    declarers: tuple[str, ...] = ()  # declared an edge onto it, oldest first
    waiting_owners: tuple[str, ...] = ()  # own an item that waits on it

    @classmethod
    def of(
        cls, owner_id: str | None, declarers: Iterable[str], waiting_owners: Iterable[str | None]
    ) -> DoneRights:
        return cls(
            owner_id,
            tuple(dict.fromkeys(declarers)),
            tuple(dict.fromkeys(o for o in waiting_owners if o)),
        )

    def holders(self) -> list[tuple[str, tuple[Role, ...]]]:
        """Everyone a role allows, each once with all their roles: the owner first."""
        roles: dict[str, list[Role]] = {}
        if self.owner_id:
            roles.setdefault(self.owner_id, []).append(Role.OWNER)
        for user in self.declarers:
            roles.setdefault(user, []).append(Role.DECLARER)
        for user in self.waiting_owners:
            roles.setdefault(user, []).append(Role.WAITING_OWNER)
        return [(user, tuple(found)) for user, found in roles.items()]

    def roles_of(self, user_id: str) -> tuple[Role, ...]:
        return next((found for user, found in self.holders() if user == user_id), ())


def may_mark_done(user_id: str, rights: DoneRights, *, is_admin: Callable[[str], bool]) -> bool:
    """True for anyone with a role on the item; otherwise only a workspace admin."""
    return bool(rights.roles_of(user_id)) or is_admin(user_id)
