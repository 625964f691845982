"""Block, action and callback ids: one name per id, never a bare string in a listener."""

from __future__ import annotations

from enum import StrEnum

from bot.handoffs.contract import HandoffField
from bot.publishing.rules import PublishField


class Callback(StrEnum):
    HANDOFF_MODAL = "handoff_modal"
    HANDOFF_EDIT_MODAL = "handoff_edit_modal"
    REASSIGN_MODAL = "handoff_reassign_modal"
    SNOOZE_MODAL = "handoff_snooze_modal"
    PUBLISH_MODAL = "publish_modal"
    KPI_MODAL = "kpi_modal"
    DRAFT_MODAL = "draft_modal"
    REVISE_MODAL = "revise_modal"
    REQUEST_CHANGES_MODAL = "request_changes_modal"
    SETTINGS_MODAL = "settings_modal"
    SETTINGS_CONFIRM_MODAL = "settings_confirm_modal"  # the escalation policy read back
    HOURS_MODAL = "hours_modal"


# In an outbox message, `<baton-link|label>` becomes a link to the message named by its
# `after_key` once that one is in Slack (user text is escaped, so it never makes a `<`).
AFTER_LINK = "baton-link"


class Action(StrEnum):
    ACKNOWLEDGE = "handoff_acknowledge"
    DONE = "handoff_done"
    REASSIGN = "handoff_reassign"
    SNOOZE = "handoff_snooze"
    TAKE_OVER = "handoff_take_over"
    REACH_THEM = "handoff_reach_them"
    EDIT = "handoff_edit"
    WITHDRAW = "handoff_withdraw"
    BLOCKER_SNOOZE = "item_snooze"
    RESOLVED = "item_resolved"
    VALUE = "value"  # the single input element inside each modal block
    DECIDE_REPEAT = "decide_repeat"
    DECIDE_REVISE = "decide_revise"
    DECIDE_STOP = "decide_stop"
    GUARDRAIL_ENABLE = "guardrail_enable"
    GUARDRAIL_DISMISS = "guardrail_dismiss"
    GUARDRAIL_DISABLE = "guardrail_disable"
    APPROVE = "publish_approve"
    REQUEST_CHANGES = "publish_request_changes"
    SET_HOURS = "hours_set"
    TEAM_HOURS = "hours_team_default"


class HandoffBlock(StrEnum):
    WORK_ITEM = "work_item"
    STATUS = "status"
    DONE = "done"
    OPEN = "open"
    NOTHING_OPEN = "nothing_open"
    NEXT_OWNER = "next_owner"
    NEXT_ACTION = "next_action"
    BACKUP_OWNER = "backup_owner"
    ACT_BY = "act_by"
    CHECKLIST = "checklist"
    URGENCY = "urgency"


class LifecycleBlock(StrEnum):
    NEW_OWNER = "new_owner"
    NOTE = "note"
    NEW_ACT_BY = "new_act_by"


BLOCK_FOR_FIELD: dict[HandoffField, HandoffBlock] = {
    HandoffField.WORK_ITEM: HandoffBlock.WORK_ITEM,
    HandoffField.STATUS: HandoffBlock.STATUS,
    HandoffField.DONE: HandoffBlock.DONE,
    HandoffField.OPEN: HandoffBlock.OPEN,
    HandoffField.NOTHING_OPEN: HandoffBlock.NOTHING_OPEN,
    HandoffField.NEXT_OWNER: HandoffBlock.NEXT_OWNER,
    HandoffField.NEXT_ACTION: HandoffBlock.NEXT_ACTION,
    HandoffField.BACKUP_OWNER: HandoffBlock.BACKUP_OWNER,
    HandoffField.ACT_BY: HandoffBlock.ACT_BY,
    HandoffField.CHECKLIST: HandoffBlock.CHECKLIST,
    HandoffField.URGENCY: HandoffBlock.URGENCY,
}


class PublishBlock(StrEnum):
    NAME = "name"
    LINK = "link"
    SURFACE = "surface"
    OWNER = "owner"
    BACKUP_OWNER = "backup_owner"
    WINDOW = "window"
    RULES = "rules"
    TRACKING = "tracking"
    APPROVERS = "approvers"
    FOLLOWS = "follows"


BLOCK_FOR_PUBLISH_FIELD: dict[PublishField, PublishBlock] = {
    PublishField.NAME: PublishBlock.NAME,
    PublishField.LINK: PublishBlock.LINK,
    PublishField.SURFACE: PublishBlock.SURFACE,
    PublishField.OWNER: PublishBlock.OWNER,
    PublishField.BACKUP_OWNER: PublishBlock.BACKUP_OWNER,
    PublishField.WINDOW: PublishBlock.WINDOW,
    PublishField.RULES: PublishBlock.RULES,
    PublishField.TRACKING: PublishBlock.TRACKING,
    PublishField.APPROVERS: PublishBlock.APPROVERS,
    PublishField.FOLLOWS: PublishBlock.FOLLOWS,
}


class KpiBlock(StrEnum):
    PUBLISH = "publish"
    READINGS = "readings"
    OBSERVED_AT = "observed_at"


class ReviseBlock(StrEnum):
    PICKED = "picked"
    WRITTEN = "written"


class ChangesBlock(StrEnum):
    WHAT = "what"


class SettingsBlock(StrEnum):
    OWNERS = "owners"
    STRATEGY_CHANNEL = "strategy_channel"
    DECISION_DELAY = "decision_delay"
    ROTATION = "rotation"
    ROTATION_DAY = "rotation_day"
    ROTATION_HOUR = "rotation_hour"
    ROTATION_ZONE = "rotation_zone"
    ESCALATION_POLICY = "escalation_policy"


class HoursBlock(StrEnum):
    DAYS = "days"
    START = "start"
    END = "end"


class DraftBlock(StrEnum):
    NAME = "name"
    SURFACE = "surface"
    SUBJECT = "subject"
    COPY = "copy"
    LINK = "link"


class MetadataEvent(StrEnum):
    """Slack message metadata event types Baton writes."""

    OUTBOX = "baton_outbox"
