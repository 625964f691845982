"""Socket Mode as Slack runs it, for the stand-in.

apps.connections.open hands out a single-use `ws://` URL (a ticket); a client that opens it
gets Slack's `hello`, then envelopes (`envelope_id`, `type`, `payload`,
`accepts_response_payload`) and must answer each with `{"envelope_id": …, "payload": …}`
within ACK_TIMEOUT seconds. A late or missing ack is recorded in `failures`, where a test sees
it, as Slack would show the person an error or retry the event. `disconnect` sends Slack's
`disconnect` message and closes the link a moment later; `close_links` closes it at once;
`cut` drops the TCP connection without a close frame, as a network failure does. Either way
the client has to ask apps.connections.open for a new URL.
"""

from __future__ import annotations

import json
import logging
import secrets
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

ACK_TIMEOUT = 3.0  # seconds, as Slack documents for acknowledging an envelope
DISCONNECT_GRACE = 1.0  # seconds between a `disconnect` message and the link closing
ENVELOPE_TYPES = frozenset({"slash_commands", "interactive", "events_api"})

Payload = dict[str, Any]
_quiet = logging.getLogger("baton.slack_standin.socket_mode")
_quiet.addHandler(logging.NullHandler())
_quiet.propagate = False


@dataclass
class Envelope:
    envelope_id: str
    type: str
    payload: Payload
    accepts_response_payload: bool
    sent_at: float  # time.monotonic()
    ack: Payload | None = None  # the ack's `payload` ({} for a bare ack)
    acked_after: float | None = None  # seconds from sending to the ack
    acked: threading.Event = field(default_factory=threading.Event)

    def message(self) -> str:
        return json.dumps(
            {
                "envelope_id": self.envelope_id,
                "type": self.type,
                "payload": self.payload,
                "accepts_response_payload": self.accepts_response_payload,
            }
        )


@dataclass
class AckFailure:
    envelope_id: str
    type: str
    reason: str


class NotConnected(LookupError):
    """No app holds a Socket Mode connection to deliver an envelope on."""


