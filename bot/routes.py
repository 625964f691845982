"""Every Slack listener in one place: which command, button, form or event goes to which
handler. Handlers are module-level functions in their feature's package (parse, call one use
case, answer); Bolt hands them `services` from the request context (see bot/slack/services.py).
"""

from __future__ import annotations

from slack_bolt import App

from bot.decisions import buttons as decisions_buttons
from bot.decisions import kpi_command as decisions_kpi_command
from bot.decisions import kpi_form as decisions_kpi_form
from bot.decisions import revise_form as decisions_revise_form
from bot.drafts import command as drafts_command
from bot.drafts import form as drafts_form
from bot.graph import buttons as graph_buttons
from bot.graph import command as graph_command
from bot.guardrails import buttons as guardrails_buttons
from bot.guardrails import command as guardrails_command
from bot.handoffs import buttons as handoffs_buttons
from bot.handoffs import command as handoffs_command
from bot.handoffs import form as handoffs_form
from bot.handoffs import lifecycle_forms as handoffs_lifecycle_forms
from bot.home import event as home_event
from bot.home import hours_handlers as home_hours
from bot.ids import Action, Callback
from bot.people import picks as people_picks
from bot.publishing import approval_buttons as publishing_approval_buttons
from bot.publishing import command as publishing_command
from bot.publishing import form as publishing_form
from bot.publishing import request_changes_form as publishing_request_changes_form
from bot.reports import digest_command as reports_digest_command
from bot.reports import report_command as reports_report_command
from bot.settings import command as settings_command
from bot.settings import form as settings_form
from bot.slack.invite_first import invite_first


def register_listeners(app: App) -> None:
    # Before any command listener: a command where Baton cannot post is answered at once.
    app.middleware(invite_first)
    # handoffs
    app.command("/handoff")(handoffs_command.open_handoff_modal)
    app.view(Callback.HANDOFF_MODAL)(handoffs_form.submit_handoff)
    app.action(Action.ACKNOWLEDGE)(handoffs_buttons.press)
    app.action(Action.DONE)(handoffs_buttons.press)
    app.action(Action.REASSIGN)(handoffs_buttons.press)
    app.action(Action.SNOOZE)(handoffs_buttons.press)
    app.action(Action.TAKE_OVER)(handoffs_buttons.press)
    app.action(Action.REACH_THEM)(handoffs_buttons.press)
    app.action(Action.EDIT)(handoffs_buttons.press)
    app.action(Action.WITHDRAW)(handoffs_buttons.press)
    app.view(Callback.REASSIGN_MODAL)(handoffs_lifecycle_forms.submit_reassign)
    app.view(Callback.SNOOZE_MODAL)(handoffs_lifecycle_forms.submit_snooze)
    app.view(Callback.HANDOFF_EDIT_MODAL)(handoffs_lifecycle_forms.submit_edit)
    # graph
    app.command("/blocked")(graph_command.blocked)
    app.action(Action.RESOLVED)(graph_buttons.resolved)
    app.action(Action.BLOCKER_SNOOZE)(graph_buttons.snooze)
    # people: someone picked in any form's user select is looked up before Submit
    app.action(Action.VALUE)(people_picks.learn_picked)
    # home
    app.event("app_home_opened")(home_event.publish_home)
    app.action(Action.SET_HOURS)(home_hours.open_hours_modal)
    app.action(Action.TEAM_HOURS)(home_hours.use_team_hours)
    app.view(Callback.HOURS_MODAL)(home_hours.submit_hours)
    # publishing
    app.command("/publish")(publishing_command.open_publish_modal)
    app.view(Callback.PUBLISH_MODAL)(publishing_form.submit_publish)
    app.action(Action.APPROVE)(publishing_approval_buttons.approve)
    app.action(Action.REQUEST_CHANGES)(publishing_approval_buttons.request_changes)
    app.view(Callback.REQUEST_CHANGES_MODAL)(publishing_request_changes_form.submit_changes)
    # decisions
    app.command("/kpi")(decisions_kpi_command.kpi)
    app.view(Callback.KPI_MODAL)(decisions_kpi_form.submit_kpis)
    app.action(Action.DECIDE_REPEAT)(decisions_buttons.decide)
    app.action(Action.DECIDE_REVISE)(decisions_buttons.decide)
    app.action(Action.DECIDE_STOP)(decisions_buttons.decide)
    app.view(Callback.REVISE_MODAL)(decisions_revise_form.submit_revise)
    # settings
    app.command("/baton")(settings_command.baton)
    app.view(Callback.SETTINGS_MODAL)(settings_form.submit_settings)
    app.view(Callback.SETTINGS_CONFIRM_MODAL)(settings_form.confirm_settings)
    # reports
    app.command("/report")(reports_report_command.report)
    app.command("/digest")(reports_digest_command.digest)
    # guardrails
    app.command("/guardrails")(guardrails_command.list_guardrails)
    app.action(Action.GUARDRAIL_ENABLE)(guardrails_buttons.decide)
    app.action(Action.GUARDRAIL_DISMISS)(guardrails_buttons.decide)
    app.action(Action.GUARDRAIL_DISABLE)(guardrails_buttons.disable)
    # drafts
    app.command("/draft")(drafts_command.open_draft_modal)
    app.view(Callback.DRAFT_MODAL)(drafts_form.submit_draft)
