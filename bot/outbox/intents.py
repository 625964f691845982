"""Every message Baton sends, as a typed intent: a `Kind`, a validated payload (who, about
what, which revision) and the idempotency key derived from them here, in `key_of` only.

The key strings are the ones earlier versions wrote as f-strings, byte for byte: rows already
in the outbox, and the keys in Slack's message metadata that crash recovery looks up, still
match. Nothing reads a key back: what a row is comes from its `kind` and `payload` columns.
"""

from __future__ import annotations

from typing import Any

from bot.outbox.payloads import (
    PAYLOADS,
    ApprovalChase,
    ApprovalChaseOwner,
    ApprovalRequest,
    ApprovalUpdate,
    BlockerDm,
    BlockerLastWord,
    ChangesRequested,
    Chart,
    DecisionPrompt,
    DecisionReminder,
    DecisionUpdate,
    Digest,
    DigestChart,
    DraftPost,
    EscalationDm,
    EscalationStep,
    EscalationThread,
    FailureNotice,
    GuardrailDecision,
    GuardrailProposal,
    HandoffDm,
    HandoffNotice,
    HandoffNudge,
    HandoffPost,
    HandoffUpdate,
    Kind,
    MissingKpis,
    Payload,
    Plain,
    PolicyPersonLeft,
    PublishPost,
    PublishPostUpdate,
    RotationPassedOver,
    UnblockedDm,
)

__all__ = [
    "PAYLOADS",
    "ApprovalChase",
    "ApprovalChaseOwner",
    "ApprovalRequest",
    "ApprovalUpdate",
    "BlockerDm",
    "BlockerLastWord",
    "ChangesRequested",
    "Chart",
    "DecisionPrompt",
    "DecisionReminder",
    "DecisionUpdate",
    "Digest",
    "DigestChart",
    "DraftPost",
    "EscalationDm",
    "EscalationStep",
    "EscalationThread",
    "FailureNotice",
    "GuardrailDecision",
    "GuardrailProposal",
    "HandoffDm",
    "HandoffNotice",
    "HandoffNudge",
    "HandoffPost",
    "HandoffUpdate",
    "Kind",
    "MissingKpis",
    "Payload",
    "Plain",
    "PolicyPersonLeft",
    "PublishPost",
    "PublishPostUpdate",
    "RotationPassedOver",
    "UnblockedDm",
    "blocker_prefix",
    "key_of",
    "parse",
]


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
        case EscalationStep(handoff_id=h, run=run, round=r, step=s, to=to):
            return f"handoff:{h}:step:{run}.{r}.{s}:{to}"
        case HandoffNotice(handoff_id=h, revision=r, to=to):
            return f"handoff:{h}:notice:r{r}:{to}"
        case HandoffUpdate(edits_key=str(edited), revision=r):
            return f"{edited}:u{r}"
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
        case RotationPassedOver(channel_id=c, person=person, to=to):
            return f"rotation:{c}:{person}:passed-over:{to}"
        case PolicyPersonLeft(channel_id=c, person=person, to=to):
            return f"policy:{c}:{person}:left:{to}"
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
