"""Everything a listener may need, built once per process."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler

from bot.clock import Clock
from bot.config import Settings
from bot.delivery.deliverer import Deliverer
from bot.services.graph import GraphService
from bot.services.handoffs import EscalationPolicy, HandoffService
from bot.services.people import People
from bot.services.publishing import PublishService
from store.db import Database

log = logging.getLogger("baton.services")


@dataclass
class Services:
    settings: Settings
    db: Database
    clock: Clock
    client: WebClient
    people: People
    handoffs: HandoffService
    graph: GraphService
    publishing: PublishService
    deliverer: Deliverer

    def tick(self) -> int:
        """One sweeper tick: turn state into due messages (blocker escalations, decision
        prompts, reminders, the digest), then deliver."""
        for name, plan in (
            ("blocker escalations", self.graph.enqueue_blocker_escalations),
            ("decision prompts", self.publishing.plan),
        ):
            try:
                plan(self.people.tz_of)
            except Exception:  # planning must never stop delivery of what is already due
                log.exception("planning %s failed; the next tick retries", name)
        return self.deliverer.sweep()

    def close(self) -> None:
        self.deliverer.close()
        self.db.dispose()


def web_client(settings: Settings) -> WebClient:
    """A Web API client that waits out 429s as Slack asks (Retry-After)."""
    client = WebClient(token=settings.slack_bot_token, base_url=settings.slack_api_url, timeout=10)
    client.retry_handlers.append(RateLimitErrorRetryHandler(max_retry_count=2))
    return client


def build_services(
    settings: Settings, clock: Clock, *, db: Database | None = None, client: WebClient | None = None
) -> Services:
    db = db or Database(settings.database_url)
    client = client or web_client(settings)
    policy = EscalationPolicy(
        escalate_after=settings.escalate_after, working_hours=settings.working_hours
    )
    return Services(
        settings=settings,
        db=db,
        clock=clock,
        client=client,
        people=People(db, client, clock),
        handoffs=HandoffService(db, clock, policy),
        graph=GraphService(
            db, clock, escalate_after=settings.escalate_after, hours=settings.working_hours
        ),
        publishing=PublishService(
            db,
            clock,
            decision_delay=settings.decision_delay,
            hours=settings.working_hours,
            digest_at=settings.digest_at,
            strategy_channel=settings.strategy_channel,
        ),
        deliverer=Deliverer(db, client, clock, lease=settings.delivery_lease),
    )
