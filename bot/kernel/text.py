"""Block Kit pieces that take mrkdwn built by `bot.kernel.mrkdwn`, never a bare string."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from slack_sdk.models.blocks import Block, ContextBlock, MarkdownTextObject, SectionBlock

from bot.kernel.mrkdwn import SECTION_TEXT_LIMIT, Mrkdwn, bold, clip, italic, md


def section(text: Mrkdwn, *, block_id: str | None = None) -> SectionBlock:
    return SectionBlock(text=MarkdownTextObject(text=clip(text)), block_id=block_id)


def field(text: Mrkdwn) -> MarkdownTextObject:
    return MarkdownTextObject(text=clip(text, 2000))


def context(text: Mrkdwn) -> ContextBlock:
    return ContextBlock(elements=[MarkdownTextObject(text=clip(text))])


def blocks_of(*blocks: Block) -> list[dict[str, Any]]:
    return [block.to_dict() for block in blocks]


def bullet_sections(title: str, bullets: list[str], *, empty: str = "none") -> list[Mrkdwn]:
    """`*title*` then one bullet per line (or `empty`), split into chunks that fit one section
    each."""
    lines = [md("• ", bullet) for bullet in bullets] or [italic(empty)]
    chunks: list[Mrkdwn] = []
    current = bold(title)
    for line in lines:
        if len(current) + 1 + len(line) > SECTION_TEXT_LIMIT:
            chunks.append(current)
            current = clip(line)
        else:
            current = md(current, "\n", line)
    chunks.append(current)
    return chunks


@dataclass(frozen=True)
class Message:
    """What Baton sends: `text` is the notification (and screen reader) fallback; both it and
    the blocks are mrkdwn made by `bot.kernel.mrkdwn`."""

    text: Mrkdwn
    blocks: list[dict[str, Any]]

    def __post_init__(self) -> None:
        object.__setattr__(self, "text", clip(self.text))
