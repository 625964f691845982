"""Everything a listener may need, built once per process."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from ssl import SSLContext

from slack_sdk import WebClient

from bot.after_ack import AfterAck, Foreground
from bot.clock import Clock
from bot.config import Settings
from bot.decisions import render as decisions_render
from bot.decisions.service import DecisionService
from bot.delivery.deliverer import Deliverer
from bot.drafts.service import DraftService
from bot.drafts.surfaces import load_surfaces
from bot.graph import render as graph_render
from bot.graph.service import GraphService
from bot.guardrails.service import GuardrailService
from bot.handoffs import render as handoff_render
from bot.handoffs.outbox import EscalationPolicy
from bot.handoffs.service import HandoffService
from bot.home.hours_service import OwnHoursService
from bot.home.service import HomeService
from bot.observability.faults import FaultLog
from bot.observability.metrics import Metrics
from bot.observability.slack_client import CountingRateLimitRetryHandler, InstrumentedWebClient
from bot.outbox.rendering import Renderers
from bot.people.group_members import group_members
from bot.people.groups import UserGroups
from bot.people.service import People
from bot.policies import render as policy_render
from bot.policies.asking import LEFT_SLACK, Away, OnTurn
from bot.policies.running import Chains
from bot.publishing import render as publishing_render
from bot.publishing.approvals import ApprovalService
from bot.publishing.service import PublishService
from bot.reports.chart_service import ChartService
from bot.reports.digests import DigestService
from bot.reports.service import ReportService
from bot.rotations.service import Rotations
from bot.settings.service import ChannelSettingsService
from bot.web_api import KeptAliveWebClient
from store import outbox
from store.db import Database

log = logging.getLogger("baton.services")


@dataclass
class Services:
    settings: Settings
    db: Database
    clock: Clock
    client: WebClient
    people: People
    groups: UserGroups  # user groups by handle (escalation policies)
    handoffs: HandoffService
    graph: GraphService
    publishes: PublishService
    decisions: DecisionService
    approvals: ApprovalService
    channel_settings: ChannelSettingsService
    reports: ReportService
    charts: ChartService
    digests: DigestService
    guardrails: GuardrailService
    drafts: DraftService
    home: HomeService
    own_hours: OwnHoursService
    deliverer: Deliverer
    after_ack: AfterAck
    rotations: Rotations
    metrics: Metrics = field(default_factory=Metrics)
    _planning_fault: FaultLog = field(init=False)
    _stop_sending: Callable[[], None] = field(init=False)

    def __post_init__(self) -> None:
        # A database outage fails every tick: said once, then once a minute, then cleared.
        self._planning_fault = FaultLog(log, "planning", now=self.clock.now)
        # Every commit that wrote messages due now sends them (in the deliverer's pool, never
        # on the committing thread): no handler asks for it. Other processes hear of them by
        # NOTIFY (PostgreSQL), or at their next sweep.
        self._stop_sending = outbox.on_committed(self._send_committed)

    def _send_committed(self, bind: object, keys: list[str]) -> None:
        if getattr(bind, "pool", None) is self.db.engine.pool:  # this database's rows
            self.deliverer.deliver_keys(keys)

    def tick(self) -> int:
        """Plan, then deliver what is due (one pass): what a sweeper does, in one call. The
        planners' commits send their rows already; the pass waits for those sends, so that it
        finds every conversation free and nothing due is left for a later pass."""
        self.plan()
        self.deliverer.wait_idle()
        return self.deliverer.sweep()

    def plan(self) -> None:
        """Turn state into due messages (blocker escalations, decision prompts, reminders,
        the digest); the sweeper delivers them."""
        tz_of = self.people.tz_of
        plans: tuple[tuple[str, Callable[[], object]], ...] = (
            ("accepted handoffs", self._create_unfinished_handoffs),
            ("blocker escalations", lambda: self.graph.enqueue_blocker_escalations(tz_of)),
            ("decision prompts", lambda: self.decisions.plan(tz_of)),
            ("digests", self.digests.plan),
            ("approval chases", lambda: self.approvals.plan(tz_of)),
            ("missed act-bys", self.guardrails.plan),
            ("escalation steps", self.handoffs.chains.plan),
        )
        failed: list[tuple[str, Exception]] = []
        for name, plan in plans:
            try:
                plan()
            except Exception as error:  # planning must never stop delivery of what is due
                failed.append((name, error))
        if failed:
            self._planning_fault.failed(failed[0][1], detail=", ".join(n for n, _ in failed))
        else:
            self._planning_fault.cleared()

    def _create_unfinished_handoffs(self) -> None:
        """Handoffs accepted before a crash that came before they were made."""
        self.handoffs.create_unfinished()

    def settle(self, timeout: float = 10.0) -> bool:
        """Wait until the work owed after acks and the deliveries it started are done (tests,
        the demo, shutdown); True when everything finished in time."""
        deadline = time.monotonic() + timeout

        def left() -> float:
            return max(deadline - time.monotonic(), 0.0)

        while left() > 0:
            # After-ack work may start deliveries; settled once neither has anything left.
            if (
                self.after_ack.wait_idle(left())
                and self.deliverer.wait_idle(left())
                and self.after_ack.wait_idle(0)
            ):
                return True
        return False

    def close(self) -> None:
        self._stop_sending()
        self.after_ack.close()
        self.deliverer.close()
        for client in (self.client, self.deliverer.client):
            if isinstance(client, KeptAliveWebClient):
                client.close()  # its idle connections to Slack
        self.db.dispose()


def web_client(settings: Settings, metrics: Metrics, *, ssl: SSLContext | None = None) -> WebClient:
    """A Web API client that waits out 429s as Slack asks (Retry-After), every call counted,
    over kept-alive connections (`ssl`: whom to trust, when not the system's authorities)."""
    client = InstrumentedWebClient(
        metrics,
        token=settings.slack_bot_token,
        base_url=settings.slack_api_url,
        timeout=10,
        ssl=ssl,
    )
    client.retry_handlers.append(CountingRateLimitRetryHandler(metrics, max_retry_count=2))
    return client


def delivery_client(client: WebClient, metrics: Metrics) -> WebClient:
    """The same Web API, without waiting out 429s inside the call: the deliverer does that
    itself, through its per-channel pacer, so a retry never jumps the channel's queue. Its own
    connections, so a handler's call never queues behind the deliverer's posts."""
    return InstrumentedWebClient(
        metrics,
        token=client.token,
        base_url=client.base_url,
        timeout=client.timeout,
        ssl=client.ssl,
        proxy=client.proxy,
    )


def renderers() -> Renderers:
    """Every kind of message rendered when it is sent, by the feature it belongs to."""
    found = Renderers()
    for feature in (
        handoff_render,
        policy_render,
        graph_render,
        decisions_render,
        publishing_render,
    ):
        feature.register(found)
    return found


def build_services(
    settings: Settings,
    clock: Clock,
    *,
    db: Database | None = None,
    client: WebClient | None = None,
    away: Away | None = None,
    on_turn: OnTurn | None = None,
) -> Services:
    """`away` (who is out, and why) and `on_turn` (whose turn it is on a channel's rotation)
    are asked when an escalation step fires: by default what Slack says (users.profile.get,
    dnd.info) and the channel's backup rotation."""
    db = db or Database(settings.database_url)
    metrics = Metrics()
    metrics.watch_outbox(db, clock)
    # The requests in flight, which deliveries and background work let go first.
    foreground = Foreground()
    client = client or web_client(settings, metrics)
    policy = EscalationPolicy(
        escalate_after=settings.escalate_after,
        working_hours=settings.working_hours,
        act_within=settings.act_within,
    )
    guardrails = GuardrailService(
        db,
        clock,
        window=settings.guardrail_window,
        metrics=metrics,
        working_hours=settings.working_hours,
    )
    reports = ReportService(db, clock)
    people = People(db, client, clock)
    rotations = Rotations(db, clock, team_hours=settings.working_hours)

    def out_now(user_id: str, at: datetime) -> str | None:
        """Read off the ack path (a planner tick), just before the step asks them: someone
        who has left Slack, or whose status says they are out, is passed over."""
        person = people.lookup(user_id)
        if person is None or person.deleted:
            return LEFT_SLACK
        people.read_away([user_id])
        words = people.away(user_id, at)  # "is out of office until Mon 8 Dec"
        return words.removeprefix("is ") if words else None

    web = client
    chains = Chains(
        db,
        clock,
        settings.working_hours,
        members_of=lambda group_id: group_members(web, group_id),
        away=away or out_now,
        on_turn=on_turn or rotations.on_turn,
        tz_of=people.tz_of,
    )
    handoffs = HandoffService(db, clock, policy, chains)
    own_hours = OwnHoursService(db, clock, team=settings.working_hours)
    graph = GraphService(
        db,
        clock,
        escalate_after=settings.escalate_after,
        hours=settings.working_hours,
        reminder_limit=settings.reminder_limit,
        on_item_done=handoffs.finish_item,
        on_item_blockers=handoffs.refresh_item,
    )
    return Services(
        settings=settings,
        db=db,
        clock=clock,
        client=client,
        people=people,
        groups=UserGroups(client),
        handoffs=handoffs,
        graph=graph,
        publishes=PublishService(
            db,
            clock,
            decision_delay=settings.decision_delay,
            failures=guardrails.recorder,
            kpi_lookback=settings.guardrail_window,
        ),
        approvals=ApprovalService(
            db, clock, kpi_lookback=settings.guardrail_window, hours=settings.working_hours
        ),
        reports=reports,
        charts=ChartService(db, clock),
        channel_settings=ChannelSettingsService(
            db,
            clock,
            default_strategy_channel=settings.strategy_channel,
            default_decision_delay=settings.decision_delay,
        ),
        decisions=DecisionService(
            db,
            clock,
            hours=settings.working_hours,
            failures=guardrails.recorder,
        ),
        digests=DigestService(
            db,
            clock,
            digest_at=settings.digest_at,
            strategy_channel=settings.strategy_channel,
            reports=reports,
        ),
        guardrails=guardrails,
        drafts=DraftService(
            db, clock, surfaces=load_surfaces(), kpi_lookback=settings.guardrail_window
        ),
        home=HomeService(db, clock, graph.reading, own_hours),
        own_hours=own_hours,
        deliverer=Deliverer(
            db,
            delivery_client(client, metrics),
            clock,
            lease=settings.delivery_lease,
            metrics=metrics,
            foreground=foreground,
            renderers=renderers(),
            history_limited=settings.history_limited,
        ),
        after_ack=AfterAck(foreground=foreground),
        rotations=rotations,
        metrics=metrics,
    )
