"""Baton's Prometheus metrics, one registry per process (per `Services` in tests).

Counters are bumped where things happen (a request answered, a message marked sent, a Web API
call returned, a failure stored); the outbox gauges are read at scrape time with one grouped
query over `ix_outbox_status_due_at`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from prometheus_client import (
    CollectorRegistry,
    Counter,
    GCCollector,
    Histogram,
    PlatformCollector,
    ProcessCollector,
    disable_created_metrics,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import func
from sqlmodel import col, select

from bot.clock import Clock
from bot.guardrails.failures import FailureClass
from bot.outbox.intents import Kind
from store.db import Database
from store.models import OutboxMessage, OutboxStatus
from store.types import as_utc

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
SURFACES = ("command", "view", "action", "event", "options", "shortcut", "other")
ACK_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0)
DELAY_BUCKETS = (0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 900, 3600)
UNSENT = (OutboxStatus.PENDING, OutboxStatus.SENDING)
KNOWN_FAILURE_CLASSES = frozenset(c.value for c in FailureClass)

# No `<counter>_created` series: a second timestamp per series that nobody graphs, doubling
# the scrape; process start time is in process_start_time_seconds.
disable_created_metrics()  # type: ignore[no-untyped-call]


# The `kind` label of baton_messages_sent_total: a bounded set, coarser than Kind (an edit
# of a publish post counts as a publish post, an escalation's DM and thread reply as one).
LABELS: dict[Kind, str] = {
    Kind.HANDOFF_POST: "handoff_post",
    Kind.HANDOFF_DM: "handoff_dm",
    Kind.HANDOFF_NUDGE: "nudge",
    Kind.ESCALATION_DM: "escalation",
    Kind.ESCALATION_THREAD: "escalation",
    Kind.ESCALATION_STEP: "escalation",
    Kind.HANDOFF_NOTICE: "handoff_notice",
    Kind.HANDOFF_UPDATE: "handoff_update",
    Kind.PUBLISH_POST: "publish_post",
    Kind.PUBLISH_POST_UPDATE: "publish_post",
    Kind.DECISION_PROMPT: "decision_prompt",
    Kind.DECISION_UPDATE: "decision_update",
    Kind.DECISION_REMINDER: "decision_reminder",
    Kind.MISSING_KPIS: "missing_kpis",
    Kind.APPROVAL_REQUEST: "approval_request",
    Kind.APPROVAL_UPDATE: "approval_request",
    Kind.CHANGES_REQUESTED: "changes_requested",
    Kind.APPROVAL_CHASE: "approval_chase",
    Kind.APPROVAL_CHASE_OWNER: "approval_chase",
    Kind.BLOCKER_DM: "blocker_dm",
    Kind.BLOCKER_LAST_WORD: "blocker_last_word",
    Kind.UNBLOCKED_DM: "unblocked_dm",
    Kind.DIGEST: "digest",
    Kind.DIGEST_CHART: "chart",
    Kind.CHART: "chart",
    Kind.DRAFT_POST: "draft",
    Kind.GUARDRAIL_PROPOSAL: "guardrail",
    Kind.GUARDRAIL_DECISION: "guardrail",
    Kind.FAILURE_NOTICE: "failure_notice",
    Kind.ROTATION_PASSED_OVER: "rotation",
    Kind.POLICY_PERSON_LEFT: "policy",
    Kind.PLAIN: "other",
}


def message_kind(kind: str) -> str:
    """The metric label of an outbox row's `kind` column."""
    try:
        return LABELS[Kind(kind)]
    except ValueError:
        return "other"


@dataclass(frozen=True)
class OutboxSnapshot:
    """The outbox by status, and the due time of the oldest message not yet sent."""

    counts: dict[str, int]
    oldest_unsent_due: datetime | None

    def lag(self, now: datetime) -> float:
        """Seconds the oldest due-but-unsent message has waited (0 when none is due)."""
        if self.oldest_unsent_due is None:
            return 0.0
        return max(0.0, (now - self.oldest_unsent_due).total_seconds())


def outbox_snapshot(db: Database) -> OutboxSnapshot:
    """One grouped query; each group's min(due_at) comes from the (status, due_at) index."""
    statement = select(
        col(OutboxMessage.status), func.count(), func.min(col(OutboxMessage.due_at))
    ).group_by(col(OutboxMessage.status))
    counts = {status.value: 0 for status in OutboxStatus}
    oldest: datetime | None = None
    with db.read() as session:
        for status, count, first_due in session.exec(statement):
            counts[str(status)] = int(count)
            if status in UNSENT and first_due is not None:
                due = as_utc(first_due) if isinstance(first_due, datetime) else _parse(first_due)
                oldest = due if oldest is None else min(oldest, due)
    return OutboxSnapshot(counts, oldest)


