"""What /kpi confirms."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.views.text import escape, local_time

if TYPE_CHECKING:
    from bot.services.publishes import Logged


def logged_text(logged: Logged) -> str:
    values = ", ".join(f"{metric} = {value:g}" for metric, value in logged.readings)
    return (
        f"Logged for *{escape(logged.publish)}*: {values} "
        f"(observed {local_time(logged.observed_at)})."
    )
