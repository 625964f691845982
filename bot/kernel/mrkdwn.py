"""mrkdwn built from parts, so that user text is shown and never executed.

Every part that is a plain `str` is text as typed: Slack's three control characters (`&`, `<`,
`>`) are escaped, so a work item called `<!channel>` or `<https://evil.example|click>` reaches
Slack as text. Only `Mrkdwn` parts go through as they are, and only this module makes them:
Baton's own mentions, `<!date>` tokens and links, and formatting around escaped text.

Slack documents exactly these three escapes for mrkdwn and none for the backtick, so a user
string inside an inline code span could close the span; `code` therefore shows backticks as
U+02CB MODIFIER LETTER GRAVE ACCENT, a look-alike. plain_text fields (headers, labels, hints,
buttons, options) are not parsed by Slack and take user text as it is, unescaped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, datetime
from urllib.parse import quote

SECTION_TEXT_LIMIT = 3000  # a section's text, and the fallback `text` Baton sends
BACKTICK_LOOKALIKE = "\u02cb"
_USER_ID = re.compile(r"^[UW][A-Z0-9]{1,31}$")
_CHANNEL_ID = re.compile(r"^[CGD][A-Z0-9]{1,31}$")
_TOKEN = re.compile(r"^[a-z][a-z-]{0,31}$")
_DANGLING = re.compile(r"(<[^>]*|&[a-z]{0,4})$")
_KEPT_FROM_STORE = re.compile(r"<@[UW][A-Z0-9]{1,31}>|&(?:amp|lt|gt);")


class Mrkdwn(str):
    """Text ready for a mrkdwn field. Made only by this module's functions: writing
    `Mrkdwn(...)` around text that came from a person is the one way to get this wrong."""

    __slots__ = ()


def escape(text: str) -> str:
    """Slack's three control characters; everything else is shown as typed."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _part(part: str) -> str:
    return part if isinstance(part, Mrkdwn) else escape(part)


def md(*parts: str) -> Mrkdwn:
    """The parts in a row: `Mrkdwn` as it is, any other text escaped."""
    return Mrkdwn("".join(_part(p) for p in parts))


def join(separator: str, parts: Iterable[str]) -> Mrkdwn:
    return Mrkdwn(_part(separator).join(_part(p) for p in parts))


def lines(parts: Iterable[str]) -> Mrkdwn:
    return join("\n", parts)


def mention(user_id: str) -> Mrkdwn:
    """A live mention of a Slack user id; anything that is not an id is shown as text."""
    return Mrkdwn(f"<@{user_id}>") if _USER_ID.match(user_id) else md(f"@{user_id}")


def channel(channel_id: str) -> Mrkdwn:
    return Mrkdwn(f"<#{channel_id}>") if _CHANNEL_ID.match(channel_id) else md(f"#{channel_id}")


def local_time(instant: datetime, fmt: str = "{date_short_pretty} at {time}") -> Mrkdwn:
    """A time Slack renders in each reader's own time zone, with a UTC fallback."""
    fallback = instant.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return Mrkdwn(f"<!date^{int(instant.timestamp())}^{fmt}|{fallback}>")


def link(url: str, label: str) -> Mrkdwn:
    """A link with a label; a URL that is not http(s) is shown as text, never linked.
    Characters that would end the token early are percent-encoded."""
    if not url.lower().startswith(("https://", "http://")):
        return md(label, " (", url, ")")
    safe = escape(quote(url, safe="/:?#[]@!$&'()*+,;=%~-._"))
    return Mrkdwn(f"<{safe}|{escape(label) or safe}>")


def pending_link(token: str, label: str) -> Mrkdwn:
    """A link whose URL is filled in at delivery (`token` is one of Baton's own placeholders,
    e.g. a post not sent yet); the label is text."""
    if not _TOKEN.match(token):
        raise ValueError(f"not a link placeholder: {token!r}")
    return Mrkdwn(f"<{token}|{escape(label)}>")


def bold(*parts: str) -> Mrkdwn:
    return Mrkdwn(f"*{md(*parts)}*")


def italic(*parts: str) -> Mrkdwn:
    return Mrkdwn(f"_{md(*parts)}_")


def code(text: str) -> Mrkdwn:
    """An inline code span no text can break out of: a backtick is shown as a look-alike and a
    line break as a space (either would end the span)."""
    inner = escape(" ".join(text.replace("`", BACKTICK_LOOKALIKE).splitlines()))
    return Mrkdwn(f"`{inner}`")


def blockquote(text: str) -> Mrkdwn:
    """Each line quoted (`>` is mrkdwn's own here, the text's own `>` escaped)."""
    return Mrkdwn("\n".join(f"> {escape(line)}" for line in text.splitlines() or [""]))


def stored(text: str) -> Mrkdwn:
    """Mrkdwn Baton stored itself (a failure's `where`), read back: its mentions and entities
    kept, anything else escaped again, so no stored row can bring a `<!channel>` or a link,
    even one written before user text was escaped."""
    kept: list[str] = []
    position = 0
    for match in _KEPT_FROM_STORE.finditer(text):
        kept += [escape(text[position : match.start()]), match.group()]
        position = match.end()
    return Mrkdwn("".join([*kept, escape(text[position:])]))


def clip(text: Mrkdwn, limit: int = SECTION_TEXT_LIMIT) -> Mrkdwn:
    """At most `limit` characters, never cutting a token (`<…>`) or an entity (`&amp;`) in
    two: a cut one would show as broken markup."""
    if len(text) <= limit:
        return text
    cut = text[: max(limit - 1, 0)]
    cut = _DANGLING.sub("", cut)
    return Mrkdwn(cut + "…")
