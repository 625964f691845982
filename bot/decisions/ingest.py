"""POST /kpi: readings from analytics tools, all or nothing, behind a bearer token."""

from __future__ import annotations

import hmac
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

from bot import safe_json
from bot.clock import Clock
from bot.decisions.kpis import check_observed_at, check_value
from bot.publishing.service import PublishService, ReadingIn

MAX_READINGS = 1000
MAX_DEPTH = 20  # a list of readings nests 2 deep; anything much deeper is not a reading


def _no_nul(text: str) -> str:
    # PostgreSQL text cannot hold NUL; no honest reading has one.
    if "\x00" in text:
        raise ValueError("must not contain NUL characters")
    return text


Text = Annotated[str, AfterValidator(_no_nul)]


class ReadingBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    channel: Text = Field(min_length=1, max_length=32)
    publish: Text = Field(min_length=1, max_length=200)
    metric: Text = Field(min_length=1, max_length=64)
    value: float | Text
    observed_at: Text = Field(min_length=1)
    source: Text = Field(default="api", min_length=1, max_length=64)


@dataclass(frozen=True)
class IngestAnswer:
    status: int
    body: dict[str, Any]


@dataclass
class KpiIngest:
    token: str | None
    publishing: PublishService
    clock: Clock

    def authorized(self, authorization: str | None) -> bool:
        """Exactly `Bearer <token>`, compared in constant time. WSGI hands header values over
        as latin-1 text, so their bytes are compared, whatever characters they hold."""
        assert self.token
        if authorization is None:
            return False
        sent = authorization.encode("latin-1", "replace")
        return hmac.compare_digest(sent, f"Bearer {self.token}".encode())

    def handle(self, authorization: str | None, read_body: Callable[[], bytes]) -> IngestAnswer:
        """The answer to one request; the body is read only once the token is right."""
        if not self.token:
            return IngestAnswer(404, {"error": "not_found"})
        if not self.authorized(authorization):
            return IngestAnswer(401, {"error": "invalid_token"})
        try:
            data = safe_json.loads(read_body() or b"null", max_depth=MAX_DEPTH)
        except safe_json.TooDeep as error:
            return IngestAnswer(422, {"errors": [{"field": "", "message": str(error)}]})
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
                        # The reading's field (a union adds its member's name after it).
                        "field": str(e["loc"][0]) if e["loc"] else "",
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
