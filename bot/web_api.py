"""Slack's Web API over kept-alive connections.

slack_sdk's `WebClient` sends each call with urllib, which opens a new connection (and, to
slack.com, a new TLS handshake) every time. `KeptAliveWebClient` overrides the public
`WebClient.api_call`, through which every method goes, and sends with a bounded, thread-safe
urllib3 pool instead. What callers see is slack_sdk's own: a validated `SlackResponse` (so
`SlackApiError` as before), the client's retry handlers asked through their public
interface (`can_retry`, `prepare_for_next_attempt`), and transport failures raised as the
`OSError`s urllib raised (`URLError`, `TimeoutError`, a dropped connection), which the
sender treats as connection errors.

Left to slack_sdk: multipart `files=` uploads (deprecated methods Baton does not call), the
upload of a file's bytes to the URL `files_upload_v2` is given (another host), and paging by
iterating a response (Baton pages by cursor itself).
"""

from __future__ import annotations

import json
import logging
from base64 import b64encode
from http.client import RemoteDisconnected
from typing import Any
from urllib.error import URLError
from urllib.parse import urlencode, urljoin

import urllib3
from slack_sdk import WebClient
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.web import SlackResponse
from slack_sdk.web.deprecation import show_deprecation_warning_if_any
from urllib3.exceptions import HTTPError as TransportError
from urllib3.exceptions import ProtocolError, ReadTimeoutError

log = logging.getLogger("baton.slack")

# Connections kept open to one host, per client. A call waits for a free one rather than open
# more, so the pool stays this size however many threads call. At Slack's ~100 ms a call, ten
# carry ~100 calls a second: more than its rate limits let one workspace make.
CONNECTIONS = 10
MAX_ATTEMPTS = 100  # as slack_sdk: a guard against retry handlers that never give up


