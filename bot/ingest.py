"""POST /kpi: readings from analytics tools, all or nothing, behind a bearer token."""

from __future__ import annotations

import hmac
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from bot.clock import Clock
from bot.domain.kpis import check_observed_at, check_value
from bot.services.publishes import PublishService, ReadingIn

MAX_READINGS = 1000


class ReadingBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    channel: str = Field(min_length=1, max_length=32)
    publish: str = Field(min_length=1, max_length=200)
    metric: str = Field(min_length=1, max_length=64)
    value: float | str
    observed_at: str = Field(min_length=1)
    source: str = Field(default="api", min_length=1, max_length=64)


@dataclass(frozen=True)
class IngestAnswer:
    status: int
    body: dict[str, Any]


@dataclass
class KpiIngest:
    token: str | None
    publishing: PublishService
    clock: Clock

    def handle(self, authorization: str | None, raw: bytes) -> IngestAnswer:
        if not self.token:
            return IngestAnswer(404, {"error": "not_found"})
        expected = f"Bearer {self.token}"
        if not authorization or not hmac.compare_digest(authorization.strip(), expected):
            return IngestAnswer(401, {"error": "invalid_token"})
        try:
            data = json.loads(raw or b"null")
        except ValueError:
            return IngestAnswer(400, {"error": "invalid_json"})
        items = data if isinstance(data, list) else [data]
        if not items or len(items) > MAX_READINGS:
            return IngestAnswer(
                422, {"errors": [{"field": "", "message": f"send 1 to {MAX_READINGS} readings"}]}
            )
        now = self.clock.now()
        errors: list[dict[str, Any]] = []
        readings: list[ReadingIn] = []
        for index, item in enumerate(items):
            try:
                body = ReadingBody.model_validate(item)
            except ValidationError as error:
                errors += [
                    {
                        "index": index,
                        "field": ".".join(str(p) for p in e["loc"]),
                        "message": e["msg"],
                    }
                    for e in error.errors()
                ]
                continue
            value = check_value(body.metric, body.value)
            if isinstance(value, str):
                field = (
                    "metric"
                    if "metric" in value.lower() and "unknown" in value.lower()
                    else ("value")
                )
                errors.append({"index": index, "field": field, "message": value})
            observed = check_observed_at(body.observed_at, now=now)
            if isinstance(observed, str) or observed is None:
                errors.append(
                    {"index": index, "field": "observed_at", "message": observed or "required"}
                )
            if isinstance(value, float) and isinstance(observed, datetime):
                readings.append(
                    ReadingIn(
                        index=index,
                        channel=body.channel,
                        publish=body.publish,
                        metric=body.metric,
                        value=value,
                        observed_at=observed.astimezone(UTC),
                        source=body.source,
                    )
                )
        if errors:
            return IngestAnswer(422, {"errors": errors})
        unknown = self.publishing.ingest(readings)
        if unknown:
            return IngestAnswer(
                422,
                {
                    "errors": [
                        {
                            "index": r.index,
                            "field": "publish",
                            "message": f"no publish called {r.publish!r} in {r.channel}",
                        }
                        for r in unknown
                    ]
                },
            )
        return IngestAnswer(201, {"recorded": len(readings)})
