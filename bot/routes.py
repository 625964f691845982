"""Listeners grouped by Slack surface, each module with one `register(app, services)`."""

from __future__ import annotations

from slack_bolt import App

from bot.container import Services
from bot.decisions import buttons as decision
from bot.decisions import kpi_command
from bot.decisions import kpi_form as kpi_view
from bot.decisions import revise_form as revise_view
from bot.drafts import command as draft_command
from bot.drafts import form as draft_view
from bot.graph import buttons as resolved
from bot.graph import command as blocked
from bot.guardrails import buttons as guardrail
from bot.guardrails import command as guardrails
from bot.handoffs import buttons as lifecycle
from bot.handoffs import command as handoff_command
from bot.handoffs import form as handoff_view
from bot.handoffs import lifecycle_forms as lifecycle_view
from bot.home import event as app_home
from bot.publishing import approval_buttons as approval
from bot.publishing import command as publish_command
from bot.publishing import form as publish_view
from bot.publishing import request_changes_form as request_changes_view
from bot.reports import digest_command as digest
from bot.reports import report_command as report
from bot.settings import command as baton
from bot.settings import form as settings_view
from bot.slack import invite_first


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
