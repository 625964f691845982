"""Small mrkdwn helpers shared by the Block Kit builders."""

from __future__ import annotations

from datetime import UTC, datetime

SECTION_TEXT_LIMIT = 3000


def escape(text: str) -> str:
    """Slack's three control characters; everything else is shown as typed."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def mention(user_id: str) -> str:
    return f"<@{user_id}>"


def local_time(instant: datetime, fmt: str = "{date_short_pretty} at {time}") -> str:
    """A time Slack renders in each reader's own time zone, with a UTC fallback."""
    fallback = instant.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return f"<!date^{int(instant.timestamp())}^{fmt}|{fallback}>"


def bullet_sections(title: str, bullets: list[str]) -> list[str]:
    """`*title*` then one bullet per line, split into chunks that fit one section each."""
    lines = [f"• {escape(bullet)}" for bullet in bullets] or ["_none_"]
    chunks: list[str] = []
    current = f"*{title}*"
    for line in lines:
        if len(current) + 1 + len(line) > SECTION_TEXT_LIMIT:
            chunks.append(current)
            current = line
        else:
            current = f"{current}\n{line}"
    chunks.append(current)
    return chunks
