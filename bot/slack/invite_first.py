"""Every command run where Baton cannot post: answered at once with how to invite it.

Slack sends a command from a private channel or group DM the app is not in with
`channel_name: privategroup`. Baton could open a modal there, but nothing it then posts would
arrive (Slack answers `channel_not_found`), so the command stops here, stores nothing, and the
person is told in the command's own reply, which Slack shows wherever the command was run.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, BoltResponse

NOT_A_MEMBER = "privategroup"
INVITE_FIRST = (
    "Invite me first: `/invite @Baton`. I can only post in private channels and group DMs "
    "I am a member of; then run `{command}` again."
)


def invite_first(body: dict[str, Any], ack: Ack, next: Callable[[], BoltResponse]) -> BoltResponse:
    if body.get("command") and body.get("channel_name") == NOT_A_MEMBER:
        return ack(response_type="ephemeral", text=INVITE_FIRST.format(command=body["command"]))
    return next()
