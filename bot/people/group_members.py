"""Who is in a Slack user group now (usergroups.users.list, scope usergroups:read)."""

from __future__ import annotations

from dataclasses import dataclass

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

# Errors that a later try may not get: the step waits for the next tick instead of passing on.
_PASSING = frozenset({"ratelimited", "internal_error", "fatal_error", "service_unavailable"})


@dataclass(frozen=True)
class GroupMembers:
    members: tuple[str, ...] = ()
    error: str | None = None  # why Slack would not say (e.g. missing_scope, no_such_subteam)


class GroupUnreadable(Exception):
    """Slack could not answer now (rate limit, outage): try again later."""


def group_members(client: WebClient, group_id: str) -> GroupMembers:
    """The group's members as Slack has them now, or the error Slack gave for good."""
    try:
        response = client.usergroups_users_list(usergroup=group_id)
    except SlackApiError as failure:
        error = str(failure.response.get("error") or "unknown_error")
        if error in _PASSING or failure.response.status_code >= 500:
            raise GroupUnreadable(error) from failure
        return GroupMembers(error=error)
    return GroupMembers(tuple(str(user) for user in response.get("users") or ()))
