"""Small helpers for the words Baton writes, so a busy reader never trips on "1 nudges" or
"ready for approval..". Plain text in, plain text out (escape it as any user text)."""

from __future__ import annotations


def sentence(text: str) -> str:
    """`text` as a sentence: a full stop added unless it already ends in one (or in ! ? …),
    so "ready for approval." stays one sentence, not "ready for approval.."."""
    text = text.rstrip()
    return text if text.endswith((".", "!", "?", "…")) else f"{text}."


def counted(count: int, one: str, many: str | None = None) -> str:
    """ "1 publish", "2 publishes": `many` defaults to `one` + "s"."""
    return f"{count} {one if count == 1 else (many or one + 's')}"