class SocketMode:
    def __init__(self, *, app_id: str = "A1", ack_timeout: float = ACK_TIMEOUT) -> None:
        self.app_id = app_id
        self.ack_timeout = ack_timeout
        self.host = "127.0.0.1"
        self.envelopes: list[Envelope] = []
        self.failures: list[AckFailure] = []
        self.opened = 0  # connections accepted so far
        self._tickets: set[str] = set()
        self._live: list[Any] = []  # open connections, oldest first
        self._retiring: set[int] = set()  # id()s of connections told to go away
        self._pending: dict[str, Envelope] = {}
        self._changed = threading.Condition()
        self._server: Any = None

    # -- the URL apps.connections.open hands out -------------------------------------------

    def issue_url(self) -> str:
        port = self._start()
        ticket = secrets.token_hex(16)
        with self._changed:
            self._tickets.add(ticket)
        return f"ws://{self.host}:{port}/link/?ticket={ticket}&app_id={self.app_id}"

    def _start(self) -> int:
        with self._changed:
            if self._server is None:
                from websockets.sync.server import serve

                self._server = serve(
                    self._handle,
                    self.host,
                    0,
                    process_request=self._check_ticket,
                    compression=None,
                    logger=_quiet,
                )
                threading.Thread(target=self._server.serve_forever, daemon=True).start()
            port: int = self._server.socket.getsockname()[1]
            return port

    def stop(self) -> None:
        with self._changed:
            server, self._server = self._server, None
        if server is not None:
            server.shutdown()

    # -- connections ------------------------------------------------------------------------

    def _check_ticket(self, connection: Any, request: Any) -> Any:
        """A ticket is good for one connection; anything else is refused before the upgrade."""
        url = urlsplit(str(request.path))
        ticket = (parse_qs(url.query).get("ticket") or [""])[-1]
        with self._changed:
            if url.path.rstrip("/") == "/link" and ticket in self._tickets:
                self._tickets.discard(ticket)
                return None
        return connection.respond(401, "invalid or used ticket; call apps.connections.open\n")

    def _handle(self, connection: Any) -> None:
        with self._changed:
            self._live.append(connection)
            self.opened += 1
            count = len(self._live)
            self._changed.notify_all()
        try:
            connection.send(
                json.dumps(
                    {
                        "type": "hello",
                        "num_connections": count,
                        "debug_info": {"host": "applink-standin", "build_number": 1},
                        "connection_info": {"app_id": self.app_id},
                    }
                )
            )
            for raw in connection:
                self._receive(raw)
        except Exception:  # a dropped link: the client reconnects, nothing to answer here
            _quiet.debug("socket mode connection ended", exc_info=True)
        finally:
            with self._changed:
                self._live.remove(connection)
                self._retiring.discard(id(connection))
                self._changed.notify_all()

    def _receive(self, raw: str | bytes) -> None:
        try:
            message = json.loads(raw)
        except ValueError:
            return
        if not isinstance(message, dict):
            return
        with self._changed:
            envelope = self._pending.pop(str(message.get("envelope_id")), None)
        if envelope is None:
            return
        payload = message.get("payload")
        envelope.ack = payload if isinstance(payload, dict) else {}
        envelope.acked_after = time.monotonic() - envelope.sent_at
        if envelope.acked_after > self.ack_timeout:
            self._fail(
                envelope, f"acked after {envelope.acked_after:.1f} s, over {self.ack_timeout:g} s"
            )
        envelope.acked.set()

    @property
    def connected(self) -> int:
        """Open connections that still take envelopes."""
        with self._changed:
            return len([c for c in self._live if id(c) not in self._retiring])

    def wait_for_connection(self, *, opened: int = 1, timeout: float = 10.0) -> None:
        """Until `opened` connections have been accepted in all and one takes envelopes."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while not (self.opened >= opened and self._current() is not None):
                left = deadline - time.monotonic()
                if left <= 0:
                    raise NotConnected(f"no Socket Mode connection after {timeout:.0f} s")
                self._changed.wait(left)

    def _current(self) -> Any:
        usable = [c for c in self._live if id(c) not in self._retiring]
        return usable[-1] if usable else None

    def disconnect(
        self, reason: str = "refresh_requested", grace: float = DISCONNECT_GRACE
    ) -> None:
        """Slack's `disconnect` message on every open link, each closed `grace` s later."""
        links = self._retire_all()
        message = json.dumps(
            {"type": "disconnect", "reason": reason, "debug_info": {"host": "applink-standin"}}
        )
        for link in links:
            try:
                link.send(message)
            except Exception:
                continue
            closer = threading.Timer(grace, link.close)
            closer.daemon = True
            closer.start()

    def close_links(self) -> None:
        """Every open link closed now with a WebSocket close frame, as Slack ends a link."""
        for link in self._retire_all():
            link.close()

    def cut(self) -> None:
        """Every open link's TCP connection closed at once, with no close frame: a network
        failure as the client sees it."""
        for link in self._retire_all():
            link.close_socket()

    def _retire_all(self) -> list[Any]:
        with self._changed:
            links = list(self._live)
            self._retiring.update(id(c) for c in links)
        return links

    # -- envelopes --------------------------------------------------------------------------

    def send(
        self,
        kind: str,
        payload: Payload,
        *,
        accepts_response_payload: bool | None = None,
        wait: bool = True,
    ) -> Envelope:
        """An envelope on the newest open link; with `wait`, returns once it is acked or its
        3 s are over (then the failure is recorded)."""
        if kind not in ENVELOPE_TYPES:
            raise ValueError(f"not an envelope type: {kind}")
        if accepts_response_payload is None:  # Slack lets commands and interactions answer
            accepts_response_payload = kind != "events_api"
        with self._changed:
            link = self._current()
            if link is None:
                raise NotConnected("no app is connected in Socket Mode")
            envelope = Envelope(
                str(uuid.uuid4()), kind, payload, accepts_response_payload, time.monotonic()
            )
            self._pending[envelope.envelope_id] = envelope
            self.envelopes.append(envelope)
        try:
            link.send(envelope.message())
        except Exception as error:
            with self._changed:
                self._pending.pop(envelope.envelope_id, None)
            self._fail(envelope, f"not delivered: the link closed ({type(error).__name__})")
            return envelope
        if wait and not envelope.acked.wait(self.ack_timeout):
            self._fail(envelope, f"no ack within {self.ack_timeout:g} s")
        return envelope

    def _fail(self, envelope: Envelope, reason: str) -> None:
        with self._changed:
            known = next((f for f in self.failures if f.envelope_id == envelope.envelope_id), None)
            if known is None:
                self.failures.append(AckFailure(envelope.envelope_id, envelope.type, reason))
            else:
                known.reason = reason  # a missing ack that came late after all
