"""The weekly digest for strategy owners: built on demand (/digest) and posted weekly."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timedelta

from sqlmodel import Session

from bot.clock import Clock
from bot.decisions.cycles import ActionResult, action_result
from bot.decisions.rules import evaluate, render_rule
from bot.kernel.schedule import Weekly, next_occurrence
from bot.outbox import intents, messages
from bot.publishing.cards import card_of, decision_of
from bot.reports import charts
from bot.reports import digest_messages as digest_views
from bot.reports.chart_service import enqueue_chart
from bot.reports.digest import Digest, PublishOutcome, RuleOutcome, summarise
from bot.reports.service import ReportService
from store import channel_settings, outbox, publishes
from store.db import Database
from store.models import Publish
from store.types import as_utc

DIGEST_BASELINE_WEEKS = 4
DIGEST_GRACE = timedelta(days=1)
CHART_WEEKS = 8  # a digest missed by longer than this (Baton down) is skipped


def _kpis(session: Session, publish: Publish) -> dict[str, float]:
    """The latest reading per metric from the window on, as the decision prompt counts them."""
    assert publish.id is not None
    since = as_utc(publish.window_start)
    readings = publishes.latest_readings(session, publish.id, since=since)
    return {metric: value for metric, (value, _) in readings.items()}


class DigestService:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        *,
        digest_at: Weekly,
        strategy_channel: str | None,
        reports: ReportService,
    ) -> None:
        self.db = db
        self.clock = clock
        self.reports = reports
        self.digest_at = digest_at
        self.strategy_channel = strategy_channel

    def digest(
        self, end: datetime, weeks: int = 1, channels: Collection[str] | None = None
    ) -> Digest:
        """Per surface: publishes starting in the `weeks` before `end` (in `channels`, or
        all), against the DIGEST_BASELINE_WEEKS before those; and the actions taken."""
        start = end - timedelta(weeks=weeks)
        baseline_start = start - timedelta(weeks=DIGEST_BASELINE_WEEKS)
        surfaces = summarise(
            self._outcomes(start, end, channels), self._outcomes(baseline_start, start, channels)
        )
        return Digest(surfaces, self._actions(start, end, channels))

    def _actions(
        self, start: datetime, end: datetime, channels: Collection[str] | None
    ) -> list[ActionResult]:
        """Actions decided in the period, or whose next cycle started in it, each with the
        metric its rule watched in this cycle and the next."""
        found = []
        with self.db.read() as session:
            lookback = start - timedelta(weeks=DIGEST_BASELINE_WEEKS)
            for publish in publishes.decided_between(session, lookback, end):
                assert publish.id is not None and publish.decision_action is not None
                if channels is not None and publish.channel_id not in channels:
                    continue
                decided_at = as_utc(publish.decided_at) if publish.decided_at else None
                following = publishes.following(session, publish.id)
                next_start = as_utc(following.window_start) if following else None
                in_period = decided_at is not None and start <= decided_at < end
                measured = next_start is not None and start <= next_start < end
                if not (in_period or measured):
                    continue
                found.append(
                    action_result(
                        publish.name,
                        publish.decision_action,
                        card_of(publish).rules,
                        _kpis(session, publish),
                        following.name if following else None,
                        _kpis(session, following) if following else None,
                    )
                )
        return found

    def _outcomes(
        self, start: datetime, end: datetime, channels: Collection[str] | None
    ) -> list[PublishOutcome]:
        outcomes = []
        with self.db.read() as session:
            for publish in publishes.starting_between(session, start, end):
                assert publish.id is not None
                if channels is not None and publish.channel_id not in channels:
                    continue
                card = card_of(publish)
                # Only readings from the window on count, as in the decision prompt.
                latest = {
                    m: v
                    for m, (v, _) in publishes.latest_readings(
                        session, publish.id, since=card.window.start
                    ).items()
                }
                results = evaluate(card.rules, latest)
                decision = decision_of(publish)
                outcomes.append(
                    PublishOutcome(
                        surface=publish.surface,
                        name=publish.name,
                        starts_at=as_utc(publish.window_start),
                        latest=latest,
                        triggered_actions=tuple(r.rule.action for r in results if r.triggered),
                        decision=decision.summary if decision else None,
                        decision_actions=(decision.action,) if decision and decision.action else (),
                        decided_by=decision.by if decision else None,
                        rules=tuple(
                            RuleOutcome(
                                metrics=tuple(c.metric for c in r.rule.conditions),
                                text=render_rule(r.rule).partition(" -> ")[0],
                                action=r.rule.action,
                                triggered=r.triggered,
                                conditions=r.rule.conditions,
                            )
                            for r in results
                        ),
                    )
                )
        return outcomes

    def routes(self, start: datetime, end: datetime) -> dict[str, set[str]]:
        """Strategy channel -> the channels published in between whose digest goes there
        (their /baton settings, else BATON_STRATEGY_CHANNEL)."""
        with self.db.read() as session:
            roles = channel_settings.all_roles(session)
            published = {p.channel_id for p in publishes.starting_between(session, start, end)}
        routes: dict[str, set[str]] = {}
        for channel in published:
            set_up = roles.get(channel)
            target = (set_up.strategy_channel if set_up else None) or self.strategy_channel
            if target:
                routes.setdefault(target, set()).add(channel)
        return routes

    def plan(self) -> int:
        """The weekly digest, once per strategy channel, only for a week with something in
        it."""
        now = self.clock.now()
        occurrence = next_occurrence(self.digest_at, now - timedelta(weeks=1))
        if occurrence > now or now - occurrence > DIGEST_GRACE:
            return 0
        added = 0
        for target, channels in sorted(
            self.routes(occurrence - timedelta(weeks=1), occurrence).items()
        ):
            intent = intents.Digest(target=target, week_ending=occurrence)
            with self.db.read() as session:
                if outbox.find(session, intents.key_of(intent)) is not None:
                    continue
            digest = self.digest(occurrence, channels=channels)
            if not digest:
                continue  # nothing in it: no digest
            cycle_time = self.reports.report(1, end=occurrence, channels=channels)
            message = digest_views.digest_message(
                digest, end=occurrence, weeks=1, cycle_time=cycle_time
            )
            kpis = self.kpi_chart(occurrence, channels=channels)
            cycles = charts.cycle_spec(
                self.reports.report(CHART_WEEKS, end=occurrence, channels=channels).weekly
            )
            with self.db.write() as session:
                added += outbox.enqueue(
                    session,
                    messages.new(
                        intent,
                        target=target,
                        text=message.text,
                        blocks=message.blocks,
                        due_at=now,
                    ),
                    now=now,
                )
                # In the digest's thread, once it is posted: the text stands without them.
                for name, spec, title in (
                    ("kpis", kpis, "KPI medians per surface"),
                    ("cycle-time", cycles, "Time to acknowledge and to done"),
                ):
                    enqueue_chart(
                        session,
                        intent=intents.DigestChart(
                            target=target, week_ending=occurrence, chart=name
                        ),
                        target=target,
                        parent=intent,
                        spec=spec,
                        title=f"{title}, {charts.span(spec)}",
                        now=now,
                    )
        return added

    def channels_shown(self, end: datetime, weeks: int = 1) -> set[str]:
        """Every channel a digest of `weeks` before `end` (and its KPI chart) may draw on:
        whose readers decide who may see it."""
        back = max(weeks, CHART_WEEKS) + DIGEST_BASELINE_WEEKS
        with self.db.read() as session:
            return publishes.channels_between(session, end - timedelta(weeks=back), end)

    def kpi_chart(self, end: datetime, channels: Collection[str] | None = None) -> charts.Spec:
        """KPI medians per surface and the rules' thresholds, for each of the CHART_WEEKS
        weeks before `end` (the chart starts at the first with data)."""
        weeks = [end - timedelta(weeks=n) for n in range(CHART_WEEKS, 0, -1)]
        outcomes = [self._outcomes(w, w + timedelta(weeks=1), channels) for w in weeks]
        return charts.kpi_spec_of(weeks, outcomes)
