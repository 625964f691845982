"""What /kpi confirms, and what it refuses."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from bot.decisions.kpis import KPI_USAGE
from bot.kernel.mrkdwn import Mrkdwn, bold, code, lines, local_time, md

if TYPE_CHECKING:
    from bot.publishing.service import Logged


def logged_text(logged: Logged) -> Mrkdwn:
    values = ", ".join(f"{metric} = {value:g}" for metric, value in logged.readings)
    return md(
        "Logged for ",
        bold(logged.publish),
        f": {values} (observed ",
        local_time(logged.observed_at),
        ").",
    )


def refused_text(problems: Sequence[str]) -> Mrkdwn:
    return lines(["Nothing was logged:", *(md("• ", p) for p in problems), KPI_USAGE])


def no_publish_text(name: str) -> Mrkdwn:
    return md(
        "No publish called “",
        name,
        "” in this channel. Record it with ",
        code("/publish"),
        " first.",
    )


def usage_text() -> Mrkdwn:
    return md(KPI_USAGE)
