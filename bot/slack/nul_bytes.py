"""Text with a NUL character is refused where it was typed: PostgreSQL cannot store it, and
nothing a person means contains one."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from slack_bolt import BoltResponse

from bot.kernel.stored_text import NUL, NUL_PROBLEM


def blocks_with_nul(view: dict[str, Any]) -> list[str]:
    values = (view.get("state") or {}).get("values") or {}
    return [
        block_id
        for block_id, elements in values.items()
        if isinstance(elements, dict)
        and any(
            isinstance(element, dict) and NUL in str(element.get("value") or "")
            for element in elements.values()
        )
    ]


def refuse_nul_bytes(body: dict[str, Any], next: Callable[[], None]) -> BoltResponse | None:
    """Bolt middleware: answers a command or form carrying a NUL itself; lets the rest on."""
    if body.get("type") == "view_submission":
        blocks = blocks_with_nul(body.get("view") or {})
        if blocks:
            answer = {"response_action": "errors", "errors": dict.fromkeys(blocks, NUL_PROBLEM)}
            return BoltResponse(
                status=200, body=json.dumps(answer), headers={"content-type": "application/json"}
            )
    elif body.get("command") and NUL in str(body.get("text") or ""):
        answer = {"response_type": "ephemeral", "text": NUL_PROBLEM + " Nothing was changed."}
        return BoltResponse(
            status=200, body=json.dumps(answer), headers={"content-type": "application/json"}
        )
    next()
    return None
