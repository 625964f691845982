"""Block Kit checks as Slack applies them: the limits that turn a payload into `invalid_blocks`.

Each check returns Slack-style messages ("[ERROR] … [json-pointer:/blocks/0/text/text]") so a
failing test names the block at fault, as Slack's own response_metadata does.
"""

from __future__ import annotations

from typing import Any

MESSAGE_BLOCKS = 50
VIEW_BLOCKS = 100
BLOCK_TYPES = {
    "actions",
    "context",
    "divider",
    "file",
    "header",
    "image",
    "input",
    "rich_text",
    "section",
    "video",
}
TEXT_LIMITS = {"section": 3000, "header": 150}
ELEMENT_LIMITS = {"actions": 25, "context": 10}
SECTION_FIELDS = 10
FIELD_TEXT = 2000
BUTTON_TEXT = 75
ACTION_ID = 255
BUTTON_VALUE = 2000
BLOCK_ID = 255
LABEL = 2000
VIEW_TITLE = 24
PRIVATE_METADATA = 3000
CALLBACK_ID = 255
MESSAGE_TEXT = 40000


def check_blocks(blocks: Any, *, limit: int) -> list[str]:
    if not isinstance(blocks, list):
        return ["[ERROR] must be an array [json-pointer:/blocks]"]
    errors: list[str] = []
    if len(blocks) > limit:
        errors.append(f"[ERROR] no more than {limit} items allowed [json-pointer:/blocks]")
    seen_ids: set[str] = set()
    for index, block in enumerate(blocks):
        errors += _check_block(block, f"/blocks/{index}", seen_ids)
    return errors


def check_view(view: Any, *, home: bool = False) -> list[str]:
    if not isinstance(view, dict):
        return ["[ERROR] must be an object [json-pointer:/view]"]
    errors: list[str] = []
    expected = "home" if home else "modal"
    if view.get("type") != expected:
        errors.append(f"[ERROR] must be '{expected}' [json-pointer:/view/type]")
    if not home:
        for key in ("title", "submit", "close"):
            errors += _check_text(
                view.get(key), f"/view/{key}", VIEW_TITLE, plain_only=True, required=key == "title"
            )
        has_input = any(b.get("type") == "input" for b in view.get("blocks") or [])
        if has_input and "submit" not in view:
            errors.append("[ERROR] submit is required when an input block is present [/view]")
    if len(str(view.get("private_metadata") or "")) > PRIVATE_METADATA:
        errors.append(
            "[ERROR] must be less than 3001 characters [json-pointer:/view/private_metadata]"
        )
    if len(str(view.get("callback_id") or "")) > CALLBACK_ID:
        errors.append("[ERROR] must be less than 256 characters [json-pointer:/view/callback_id]")
    errors += [
        e.replace("/blocks", "/view/blocks")
        for e in check_blocks(view.get("blocks", []), limit=VIEW_BLOCKS)
    ]
    return errors


def _check_block(block: Any, at: str, seen_ids: set[str]) -> list[str]:
    if not isinstance(block, dict):
        return [f"[ERROR] must be an object [json-pointer:{at}]"]
    kind = block.get("type")
    if kind not in BLOCK_TYPES:
        return [f"[ERROR] unsupported type: {kind!r} [json-pointer:{at}/type]"]
    errors: list[str] = []
    block_id = block.get("block_id")
    if block_id is not None:
        if len(str(block_id)) > BLOCK_ID:
            errors.append(f"[ERROR] must be less than 256 characters [json-pointer:{at}/block_id]")
        if block_id in seen_ids:
            errors.append(f"[ERROR] duplicate block_id {block_id!r} [json-pointer:{at}/block_id]")
        seen_ids.add(str(block_id))
    if kind == "section":
        if "text" not in block and "fields" not in block:
            errors.append(f"[ERROR] must provide text or fields [json-pointer:{at}]")
        if "text" in block:
            errors += _check_text(block["text"], f"{at}/text", TEXT_LIMITS["section"])
        fields = block.get("fields") or []
        if len(fields) > SECTION_FIELDS:
            errors.append(f"[ERROR] no more than 10 items allowed [json-pointer:{at}/fields]")
        for i, field in enumerate(fields):
            errors += _check_text(field, f"{at}/fields/{i}", FIELD_TEXT)
        if "accessory" in block:
            errors += _check_element(block["accessory"], f"{at}/accessory")
    elif kind == "header":
        errors += _check_text(
            block.get("text"), f"{at}/text", TEXT_LIMITS["header"], plain_only=True
        )
    elif kind in ELEMENT_LIMITS:
        elements = block.get("elements")
        if not isinstance(elements, list) or not elements:
            errors.append(f"[ERROR] must provide elements [json-pointer:{at}/elements]")
            elements = []
        if len(elements) > ELEMENT_LIMITS[kind]:
            errors.append(
                f"[ERROR] no more than {ELEMENT_LIMITS[kind]} items allowed "
                f"[json-pointer:{at}/elements]"
            )
        for i, element in enumerate(elements):
            if kind == "context" and element.get("type") in ("mrkdwn", "plain_text"):
                errors += _check_text(element, f"{at}/elements/{i}", 3000)
            else:
                errors += _check_element(element, f"{at}/elements/{i}")
    elif kind == "input":
        errors += _check_text(block.get("label"), f"{at}/label", LABEL, plain_only=True)
        if "element" not in block:
            errors.append(f"[ERROR] must provide an element [json-pointer:{at}/element]")
        else:
            errors += _check_element(block["element"], f"{at}/element")
    return errors


def _check_element(element: Any, at: str) -> list[str]:
    if not isinstance(element, dict) or "type" not in element:
        return [f"[ERROR] must be an element object [json-pointer:{at}]"]
    errors: list[str] = []
    if len(str(element.get("action_id") or "")) > ACTION_ID:
        errors.append(f"[ERROR] must be less than 256 characters [json-pointer:{at}/action_id]")
    if element["type"] == "button":
        errors += _check_text(element.get("text"), f"{at}/text", BUTTON_TEXT, plain_only=True)
        if len(str(element.get("value") or "")) > BUTTON_VALUE:
            errors.append(f"[ERROR] must be less than 2001 characters [json-pointer:{at}/value]")
        if element.get("style") not in (None, "primary", "danger"):
            errors.append(f"[ERROR] must be primary or danger [json-pointer:{at}/style]")
    return errors


def _check_text(
    text: Any, at: str, limit: int, *, plain_only: bool = False, required: bool = True
) -> list[str]:
    if text is None:
        return [f"[ERROR] missing required field: text [json-pointer:{at}]"] if required else []
    if not isinstance(text, dict) or text.get("type") not in ("plain_text", "mrkdwn"):
        return [f"[ERROR] must be a text object [json-pointer:{at}]"]
    if plain_only and text["type"] != "plain_text":
        return [f"[ERROR] must be plain_text [json-pointer:{at}/type]"]
    value = text.get("text")
    if not isinstance(value, str) or not value:
        return [f"[ERROR] must be more than 0 characters [json-pointer:{at}/text]"]
    if len(value) > limit:
        return [f"[ERROR] must be less than {limit + 1} characters [json-pointer:{at}/text]"]
    return []
