"""Every Slack Web API call counted by method and outcome, at one place: the client class.

slack_sdk has no per-call hook, so `WebClient.api_call` (which every method goes through) is
wrapped in a subclass (of the client that keeps connections open); 429s that the client waits
out itself are counted by its retry handler.
"""

from __future__ import annotations

from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.web import SlackResponse

from bot.observability.metrics import Metrics
from bot.web_api import KeptAliveWebClient

RATELIMITED = "ratelimited"


def error_code(status: int, body: Any) -> str:
    if status == 429:
        return RATELIMITED
    code = body.get("error") if isinstance(body, dict) else None
    return str(code) if code else f"http_{status}"


class InstrumentedWebClient(KeptAliveWebClient):
    def __init__(self, metrics: Metrics, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.metrics = metrics

    def api_call(self, api_method: str, **kwargs: Any) -> SlackResponse:
        try:
            response = super().api_call(api_method, **kwargs)
        except SlackApiError as error:
            failed = error.response
            self.metrics.slack_call(api_method, error_code(failed.status_code, failed.data))
            raise
        except Exception:
            self.metrics.slack_call(api_method, "connection_error")
            raise
        self.metrics.slack_call(api_method)
        return response


class CountingRateLimitRetryHandler(RateLimitErrorRetryHandler):
    """Waits out a 429 as slack_sdk does, counting it first (the call's final outcome is
    counted by the client)."""

    def __init__(self, metrics: Metrics, max_retry_count: int) -> None:
        super().__init__(max_retry_count=max_retry_count)
        self.metrics = metrics

    def prepare_for_next_attempt(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> None:
        method = request.url.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]
        self.metrics.slack_call(method, RATELIMITED)
        super().prepare_for_next_attempt(
            state=state, request=request, response=response, error=error
        )
