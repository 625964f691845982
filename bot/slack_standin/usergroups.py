"""User groups (`@launch-oncall`), as `usergroups.list` gives them to a bot with
`usergroups:read` (Slack's method reference: docs.slack.dev/reference/methods/usergroups.list).

A disabled group (`date_delete` set) is listed only with `include_disabled`; its members only
with `include_users`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

Payload = dict[str, Any]


@dataclass
class UserGroup:
    id: str
    handle: str
    name: str
    members: list[str] = field(default_factory=list)
    disabled: bool = False

    def as_slack(self, *, include_users: bool, include_count: bool) -> Payload:
        group: Payload = {
            "id": self.id,
            "team_id": "T1",
            "is_usergroup": True,
            "name": self.name,
            "description": "",
            "handle": self.handle,
            "is_external": False,
            "date_create": 1_700_000_000,
            "date_update": 1_700_000_000,
            "date_delete": 1_700_000_100 if self.disabled else 0,
            "auto_type": None,
            "created_by": "U0ANA",
            "updated_by": "U0ANA",
            "deleted_by": "U0ANA" if self.disabled else None,
            "prefs": {"channels": [], "groups": []},
        }
        if include_users:
            group["users"] = list(self.members)
        if include_count:
            group["user_count"] = len(self.members)
        return group


def flag(value: Any) -> bool:
    """A boolean argument as a form, a query string or JSON sends it."""
    return value is True or str(value).lower() in ("true", "1")


def listed(groups: dict[str, UserGroup], params: Payload) -> Payload:
    """usergroups.list's answer (the scope is checked by the caller, as for every method)."""
    include_disabled = flag(params.get("include_disabled"))
    return {
        "usergroups": [
            group.as_slack(
                include_users=flag(params.get("include_users")),
                include_count=flag(params.get("include_count")),
            )
            for group in groups.values()
            if include_disabled or not group.disabled
        ]
    }