def _parse(value: object) -> datetime:
    # SQLite hands an aggregate back as stored text, without the column's type processing.
    return as_utc(datetime.fromisoformat(str(value)))


class OutboxCollector(Collector):
    """`baton_outbox_messages{status}` and the oldest unsent message's lag, read per scrape,
    and `baton_database_up`: while the database does not answer, the scrape still succeeds
    and says so (the outbox gauges are left out: unknown, not zero)."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    def collect(self) -> Iterator[GaugeMetricFamily]:
        try:
            snapshot = outbox_snapshot(self.db)
        except Exception:  # an outage to show, not a failed scrape; /healthz names the error
            snapshot = None
        yield GaugeMetricFamily(
            "baton_database_up",
            "1 when the database answered this scrape's query, 0 when it did not.",
            value=0 if snapshot is None else 1,
        )
        if snapshot is None:
            return
        by_status = GaugeMetricFamily(
            "baton_outbox_messages", "Outbox rows by status.", labels=["status"]
        )
        for status, count in sorted(snapshot.counts.items()):
            by_status.add_metric([status], count)
        yield by_status
        yield GaugeMetricFamily(
            "baton_outbox_oldest_unsent_seconds",
            "How long the oldest due message not yet sent has waited.",
            value=snapshot.lag(self.clock.now()),
        )


class Metrics:
    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry()
        self.requests = Counter(
            "baton_requests",
            "Requests from Slack (and POST /kpi) by surface and outcome.",
            ["surface", "outcome"],
            registry=self.registry,
        )
        self.ack_seconds = Histogram(
            "baton_ack_seconds",
            "From a Slack request arriving to Baton's answer (the ack), by surface.",
            ["surface"],
            buckets=ACK_BUCKETS,
            registry=self.registry,
        )
        self.due_to_sent = Histogram(
            "baton_delivery_delay_seconds",
            "From a message's due time to Slack accepting it.",
            buckets=DELAY_BUCKETS,
            registry=self.registry,
        )
        self.sent = Counter(
            "baton_messages_sent",
            "Outbox messages Slack accepted, by kind (nudge, escalation, blocker_dm, ...).",
            ["kind"],
            registry=self.registry,
        )
        self.slack_calls = Counter(
            "baton_slack_api_calls",
            "Slack Web API calls by method, whatever the outcome (each 429 counts).",
            ["method"],
            registry=self.registry,
        )
        self.slack_errors = Counter(
            "baton_slack_api_errors",
            "Slack Web API calls that failed, by method and error (Slack's error code, "
            "ratelimited, http_<status>, connection_error).",
            ["method", "error"],
            registry=self.registry,
        )
        self.failures = Counter(
            "baton_failures_recorded",
            "Failure occurrences recorded, by class (teams' own classes count as custom).",
            ["failure_class"],
            registry=self.registry,
        )
        for surface in SURFACES[:4]:
            self.ack_seconds.labels(surface)  # present (as zero) before the first request
        # The standard process_* (CPU, memory, open files) and python_* (GC, version) metrics.
        ProcessCollector(registry=self.registry)
        PlatformCollector(registry=self.registry)
        GCCollector(registry=self.registry)

    def watch_outbox(self, db: Database, clock: Clock) -> None:
        self.registry.register(OutboxCollector(db, clock))

    # -- what happened -------------------------------------------------------------------

    def request(self, surface: str, outcome: str, seconds: float) -> None:
        self.requests.labels(surface, outcome).inc()
        if surface in SURFACES:
            self.ack_seconds.labels(surface).observe(seconds)

    def message_sent(self, kind: str, due_at: datetime, now: datetime) -> None:
        self.sent.labels(message_kind(kind)).inc()
        self.due_to_sent.observe(max(0.0, (now - as_utc(due_at)).total_seconds()))

    def slack_call(self, method: str, error: str | None = None) -> None:
        """One Web API call; `error` when it failed."""
        self.slack_calls.labels(method).inc()
        if error is not None:
            self.slack_errors.labels(method, error).inc()

    def failure_recorded(self, class_id: str) -> None:
        self.failures.labels(class_id if class_id in KNOWN_FAILURE_CLASSES else "custom").inc()

    def exposition(self) -> bytes:
        return generate_latest(self.registry)
