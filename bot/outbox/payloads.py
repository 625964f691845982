"""Every message Baton sends, by kind, and what each carries: one frozen pydantic model per
kind (who, about what, which revision). Keys are derived from these in `intents.key_of`."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import ClassVar

from pydantic import BaseModel, ConfigDict


class Kind(StrEnum):
    HANDOFF_POST = "handoff_post"
    HANDOFF_DM = "handoff_dm"
    HANDOFF_NUDGE = "handoff_nudge"
    ESCALATION_DM = "escalation_dm"
    ESCALATION_THREAD = "escalation_thread"
    ESCALATION_STEP = "escalation_step"  # one step of a handoff's escalation policy
    HANDOFF_NOTICE = "handoff_notice"
    HANDOFF_UPDATE = "handoff_update"  # chat.update of a handoff message already sent
    PUBLISH_POST = "publish_post"
    PUBLISH_POST_UPDATE = "publish_post_update"
    DECISION_PROMPT = "decision_prompt"
    DECISION_UPDATE = "decision_update"
    DECISION_REMINDER = "decision_reminder"
    MISSING_KPIS = "missing_kpis"
    APPROVAL_REQUEST = "approval_request"
    APPROVAL_UPDATE = "approval_update"
    CHANGES_REQUESTED = "changes_requested"
    APPROVAL_CHASE = "approval_chase"
    APPROVAL_CHASE_OWNER = "approval_chase_owner"
    BLOCKER_DM = "blocker_dm"
    BLOCKER_LAST_WORD = "blocker_last_word"
    UNBLOCKED_DM = "unblocked_dm"
    DIGEST = "digest"
    DIGEST_CHART = "digest_chart"
    CHART = "chart"
    DRAFT_POST = "draft_post"
    GUARDRAIL_PROPOSAL = "guardrail_proposal"
    GUARDRAIL_DECISION = "guardrail_decision"
    FAILURE_NOTICE = "failure_notice"
    ROTATION_PASSED_OVER = "rotation_passed_over"
    POLICY_PERSON_LEFT = "policy_person_left"
    PLAIN = "plain"  # a message written with a key of its own (tests, benchmarks, old rows)


class Payload(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    kind: ClassVar[Kind]


# -- handoffs -------------------------------------------------------------------------------


class HandoffPost(Payload):
    kind = Kind.HANDOFF_POST
    handoff_id: int


class HandoffDm(Payload):
    """The next owner's DM; a reassignment or takeover sends a new one at its revision."""

    kind = Kind.HANDOFF_DM
    handoff_id: int
    revision: int = 0
    to: str  # the next owner it was written for


class HandoffNudge(Payload):
    """The next owner's reminder at act-by; each reschedule (revision) has its own."""

    kind = Kind.HANDOFF_NUDGE
    handoff_id: int
    revision: int = 0
    to: str


class EscalationDm(Payload):
    kind = Kind.ESCALATION_DM
    handoff_id: int
    revision: int = 0
    to: str  # who is asked to step in
    planned_at: datetime  # when it was planned to go: "late by" is counted to this


class EscalationThread(Payload):
    kind = Kind.ESCALATION_THREAD
    handoff_id: int
    revision: int = 0
    asked: str
    planned_at: datetime
    # Whose act-by passed, and when: the miss it reports, as it was (None: an older row).
    owner: str | None = None
    act_by: datetime | None = None


class EscalationStep(Payload):
    """One step of a handoff's frozen escalation policy, to one recipient: a DM (`to` a
    person) or a reply in the handoff's thread (`to` its channel). A step whose target could
    not be asked is told in the thread instead (`passed`), and the chain goes on at once."""

    kind = Kind.ESCALATION_STEP
    handoff_id: int
    run: int = 0  # a new next owner starts the chain again: a new run
    round: int = 0
    step: int
    to: str
    due: datetime  # when the step was due: "late by" is counted to it
    target: str  # the step's TargetKind (bot/policies/policy.py)
    handle: str | None = None  # a user group as the policy names it
    asked: tuple[str, ...] = ()  # a thread step: who the chain asked before it
    passed: str | None = None  # why the step passed on (plain text), e.g. "is out of office"
    passed_who: str | None = None  # whom that is about, when one person


class HandoffNotice(Payload):
    kind = Kind.HANDOFF_NOTICE
    handoff_id: int
    revision: int
    to: str


class HandoffUpdate(Payload):
    """A chat.update of the handoff message `edits` (its kind and revision) at `revision`."""

    kind = Kind.HANDOFF_UPDATE
    handoff_id: int
    edits: Kind
    edits_revision: int = 0
    revision: int
    to: str  # whom the edited message went to (a person, or the channel)
    planned_at: datetime | None = None  # an escalation DM's: "late by" is counted to it
    # An escalation step's key (its kind has no key segment: each step to each person is one)
    edits_key: str | None = None


