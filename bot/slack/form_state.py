"""Reading a submitted modal's state: one input element per block, found by block id."""

from __future__ import annotations

from typing import Any

from bot.ids import Action


def value_of(view: dict[str, Any], block_id: str) -> Any:
    """The element's value, whatever its type; None when left empty."""
    values = view.get("state", {}).get("values", {})
    element = values.get(block_id, {}).get(Action.VALUE, {})
    for key in (
        "value",
        "selected_user",
        "selected_users",
        "selected_conversation",
        "selected_channel",
        "selected_date_time",
    ):
        if element.get(key) is not None:
            return element[key]
    option = element.get("selected_option")
    return option.get("value") if isinstance(option, dict) else None
