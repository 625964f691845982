"""What Slack is told when a listener fails: never that it worked.

A view submission gets an error on its first field (Slack keeps the modal open), a command an
ephemeral line; anything else has already been acknowledged.
"""

from __future__ import annotations

import json
from typing import Any

from slack_bolt import BoltResponse

NOT_SAVED = "Baton could not save this; nothing was posted — try again."
NOT_DONE = "Baton could not do that; nothing was changed — try again."


def first_input_block(view: dict[str, Any]) -> str | None:
    for block in view.get("blocks") or []:
        if isinstance(block, dict) and block.get("type") == "input" and block.get("block_id"):
            return str(block["block_id"])
    return None


def failure_response(body: dict[str, Any] | None) -> BoltResponse:
    body = body or {}
    if body.get("type") == "view_submission":
        block = first_input_block(body.get("view") or {})
        if block is not None:
            answer = {"response_action": "errors", "errors": {block: NOT_SAVED}}
            return BoltResponse(
                status=200,
                body=json.dumps(answer),
                headers={"content-type": "application/json;charset=utf-8"},
            )
    if body.get("command"):
        answer = {"response_type": "ephemeral", "text": NOT_DONE}
        return BoltResponse(
            status=200, body=json.dumps(answer), headers={"content-type": "application/json"}
        )
    return BoltResponse(status=200, body="")
