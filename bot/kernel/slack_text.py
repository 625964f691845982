"""Text from Slack (a slash command's `text`) as the person wrote it.

Slack sends `&`, `<` and `>` typed by a person as `&amp;`, `&lt;` and `&gt;`, and its own
tokens in angle brackets: a picked mention `<@U123|ana>`, a channel `<#C123|launch>`, a
special `<!here>`, a link `<https://example.com|example.com>` (the label is what was typed).
Baton keeps names and reasons as plain text, so tokens become their readable text; shown
again, that text is escaped like any other (it never becomes live).
"""

from __future__ import annotations

import re

_TOKEN = re.compile(r"<([^<>|]*)(?:\|([^<>]*))?>")


def _readable(match: re.Match[str]) -> str:
    target, label = match.group(1), match.group(2)
    if target.startswith(("@", "#")):
        return target[0] + label if label else target
    if target.startswith("!"):
        return "@" + (label or target[1:].split("^")[0])
    return label or target


def plain_text_of(text: str) -> str:
    """`Hi <@U1|ana> &amp; <!here>` → `Hi @ana & @here`."""
    readable = _TOKEN.sub(_readable, text)
    return readable.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
