"""`/report [weeks] [#channel|@person]`: what the command's text asks for."""

from __future__ import annotations

import re
from dataclasses import dataclass

DEFAULT_WEEKS = 4
MAX_WEEKS = 12
USAGE = (
    "Usage: `/report [weeks] [#channel|@person]`, e.g. `/report 4 #launch` or `/report @ben`; "
    f"weeks from 1 to {MAX_WEEKS} (default {DEFAULT_WEEKS}), this channel unless you name one "
    "or a person."
)
NOT_READABLE = (
    "You can see the report of a public channel or of a channel you are in; name another, "
    "or run `/report` there."
)
# ASCII digits only: str.isdigit() also takes "²" and "٣", which int() refuses or misreads.
_WEEKS = re.compile(r"^[0-9]+$")
_CHANNEL = re.compile(r"^<#([CG][A-Z0-9]+)(?:\|([^>]*))?>$")
_PERSON = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|([^>]*))?>$")


@dataclass(frozen=True)
class ReportRequest:
    weeks: int
    channel_id: str | None
    person: str | None
    name: str | None = None  # the named channel's or person's name, as Slack escaped it


def parse_report(text: str, *, here: str) -> ReportRequest | str:
    """The request, or a message saying what is wrong (with the usage)."""
    weeks: int | None = None
    channel: str | None = None
    person: str | None = None
    name: str | None = None
    for token in text.split():
        if _WEEKS.match(token):
            # Length first: int() refuses over 4300 digits.
            if weeks is not None or len(token) > 3 or not 1 <= int(token) <= MAX_WEEKS:
                return USAGE
            weeks = int(token)
        elif match := _CHANNEL.match(token):
            channel, name = match.group(1), match.group(2) or None
        elif match := _PERSON.match(token):
            person, name = match.group(1), match.group(2) or None
        else:
            return f"“{token}” is not a number of weeks, a #channel or an @person.\n{USAGE}"
    if channel and person:
        return f"Name a channel or a person, not both.\n{USAGE}"
    return ReportRequest(
        weeks or DEFAULT_WEEKS, channel or (None if person else here), person, name
    )


def chart_title(request: ReportRequest, *, here: str, here_name: str | None) -> str:
    """The chart's file title: plain text, where `<#C…>` would show as typed, so the scope is
    named as Slack named it to Baton (nothing when it did not)."""
    title = "Time to acknowledge and to done"
    if request.person:
        return f"{title}, @{request.name}" if request.name else title
    if request.channel_id == here:
        hidden = here_name in (None, "", "privategroup", "directmessage")
        return title if hidden else f"{title}, #{here_name}"
    return f"{title}, #{request.name}" if request.name else title
