"""Publish queries on SQLite and PostgreSQL: the latest reading per metric."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from store import publishes
from store.db import Database
from store.migrate import upgrade
from store.models import KpiReading, Publish

T0 = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def test_the_latest_reading_is_the_last_observed_not_the_last_logged(database_url: str) -> None:
    db = Database(database_url)
    upgrade(db)
    with db.write() as session:
        publish = Publish(
            channel_id="C0LAUNCH",
            name="spring launch",
            name_key="spring launch",
            link="https://example.com",
            surface="X",
            owner_id="U0ANA",
            backup_owner_id="U0BEN",
            window_start=T0,
            window_end=T0 + timedelta(hours=2),
            created_by="U0ANA",
            created_at=T0,
            decision_due_at=T0 + timedelta(days=1),
        )
        session.add(publish)
        session.flush()
        assert publish.id is not None
        pid = publish.id

        def reading(metric: str, value: float, hours: int) -> KpiReading:
            return KpiReading(
                publish_id=pid,
                metric=metric,
                value=value,
                observed_at=T0 + timedelta(hours=hours),
                source="test",
                created_at=T0,
            )

        publishes.add_readings(
            session,
            [
                reading("reach", 900, 5),
                reading("reach", 100, 1),  # logged later, observed earlier
                reading("clicks", 3, 2),
                reading("clicks", 4, 2),  # same time: the later one counts
            ],
        )
    with db.read() as session:
        assert publishes.latest_readings(session, pid) == {
            "reach": (900.0, T0 + timedelta(hours=5)),
            "clicks": (4.0, T0 + timedelta(hours=2)),
        }
        assert publishes.count_readings(session, pid) == 4
    db.dispose()
