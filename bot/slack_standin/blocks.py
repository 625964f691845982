"""Block Kit checks as Slack applies them: the limits that turn a payload into `invalid_blocks`.

Each check returns Slack-style messages ("[ERROR] … [json-pointer:/blocks/0/text/text]") so a
failing test names the block at fault, as Slack's own response_metadata does.
"""

from __future__ import annotations

import re
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
# Block elements (docs.slack.dev/reference/block-kit/block-elements); anything else is refused.
INPUT_ELEMENTS = {
    "checkboxes",
    "datepicker",
    "datetimepicker",
    "email_text_input",
    "file_input",
    "number_input",
    "plain_text_input",
    "radio_buttons",
    "rich_text_input",
    "timepicker",
    "url_text_input",
    "static_select",
    "external_select",
    "users_select",
    "conversations_select",
    "channels_select",
    "multi_static_select",
    "multi_external_select",
    "multi_users_select",
    "multi_conversations_select",
    "multi_channels_select",
}
ELEMENT_TYPES = INPUT_ELEMENTS | {"button", "image", "overflow", "workflow_button"}
# Elements whose choices are given inline: `options` (or `option_groups` for the selects).
OPTION_ELEMENTS = {
    "static_select",
    "multi_static_select",
    "overflow",
    "radio_buttons",
    "checkboxes",
}
GROUPABLE = {"static_select", "multi_static_select"}
MAX_OPTIONS = {"overflow": 5, "radio_buttons": 10, "checkboxes": 10}
SELECT_OPTIONS = 100
OPTION_TEXT = 75
OPTION_VALUE = 150
IMAGE_URL = 3000
ALT_TEXT = 2000
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
PLACEHOLDER = 150
# A timepicker's initial_time: HH:mm, 24-hour, leading zeros (docs: time-picker-element).
TIME_OF_DAY = re.compile(r"^(?:[01]\d|2[0-3]):[0-5]\d$")


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
    action_ids: set[str] = set()  # unique within the block, as Slack requires
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
            errors += _check_element(block["accessory"], f"{at}/accessory", action_ids)
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
                errors += _check_element(element, f"{at}/elements/{i}", action_ids)
    elif kind == "input":
        errors += _check_text(block.get("label"), f"{at}/label", LABEL, plain_only=True)
        if not isinstance(block.get("dispatch_action", False), bool):
            errors.append(f"[ERROR] must be a boolean [json-pointer:{at}/dispatch_action]")
        element = block.get("element")
        if element is None:
            errors.append(f"[ERROR] must provide an element [json-pointer:{at}/element]")
        elif isinstance(element, dict) and element.get("type") in ELEMENT_TYPES - INPUT_ELEMENTS:
            errors.append(
                f"[ERROR] {element['type']!r} is not an input element [json-pointer:{at}/element]"
            )
        else:
            errors += _check_element(element, f"{at}/element", action_ids)
    elif kind == "image":
        errors += _check_image(block, at)
    return errors


# Only these say when typing sends block_actions; selects send one on each pick, when their
# input block sets dispatch_action.
DISPATCH_CONFIGURABLE = frozenset({"plain_text_input", "rich_text_input"})


def _check_element(element: Any, at: str, action_ids: set[str]) -> list[str]:
    if not isinstance(element, dict) or "type" not in element:
        return [f"[ERROR] must be an element object [json-pointer:{at}]"]
    kind = element["type"]
    if kind not in ELEMENT_TYPES:
        return [f"[ERROR] unsupported type: {kind!r} [json-pointer:{at}/type]"]
    errors: list[str] = []
    action_id = element.get("action_id")
    if action_id is not None:
        if len(str(action_id)) > ACTION_ID:
            errors.append(f"[ERROR] must be less than 256 characters [json-pointer:{at}/action_id]")
        if str(action_id) in action_ids:
            errors.append(
                f"[ERROR] duplicate action_id {action_id!r} in the block "
                f"[json-pointer:{at}/action_id]"
            )
        action_ids.add(str(action_id))
    if "dispatch_action_config" in element and kind not in DISPATCH_CONFIGURABLE:
        errors.append(
            f"[ERROR] dispatch_action_config is only for text inputs "
            f"[json-pointer:{at}/dispatch_action_config]"
        )
    if kind in OPTION_ELEMENTS:
        errors += _check_options(element, at)
    elif kind == "image":
        errors += _check_image(element, at)
    elif kind == "timepicker":
        errors += _check_timepicker(element, at)
    if kind == "button":
        errors += _check_text(element.get("text"), f"{at}/text", BUTTON_TEXT, plain_only=True)
        if len(str(element.get("value") or "")) > BUTTON_VALUE:
            errors.append(f"[ERROR] must be less than 2001 characters [json-pointer:{at}/value]")
        if element.get("style") not in (None, "primary", "danger"):
            errors.append(f"[ERROR] must be primary or danger [json-pointer:{at}/style]")
    return errors


