"""The baseline for bench/ingest.py: the least a `POST /kpi` endpoint can do, served like Baton.

A plain WSGI function on waitress (8 threads, as `baton serve`): check the bearer token, parse
the JSON body (one reading or a list), resolve the publish by channel and name (from a dict
loaded at start), and insert the same kpi_reading rows with one SQLAlchemy Core executemany in
a transaction of its own. No validation messages, no Bolt, no ORM: what is left of Baton's
cost is what Baton adds.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Table
from sqlmodel import select
from waitress import serve

from store.db import Database
from store.models import KpiReading, Publish

READINGS: Table = KpiReading.__table__  # type: ignore[attr-defined]


def make_app(db: Database, token: str) -> Callable[..., Iterable[bytes]]:
    with db.read() as session:
        publishes = {(p.channel_id, p.name_key): p.id for p in session.exec(select(Publish)).all()}
    expected = f"Bearer {token}"

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("HTTP_AUTHORIZATION") != expected:
            start_response("401 Unauthorized", [("Content-Type", "application/json")])
            return [b'{"error": "unauthorized"}']
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = json.loads(environ["wsgi.input"].read(length))
        items = body if isinstance(body, list) else [body]
        now = datetime.now(UTC)
        rows = [
            {
                "publish_id": publishes[(r["channel"], r["publish"].casefold())],
                "metric": r["metric"],
                "value": float(r["value"]),
                "observed_at": datetime.fromisoformat(r["observed_at"]),
                "source": r["source"],
                "recorded_by": None,
                "created_at": now,
            }
            for r in items
        ]
        with db.engine.begin() as conn:
            conn.execute(READINGS.insert(), rows)
        start_response("201 Created", [("Content-Type", "application/json")])
        return [json.dumps({"recorded": len(rows)}).encode()]

    return app


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--token", required=True)
    args = parser.parse_args()
    db = Database(args.database_url)
    serve(make_app(db, args.token), host="127.0.0.1", port=args.port, threads=8, _quiet=True)


if __name__ == "__main__":
    main()