# -- publishes, decisions, approvals ----------------------------------------------------------


class PublishPost(Payload):
    kind = Kind.PUBLISH_POST
    publish_id: int


class PublishPostUpdate(Payload):
    kind = Kind.PUBLISH_POST_UPDATE
    publish_id: int
    revision: int


class DecisionPrompt(Payload):
    kind = Kind.DECISION_PROMPT
    publish_id: int


class DecisionUpdate(Payload):
    kind = Kind.DECISION_UPDATE
    publish_id: int
    number: int  # the how-manieth decision on this prompt


class DecisionReminder(Payload):
    kind = Kind.DECISION_REMINDER
    publish_id: int
    to_backup: bool


class MissingKpis(Payload):
    kind = Kind.MISSING_KPIS
    publish_id: int


class ApprovalRequest(Payload):
    kind = Kind.APPROVAL_REQUEST
    publish_id: int
    approver: str


class ApprovalUpdate(Payload):
    kind = Kind.APPROVAL_UPDATE
    publish_id: int
    approver: str
    revision: int


class ChangesRequested(Payload):
    kind = Kind.CHANGES_REQUESTED
    publish_id: int
    by: str
    revision: int


class ApprovalChase(Payload):
    kind = Kind.APPROVAL_CHASE
    publish_id: int
    approver: str


class ApprovalChaseOwner(Payload):
    kind = Kind.APPROVAL_CHASE_OWNER
    publish_id: int


# -- the dependency graph -------------------------------------------------------------------


class BlockerDm(Payload):
    """A blocking item's owner (or whoever is asked), at most once per their working day."""

    kind = Kind.BLOCKER_DM
    item_id: int
    to: str
    day: date


class BlockerLastWord(Payload):
    kind = Kind.BLOCKER_LAST_WORD
    item_id: int


class UnblockedDm(Payload):
    kind = Kind.UNBLOCKED_DM
    item_id: int  # the item marked done
    waiting_id: int  # the item that waited on it


# -- reports, drafts, guardrails, failures --------------------------------------------------


class Digest(Payload):
    kind = Kind.DIGEST
    target: str
    week_ending: datetime  # the digest's occurrence, to the minute


class DigestChart(Payload):
    kind = Kind.DIGEST_CHART
    target: str
    week_ending: datetime
    chart: str


class Chart(Payload):
    kind = Kind.CHART
    to: str
    request: str  # what asked for it (a command's trigger id)


class DraftPost(Payload):
    kind = Kind.DRAFT_POST
    draft_id: int


class GuardrailProposal(Payload):
    kind = Kind.GUARDRAIL_PROPOSAL
    channel_id: str
    class_id: str
    proposals: int = 1  # the how-manieth proposal of this class in this channel


class GuardrailDecision(Payload):
    kind = Kind.GUARDRAIL_DECISION
    channel_id: str
    class_id: str
    proposals: int = 1


class FailureNotice(Payload):
    """Told to `notify_on_failure` once, when the message `of` can never be delivered."""

    kind = Kind.FAILURE_NOTICE
    of: str  # that message's key


class RotationPassedOver(Payload):
    """Told once to each of a channel's owners: `person` can no longer take a turn on its
    backup rotation, so their turns pass to the next person."""

    kind = Kind.ROTATION_PASSED_OVER
    channel_id: str
    person: str
    to: str


class PolicyPersonLeft(Payload):
    """Told once to each of a channel's owners: `person`, named in its escalation policy, is
    no longer in the workspace, so the steps that ask them pass on."""

    kind = Kind.POLICY_PERSON_LEFT
    channel_id: str
    person: str
    to: str


class Plain(Payload):
    kind = Kind.PLAIN
    key: str


PAYLOADS: dict[Kind, type[Payload]] = {
    model.kind: model
    for model in (
        HandoffPost,
        HandoffDm,
        HandoffNudge,
        EscalationDm,
        EscalationThread,
        EscalationStep,
        HandoffNotice,
        HandoffUpdate,
        PublishPost,
        PublishPostUpdate,
        DecisionPrompt,
        DecisionUpdate,
        DecisionReminder,
        MissingKpis,
        ApprovalRequest,
        ApprovalUpdate,
        ChangesRequested,
        ApprovalChase,
        ApprovalChaseOwner,
        BlockerDm,
        BlockerLastWord,
        UnblockedDm,
        Digest,
        DigestChart,
        Chart,
        DraftPost,
        GuardrailProposal,
        GuardrailDecision,
        FailureNotice,
        RotationPassedOver,
        PolicyPersonLeft,
        Plain,
    )
}
