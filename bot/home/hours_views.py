"""App Home's "Your working hours": the section, the modal that sets them, and reading it."""

from __future__ import annotations

from datetime import time
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    CheckboxesElement,
    DividerBlock,
    HeaderBlock,
    InputBlock,
    Option,
    TimePickerElement,
)
from slack_sdk.models.views import View

from bot.home.hours_service import HoursShown
from bot.ids import Action, Callback, HoursBlock
from bot.kernel.mrkdwn import bold, md
from bot.kernel.reader_hours import DAY_NAMES
from bot.kernel.text import context, section
from bot.kernel.working_hours import WorkingHours

HEADER = "Your working hours"
SET_HOURS = "Set working hours"
TEAM_DEFAULT = "Use team default"


def hours_section(shown: HoursShown) -> list[Block]:
    """Where the person sees, and changes, the hours Baton's messages to them wait for."""
    buttons = [ButtonElement(text=SET_HOURS, action_id=Action.SET_HOURS, value="set")]
    if shown.own:
        buttons.append(ButtonElement(text=TEAM_DEFAULT, action_id=Action.TEAM_HOURS, value="team"))
    return [
        DividerBlock(),
        HeaderBlock(text=HEADER),
        section(
            md(
                bold(str(shown)),
                ", in your time zone. Nudges, escalations and reminders to you wait for them.",
            )
        ),
        ActionsBlock(elements=buttons),
    ]


def _editable(hours: WorkingHours) -> WorkingHours:
    """What the modal starts from: these hours if the modal can show them (one same-day
    window), else the usual office hours."""
    if hours.start is None or hours.end is None or hours.end <= hours.start:
        return WorkingHours.DEFAULT
    return hours


def hours_modal(shown: HoursShown) -> dict[str, Any]:
    start = _editable(shown.hours)
    options = [Option(value=str(day), label=name) for day, name in enumerate(DAY_NAMES)]
    chosen = [options[day] for day in sorted(start.days)]
    assert start.start is not None and start.end is not None
    view = View(
        type="modal",
        callback_id=Callback.HOURS_MODAL,
        title=HEADER,
        submit="Save",
        close="Cancel",
        blocks=[
            section(md("Now: ", bold(str(shown)), ".")),
            InputBlock(
                block_id=HoursBlock.DAYS,
                label="Days",
                element=CheckboxesElement(
                    action_id=Action.VALUE, options=options, initial_options=chosen or None
                ),
            ),
            InputBlock(
                block_id=HoursBlock.START,
                label="Start",
                element=TimePickerElement(
                    action_id=Action.VALUE, initial_time=f"{start.start:%H:%M}"
                ),
            ),
            InputBlock(
                block_id=HoursBlock.END,
                label="End",
                element=TimePickerElement(
                    action_id=Action.VALUE, initial_time=f"{start.end:%H:%M}"
                ),
            ),
            context(md("In your Slack time zone. Baton's messages to you wait for these hours.")),
        ],
    )
    return view.to_dict()


def _element(view: dict[str, Any], block: HoursBlock) -> dict[str, Any]:
    values = view.get("state", {}).get("values", {})
    found = values.get(block, {}).get(Action.VALUE, {})
    return found if isinstance(found, dict) else {}


def _time(view: dict[str, Any], block: HoursBlock) -> time | None:
    try:
        return time.fromisoformat(str(_element(view, block).get("selected_time") or ""))
    except ValueError:
        return None


def read_hours_form(view: dict[str, Any]) -> tuple[frozenset[int], time | None, time | None]:
    """The days ticked (Monday = 0), the start and the end, as submitted."""
    days: set[int] = set()
    for option in _element(view, HoursBlock.DAYS).get("selected_options") or []:
        value = str(option.get("value", "")) if isinstance(option, dict) else ""
        if value.isdigit() and int(value) < len(DAY_NAMES):
            days.add(int(value))
    return frozenset(days), _time(view, HoursBlock.START), _time(view, HoursBlock.END)
