"""OAuth scopes as Slack checks them for a bot token: which scope each method needs.

Taken from each method's "Scopes: Bot token" entry in Slack's method reference
(docs.slack.dev/reference/methods/…). Where a method lists several, any one of them will do;
Slack then names them all in `needed`.
"""

from __future__ import annotations

from collections.abc import Iterable

# The bot scopes manifest.yml asks for (tests/slack/test_manifest.py keeps the two in step).
MANIFEST_BOT_SCOPES = frozenset(
    {
        "commands",
        "chat:write",
        "chat:write.public",
        "channels:join",
        "im:write",
        "im:history",
        "channels:history",
        "groups:history",
        "mpim:history",
        "channels:read",
        "groups:read",
        "mpim:read",
        "users:read",
        "users.profile:read",
        "dnd:read",
        "files:write",
        "usergroups:read",
    }
)

# Methods that need no scope at all are absent (auth.test, chat.getPermalink, views.*).
METHOD_SCOPES: dict[str, tuple[str, ...]] = {
    "users.info": ("users:read",),
    "users.profile.get": ("users.profile:read",),
    "dnd.info": ("dnd:read",),
    "conversations.open": ("channels:manage", "groups:write", "im:write", "mpim:write"),
    "conversations.join": ("channels:join",),
    "chat.postMessage": ("chat:write",),
    "chat.update": ("chat:write",),
    "chat.postEphemeral": ("chat:write",),
    "files.getUploadURLExternal": ("files:write",),
    "files.completeUploadExternal": ("files:write",),
    "usergroups.list": ("usergroups:read",),
    "usergroups.users.list": ("usergroups:read",),
}

# conversations.history / conversations.replies: the scope depends on the conversation's kind.
HISTORY_SCOPES = {
    "channel": "channels:history",
    "group": "groups:history",
    "mpim": "mpim:history",
    "im": "im:history",
}

# conversations.info / conversations.members: likewise by the conversation's kind.
READ_SCOPES = {
    "channel": "channels:read",
    "group": "groups:read",
    "mpim": "mpim:read",
    "im": "im:read",
}

# Posting in a public channel the bot is not a member of.
POST_PUBLIC = "chat:write.public"


def missing(needed: Iterable[str], granted: Iterable[str]) -> tuple[str, ...]:
    """The scopes to name in `needed` when the token has none of them, else ()."""
    wanted = tuple(needed)
    return () if not wanted or set(wanted) & set(granted) else wanted
