"""A person picked in a form: looked up at once, off Slack's clock, so that the form's Submit
is answered from memory (the user selects of Baton's forms set `dispatch_action`)."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack

from bot.container import Services

# No form of Baton's takes more people than this; a payload naming more is not looked up
# beyond it (each is a users.info call).
MAX_PICKED = 50


def picked_people(action: dict[str, Any]) -> list[str | None]:
    """Who a select's block_actions names: one person, or each of a multi-select's."""
    if action.get("type") == "users_select":
        picked = action.get("selected_user")
        return [picked] if isinstance(picked, str) else []
    if action.get("type") == "multi_users_select":
        chosen = action.get("selected_users")
        if isinstance(chosen, list):
            return [uid for uid in chosen[:MAX_PICKED] if isinstance(uid, str)]
    return []


def learn_picked(ack: Ack, services: Services, action: dict[str, Any]) -> None:
    # Marked before the ack, so that a Submit right behind the pick waits for its lookup.
    expected = services.people.expect(picked_people(action))
    ack()
    # Submit may wait for it. Whether one person picked (an owner) is out is read now too, so
    # that the form can say so; a multi-select's many (approvers, owners) are not asked about.
    presence = action.get("type") == "users_select"
    services.after_ack(lambda: services.people.look_up(expected, presence=presence))