class KeptAliveWebClient(WebClient):
    def __init__(self, *, connections: int = CONNECTIONS, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        pool_options: dict[str, Any] = {
            "maxsize": connections,
            "block": True,  # bounded: wait for a connection, never open one past `maxsize`
            "retries": False,  # retrying is the retry handlers' job, as in slack_sdk
            "ssl_context": self.ssl,
        }
        self.pool: urllib3.PoolManager = (
            urllib3.ProxyManager(self.proxy, **pool_options)
            if self.proxy
            else urllib3.PoolManager(**pool_options)
        )

    def close(self) -> None:
        """Close the idle connections (calls made later open new ones)."""
        self.pool.clear()

    def api_call(
        self,
        api_method: str,
        *,
        http_verb: str = "POST",
        files: dict[str, Any] | None = None,
        data: dict[str, Any] | None = None,
        params: dict[str, Any] | None = None,
        json: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        auth: dict[str, Any] | None = None,
    ) -> SlackResponse:
        if files:
            return super().api_call(
                api_method,
                http_verb=http_verb,
                files=files,
                data=data,
                params=params,
                json=json,
                headers=headers,
                auth=auth,
            )
        show_deprecation_warning_if_any(api_method)
        url = urljoin(self.base_url, api_method.lstrip("/"))
        request = _Request.build(self, url, data=data, params=params, json_body=json)
        request.headers.update(headers or {})
        if auth is not None:
            request.headers["Authorization"] = _basic_auth(auth)
        status, response_headers, body = self._post_kept_alive(request)
        response = SlackResponse(
            client=self,
            http_verb="POST",  # as slack_sdk: every Web API method is sent as a POST
            api_url=url,
            req_args=request.as_req_args(),
            data=body,
            headers=response_headers,
            status_code=status,
        )
        response.validate()  # type: ignore[no-untyped-call]  # SlackApiError unless ok
        return response

    def _post_kept_alive(
        self, request: _Request
    ) -> tuple[int, dict[str, Any], dict[str, Any] | bytes]:
        """POST the request on a pooled connection, asking the retry handlers after each
        failed attempt, as slack_sdk does."""
        state = RetryState()
        retry_request = HttpRequest(
            method="POST",
            url=request.url,
            headers=dict(request.headers),
            body_params=request.form,
            data=request.body,
        )
        for attempt in range(1, MAX_ATTEMPTS + 1):
            asking = retry_request if attempt < MAX_ATTEMPTS else None
            answered = self._attempt(request, state, asking)
            if answered is not None:
                return answered
        raise AssertionError("the last attempt asks no retry handler")

    def _attempt(
        self, request: _Request, state: RetryState, retry_request: HttpRequest | None
    ) -> tuple[int, dict[str, Any], dict[str, Any] | bytes] | None:
        """One attempt: its answer, or its error raised; None when a retry handler asks for
        another (having waited as it sees fit). Without `retry_request`, none is asked."""
        state.next_attempt_requested = False
        try:
            answer = self.pool.request(
                "POST",
                request.url,
                body=request.body,
                headers=request.headers,
                timeout=urllib3.Timeout(connect=self.timeout, read=self.timeout),
                pool_timeout=self.timeout,
                redirect=False,
            )
        except TransportError as failure:
            error = as_os_error(failure)
            if retry_request and self._retry_requested(state, retry_request, None, error):
                return None
            raise error from failure
        status, headers, body = _read(answer)
        response = HttpResponse(
            status_code=status,
            headers={k: [v] for k, v in headers.items()},
            body=body if isinstance(body, dict) else {},
            data=answer.data,
        )
        if retry_request and self._retry_requested(state, retry_request, response, None):
            return None
        return status, headers, body

    def _retry_requested(
        self,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None,
        error: Exception | None,
    ) -> bool:
        """The first handler that can retry prepares the next attempt (a 429's handler waits
        out Retry-After); True when it asked for one."""
        for handler in self.retry_handlers:
            if handler.can_retry(state=state, request=request, response=response, error=error):
                handler.prepare_for_next_attempt(
                    state=state, request=request, response=response, error=error
                )
                break
        return state.next_attempt_requested


class _Request:
    """One Web API call as sent: its body built once, as slack_sdk builds it."""

    def __init__(
        self, url: str, headers: dict[str, str], body: bytes, form: dict[str, Any], json_body: Any
    ) -> None:
        self.url = url
        self.headers = headers
        self.body = body
        self.form = form
        self.json_body = json_body

    @classmethod
    def build(
        cls,
        client: WebClient,
        url: str,
        *,
        data: dict[str, Any] | None,
        params: dict[str, Any] | None,
        json_body: dict[str, Any] | None,
    ) -> _Request:
        token = client.token
        form = {
            **{k: v for k, v in (params or {}).items() if v is not None},
            **{k: v for k, v in (data or {}).items() if v is not None},
        }
        token = form.pop("token", None) or token
        headers = dict(client.headers)  # User-Agent and any the client was given
        if json_body:
            json_body = {**client.default_params, **json_body}
            token = json_body.pop("token", None) or token
            headers["Content-Type"] = "application/json;charset=utf-8"
            body = json.dumps(json_body).encode()
        else:
            form = {**client.default_params, **form}
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            body = urlencode({k: _form_value(v) for k, v in form.items()}).encode()
        if token:
            headers["Authorization"] = f"Bearer {token}"
        return cls(url, headers, body, form, json_body or None)

    def as_req_args(self) -> dict[str, Any]:
        """The request as slack_sdk records it on a SlackResponse (its paging resends it)."""
        return {
            "headers": dict(self.headers),
            "data": {},
            "params": dict(self.form),
            "files": None,
            "json": self.json_body,
        }


def _form_value(value: Any) -> Any:
    if isinstance(value, bool):  # as slack_sdk: Slack reads form booleans as 1 and 0
        return "1" if value else "0"
    return value


def _basic_auth(auth: dict[str, Any] | str) -> str:
    if isinstance(auth, str):
        return auth
    pair = f"{auth['client_id']}:{auth['client_secret']}".encode()
    return f"Basic {b64encode(pair).decode('ascii')}"


def _read(answer: urllib3.BaseHTTPResponse) -> tuple[int, dict[str, Any], dict[str, Any] | bytes]:
    """Status, headers and body (parsed JSON; bytes for a gzip file) of an answer."""
    headers = dict(answer.headers.items())
    if answer.status == 429:  # as slack_sdk: Retry-After under both spellings
        for spelling, other in (("Retry-After", "retry-after"), ("retry-after", "Retry-After")):
            if spelling in headers and other not in headers:
                headers[other] = headers[spelling]
    content_type = str(answer.headers.get("Content-Type", ""))
    if content_type.startswith("application/gzip"):
        return answer.status, headers, answer.data
    text = answer.data.decode(_charset(content_type))
    try:
        parsed = json.loads(text)
    except json.JSONDecodeError:
        parsed = None
    if not isinstance(parsed, dict):
        shown = text if len(text) <= 100 else f"{text[:100]}..."
        parsed = {"ok": False, "error": f"Received a response in a non-JSON format: {shown}"}
    return answer.status, headers, parsed


def _charset(content_type: str) -> str:
    for part in content_type.split(";")[1:]:
        name, _, value = part.strip().partition("=")
        if name.lower() == "charset" and value:
            return value.strip('"')
    return "utf-8"


def as_os_error(failure: TransportError) -> OSError:
    """A urllib3 failure as the error urllib raised for it: a read timeout as TimeoutError,
    a dropped connection as the OSError underneath, anything else (refused, unresolvable,
    TLS, no free connection in time) as URLError."""
    if isinstance(failure, ReadTimeoutError):
        return TimeoutError(str(failure))
    if isinstance(failure, ProtocolError):
        cause = next((a for a in failure.args if isinstance(a, OSError)), None)
        return cause or RemoteDisconnected(str(failure))
    reason = failure.__context__ if isinstance(failure.__context__, OSError) else failure
    return URLError(reason)