def _check_options(element: dict[str, Any], at: str) -> list[str]:
    kind = element["type"]
    has_groups = kind in GROUPABLE and "option_groups" in element
    if has_groups and "options" in element:
        return [f"[ERROR] provide options or option_groups, not both [json-pointer:{at}]"]
    if has_groups:
        groups = element["option_groups"]
        if not isinstance(groups, list) or not groups:
            return [f"[ERROR] must provide option_groups [json-pointer:{at}/option_groups]"]
        options = [o for g in groups if isinstance(g, dict) for o in g.get("options") or []]
        where = f"{at}/option_groups"
    else:
        given = element.get("options")
        if not isinstance(given, list) or not given:
            needed = "options or option_groups" if kind in GROUPABLE else "options"
            return [f"[ERROR] must provide {needed} [json-pointer:{at}]"]
        options = given
        where = f"{at}/options"
    errors: list[str] = []
    limit = MAX_OPTIONS.get(kind, SELECT_OPTIONS)
    if len(options) > limit:
        errors.append(f"[ERROR] no more than {limit} items allowed [json-pointer:{where}]")
    for i, option in enumerate(options):
        if not isinstance(option, dict):
            errors.append(f"[ERROR] must be an option object [json-pointer:{where}/{i}]")
            continue
        plain = kind not in ("checkboxes", "radio_buttons")  # these two may use mrkdwn
        errors += _check_text(
            option.get("text"), f"{where}/{i}/text", OPTION_TEXT, plain_only=plain
        )
        value = option.get("value")
        if value is not None and len(str(value)) > OPTION_VALUE:
            errors.append(
                f"[ERROR] must be less than 151 characters [json-pointer:{where}/{i}/value]"
            )
    initial = element.get("initial_option")
    if initial is not None and initial not in options:
        errors.append(
            f"[ERROR] must match one of the provided options [json-pointer:{at}/initial_option]"
        )
    # Checkboxes and multi-selects: initial_options, one or more, each exactly an option.
    if "initial_options" in element:
        chosen = element["initial_options"]
        if not isinstance(chosen, list) or not chosen:
            errors.append(
                f"[ERROR] must provide at least 1 item [json-pointer:{at}/initial_options]"
            )
            chosen = []
        for i, option in enumerate(chosen):
            if option not in options:
                errors.append(
                    "[ERROR] must match one of the provided options "
                    f"[json-pointer:{at}/initial_options/{i}]"
                )
    return errors


def _check_timepicker(element: dict[str, Any], at: str) -> list[str]:
    errors: list[str] = []
    initial = element.get("initial_time")
    if initial is not None and not (isinstance(initial, str) and TIME_OF_DAY.match(initial)):
        errors.append(f"[ERROR] must be a time in HH:mm format [json-pointer:{at}/initial_time]")
    if "placeholder" in element:
        errors += _check_text(
            element["placeholder"], f"{at}/placeholder", PLACEHOLDER, plain_only=True
        )
    return errors


def _check_image(image: dict[str, Any], at: str) -> list[str]:
    """An image block or element: a URL or a Slack file to show, and alt text."""
    errors: list[str] = []
    url = image.get("image_url")
    if url is None and image.get("slack_file") is None:
        errors.append(f"[ERROR] must provide image_url or slack_file [json-pointer:{at}]")
    elif url is not None and (not isinstance(url, str) or not url or len(url) > IMAGE_URL):
        errors.append(f"[ERROR] must be 1 to 3000 characters [json-pointer:{at}/image_url]")
    alt = image.get("alt_text")
    if not isinstance(alt, str) or not alt or len(alt) > ALT_TEXT:
        errors.append(f"[ERROR] must be 1 to 2000 characters [json-pointer:{at}/alt_text]")
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
