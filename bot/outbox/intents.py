"""Every message Baton sends, as a typed intent: a `Kind`, a validated payload (who, about
what, which revision) and the idempotency key derived from them here, in `key_of` only.

The key strings are the ones earlier versions wrote as f-strings, byte for byte: rows already
in the outbox, and the keys in Slack's message metadata that crash recovery looks up, still
match. Nothing reads a key back: what a row is comes from its `kind` and `payload` columns.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict


class Kind(StrEnum):
    HANDOFF_POST = "handoff_post"
    HANDOFF_DM = "handoff_dm"
    HANDOFF_NUDGE = "handoff_nudge"
    ESCALATION_DM = "escalation_dm"
    ESCALATION_THREAD = "escalation_thread"
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
        Plain,
    )
}


def _revised(base: str, revision: int) -> str:
    """The first schedule keeps the original key; a later one adds its revision."""
    return base if revision == 0 else f"{base}:r{revision}"


# What a handoff message's key calls it: `handoff:<id>:<segment>[:r<revision>]`.
_SEGMENT = {
    Kind.HANDOFF_POST: "post",
    Kind.HANDOFF_DM: "dm",
    Kind.HANDOFF_NUDGE: "nudge",
    Kind.ESCALATION_DM: "escalate-dm",
    Kind.ESCALATION_THREAD: "escalate-thread",
}


def _handoff_key(p: Payload) -> str:
    match p:
        case HandoffPost(handoff_id=h):
            return f"handoff:{h}:post"
        case HandoffDm(handoff_id=h, revision=r) | HandoffNudge(handoff_id=h, revision=r):
            return _revised(f"handoff:{h}:{_SEGMENT[p.kind]}", r)
        case EscalationDm(handoff_id=h, revision=r) | EscalationThread(handoff_id=h, revision=r):
            return _revised(f"handoff:{h}:{_SEGMENT[p.kind]}", r)
        case HandoffNotice(handoff_id=h, revision=r, to=to):
            return f"handoff:{h}:notice:r{r}:{to}"
        case HandoffUpdate(handoff_id=h, edits=edits, edits_revision=er, revision=r):
            return f"{_revised(f'handoff:{h}:{_SEGMENT[edits]}', er)}:u{r}"
    raise TypeError(p)


def _publish_key(p: Payload) -> str:
    match p:
        case PublishPost(publish_id=i):
            return f"publish:{i}:post"
        case PublishPostUpdate(publish_id=i, revision=r):
            return f"publish:{i}:post:{r}"
        case DecisionPrompt(publish_id=i):
            return f"publish:{i}:prompt"
        case DecisionUpdate(publish_id=i, number=n):
            return f"publish:{i}:decision:{n}"
        case DecisionReminder(publish_id=i, to_backup=backup):
            return f"publish:{i}:remind:{'backup' if backup else 'owner'}"
        case MissingKpis(publish_id=i):
            return f"publish:{i}:missing-kpis"
        case ApprovalRequest(publish_id=i, approver=a):
            return f"publish:{i}:approval:{a}"
        case ApprovalUpdate(publish_id=i, approver=a, revision=r):
            return f"publish:{i}:approval:{a}:{r}"
        case ChangesRequested(publish_id=i, by=by, revision=r):
            return f"publish:{i}:changes:{by}:{r}"
        case ApprovalChase(publish_id=i, approver=a):
            return f"publish:{i}:approval-chase:{a}"
        case ApprovalChaseOwner(publish_id=i):
            return f"publish:{i}:approval-chase-owner"
    raise TypeError(p)


def blocker_prefix(item_id: int) -> str:
    """What every blocker message about one item's key starts with (cancelled together)."""
    return f"blocker:{item_id}:"


def _numbered(base: str, number: int) -> str:
    return base if number == 1 else f"{base}:{number}"


def _other_key(p: Payload) -> str:
    match p:
        case BlockerDm(item_id=i, to=to, day=day):
            return f"{blocker_prefix(i)}{to}:{day.isoformat()}"
        case BlockerLastWord(item_id=i):
            return f"{blocker_prefix(i)}last-word"
        case UnblockedDm(item_id=i, waiting_id=w):
            return f"item:{i}:done:notify:{w}"
        case Digest(target=t, week_ending=at):
            return f"digest:{t}:{at:%Y-%m-%dT%H:%M}"
        case DigestChart(target=t, week_ending=at, chart=name):
            return f"digest:{t}:{at:%Y-%m-%dT%H:%M}:chart:{name}"
        case Chart(to=to, request=request):
            return f"chart:{to}:{request}"
        case DraftPost(draft_id=i):
            return f"draft:{i}:post"
        case GuardrailProposal(channel_id=c, class_id=k, proposals=n):
            return _numbered(f"guardrail:{c}:{k}:proposal", n)
        case GuardrailDecision(channel_id=c, class_id=k, proposals=n):
            return _numbered(f"guardrail:{c}:{k}:decision", n)
        case FailureNotice(of=of):
            return f"{of}:failed"
        case Plain(key=key):
            return key
    raise TypeError(p)


_HANDOFF_KINDS = frozenset(k for k in Kind if k.startswith(("handoff_", "escalation_")))
_PUBLISH_KINDS = frozenset(
    k for k in Kind if k.startswith(("publish_", "decision_", "approval_", "changes_", "missing_"))
)


def key_of(payload: Payload) -> str:
    """The idempotency key of this message: the one place keys are made."""
    if payload.kind in _HANDOFF_KINDS:
        return _handoff_key(payload)
    if payload.kind in _PUBLISH_KINDS:
        return _publish_key(payload)
    return _other_key(payload)


def parse(kind: str, data: dict[str, Any]) -> Payload:
    """A row's payload, validated against its kind's model."""
    return PAYLOADS[Kind(kind)].model_validate(data)
