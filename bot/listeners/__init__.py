"""Listeners grouped by Slack surface, each module with one `register(app, services)`."""

from __future__ import annotations

from slack_bolt import App

from bot.listeners.actions import approval, decision, guardrail, lifecycle, resolved
from bot.listeners.commands import baton, blocked, digest, guardrails, invite_first, report
from bot.listeners.commands import draft as draft_command
from bot.listeners.commands import handoff as handoff_command
from bot.listeners.commands import kpi as kpi_command
from bot.listeners.commands import publish as publish_command
from bot.listeners.events import app_home
from bot.listeners.views import draft as draft_view
from bot.listeners.views import handoff as handoff_view
from bot.listeners.views import kpi as kpi_view
from bot.listeners.views import lifecycle as lifecycle_view
from bot.listeners.views import publish as publish_view
from bot.listeners.views import request_changes as request_changes_view
from bot.listeners.views import revise as revise_view
from bot.listeners.views import settings as settings_view
from bot.services.container import Services


def register_listeners(app: App, services: Services) -> None:
    for module in (
        invite_first,  # global middleware: before any command listener
        handoff_command,
        handoff_view,
        lifecycle,
        lifecycle_view,
        blocked,
        resolved,
        app_home,
        publish_command,
        publish_view,
        kpi_command,
        kpi_view,
        decision,
        revise_view,
        approval,
        request_changes_view,
        baton,
        settings_view,
        report,
        digest,
        guardrails,
        guardrail,
        draft_command,
        draft_view,
    ):
        module.register(app, services)
