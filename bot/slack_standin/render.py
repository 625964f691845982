"""Blocks to plain text, roughly as a person reads them in the Slack client."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

_TOKEN = re.compile(r"<([^<>]+)>")
# *bold* and _italic_ as the client shows them: the markers vanish.
_BOLD = re.compile(r"(?<![\w*])\*([^*\n]+)\*(?![\w*])")
_ITALIC = re.compile(r"(?<![\w_])_([^_\n]+)_(?![\w_])")


def mrkdwn_to_text(text: str, name_of: Callable[[str], str]) -> str:
    def replace(match: re.Match[str]) -> str:
        inner = match.group(1)
        target, _, label = inner.partition("|")
        if target.startswith("@"):
            return f"@{name_of(target[1:])}"
        if target.startswith("#"):
            return f"#{label or name_of(target[1:])}"
        if target.startswith("!date^"):
            return label
        if target.startswith("!"):
            return f"@{label or target[1:]}"
        return label or target

    return _unescape(_ITALIC.sub(r"\1", _BOLD.sub(r"\1", _TOKEN.sub(replace, text))))


def _unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def live_tokens(text: str) -> list[str]:
    """What Slack acts on in mrkdwn: each `<…>` control sequence (a mention, `<!channel>`, a
    date, a link), by its target. Escaped text (`&lt;…&gt;`) is shown, not acted on."""
    return [match.group(1).partition("|")[0] for match in _TOKEN.finditer(text)]


def mrkdwn_fields(payload: Any) -> list[str]:
    """Every text Slack parses as mrkdwn in a message or view: the top-level `text` (the
    notification) and each `mrkdwn` text object, however deep. plain_text is not parsed."""
    found: list[str] = []
    if isinstance(payload, dict):
        if payload.get("type") == "mrkdwn" and isinstance(payload.get("text"), str):
            found.append(payload["text"])
        for key, value in payload.items():
            if key == "text" and isinstance(value, str) and "type" not in payload:
                found.append(value)  # a message's own text, not a text object's
            elif isinstance(value, dict | list):
                found += mrkdwn_fields(value)
    elif isinstance(payload, list):
        for item in payload:
            found += mrkdwn_fields(item)
    return found


def blocks_to_text(
    blocks: list[dict[str, Any]], fallback: str = "", name_of: Callable[[str], str] = str
) -> str:
    if not blocks:
        return mrkdwn_to_text(fallback, name_of)
    lines: list[str] = []
    for block in blocks:
        lines += _block_lines(block, name_of)
    return "\n".join(lines)


def _text(obj: Any, name_of: Callable[[str], str]) -> str:
    """A text object as the client shows it: mrkdwn is parsed; plain_text is not, so a
    `<#C…>` or `<@U…>` in it shows as typed, never as a channel or a person."""
    if not isinstance(obj, dict):
        return ""
    text = str(obj.get("text", ""))
    if obj.get("type") == "plain_text":
        return _unescape(text)
    return mrkdwn_to_text(text, name_of)


def _block_lines(block: dict[str, Any], name_of: Callable[[str], str]) -> list[str]:
    kind = block.get("type")
    if kind in ("header", "section"):
        lines = [_text(block.get("text"), name_of)] if block.get("text") else []
        lines += [_text(field, name_of) for field in block.get("fields") or []]
        accessory = block.get("accessory")
        if accessory and accessory.get("type") == "button":
            lines.append(f"[ {_text(accessory.get('text'), name_of)} ]")
        return lines
    if kind == "context":
        return [" · ".join(_text(e, name_of) for e in block.get("elements", []) if "text" in e)]
    if kind == "actions":
        buttons = [
            f"[ {_text(e.get('text'), name_of)} ]"
            for e in block.get("elements", [])
            if e.get("type") == "button"
        ]
        return ["  ".join(buttons)]
    if kind == "input":
        element = block.get("element") or {}
        filled = element.get("initial_value") or (
            f"@{name_of(element['initial_user'])}" if element.get("initial_user") else ""
        )
        hint = _text(element.get("placeholder"), name_of)
        shown = filled or (f"({hint})" if hint else "")
        return [f"{_text(block.get('label'), name_of)}: {shown}".rstrip()]
    if kind == "divider":
        return ["―" * 20]
    return []
