"""The backup rotation's fields in /baton settings: the people in turn order, and when the
turn changes (weekday, hour and zone). Checked at the field: at least two people, each one who
can take a turn (no bots, no deactivated accounts), known before Submit (picks are looked up
as they are made)."""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import InputBlock, Option, StaticSelectElement, UserMultiSelectElement

from bot.ids import Action, SettingsBlock
from bot.people.person import Person
from bot.rotations.service import RotationPick
from bot.rotations.turns import MAX_PEOPLE, MIN_PEOPLE, WEEKDAYS, Changeover, known_zone
from bot.slack.form_state import value_of

DEFAULT_DAY, DEFAULT_HOUR = 0, 9  # Mondays 09:00
# Offered besides the editor's own zone and the rotation's (a select holds 100 options).
ZONES = (
    "UTC",
    "Europe/London",
    "Europe/Dublin",
    "Europe/Lisbon",
    "Europe/Paris",
    "Europe/Berlin",
    "Europe/Madrid",
    "Europe/Amsterdam",
    "Europe/Stockholm",
    "Europe/Warsaw",
    "Europe/Athens",
    "Europe/Helsinki",
    "Europe/Istanbul",
    "Africa/Lagos",
    "Africa/Cairo",
    "Africa/Nairobi",
    "Africa/Johannesburg",
    "Asia/Dubai",
    "Asia/Kolkata",
    "Asia/Singapore",
    "Asia/Shanghai",
    "Asia/Tokyo",
    "Asia/Seoul",
    "Australia/Perth",
    "Australia/Sydney",
    "Pacific/Auckland",
    "America/Sao_Paulo",
    "America/Mexico_City",
    "America/New_York",
    "America/Toronto",
    "America/Chicago",
    "America/Denver",
    "America/Phoenix",
    "America/Los_Angeles",
    "America/Anchorage",
    "Pacific/Honolulu",
)


def rotation_blocks(pick: RotationPick | None, editor_zone: str) -> list[InputBlock]:
    changes = pick.changes if pick else Changeover(DEFAULT_DAY, DEFAULT_HOUR, editor_zone)
    days = [Option(value=str(i), text=name) for i, name in enumerate(WEEKDAYS)]
    hours = [Option(value=str(h), text=f"{h:02d}:00") for h in range(24)]
    zones = [
        Option(value=zone, text=f"{zone} (your zone)" if zone == editor_zone else zone)
        for zone in dict.fromkeys((editor_zone, changes.zone, *ZONES))
    ]
    return [
        InputBlock(
            dispatch_action=True,  # a pick is looked up before Submit
            block_id=SettingsBlock.ROTATION,
            label="Backup rotation",
            optional=True,
            hint="People in turn order; a new or changed rotation starts with the first, now. "
            "A handoff's Backup owner starts as whoever's turn it is. Empty: no rotation.",
            element=UserMultiSelectElement(
                action_id=Action.VALUE,
                initial_users=list(pick.people) if pick else None,
                max_selected_items=MAX_PEOPLE,
            ),
        ),
        _select(SettingsBlock.ROTATION_DAY, "Rotation changes", days, str(changes.weekday)),
        _select(SettingsBlock.ROTATION_HOUR, "Rotation change hour", hours, str(changes.hour)),
        _select(SettingsBlock.ROTATION_ZONE, "Rotation time zone", zones, changes.zone),
    ]


def _select(block_id: str, label: str, options: list[Option], initial: str) -> InputBlock:
    chosen = next((o for o in options if o.value == initial), options[0])
    return InputBlock(
        block_id=block_id,
        label=label,
        optional=True,
        element=StaticSelectElement(action_id=Action.VALUE, options=options, initial_option=chosen),
    )


def rotation_people(view: dict[str, Any]) -> list[str]:
    return list(value_of(view, SettingsBlock.ROTATION) or [])


def refusal(people: list[str], known: dict[str, Person]) -> str | None:
    """Why these people cannot make a rotation, said at the field; None when they can."""
    if len(people) == 1:
        return "A rotation takes turns: pick at least two people (or none, for no rotation)."
    for user_id in people:
        person = known.get(user_id)
        name = person.name if person and person.name else user_id
        if person is None or person.deleted:
            return f"{name} has left Slack (deactivated): pick people who can take a turn."
        if person.is_bot:
            return f"{name} is a bot: a rotation is people who can take a turn."
    return None


def read_rotation(view: dict[str, Any], people: list[str]) -> RotationPick | None:
    """The rotation the form sets (checked people), None when it sets none."""
    if len(people) < MIN_PEOPLE:
        return None
    zone = value_of(view, SettingsBlock.ROTATION_ZONE) or "UTC"
    return RotationPick(
        tuple(people),
        Changeover(
            int(value_of(view, SettingsBlock.ROTATION_DAY) or DEFAULT_DAY),
            int(value_of(view, SettingsBlock.ROTATION_HOUR) or DEFAULT_HOUR),
            zone if known_zone(zone) else "UTC",
        ),
    )
