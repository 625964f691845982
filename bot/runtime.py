"""Process lifecycles: `baton serve` and `baton worker`.

Start-up checks each thing an operator sets before anything runs, and stops at the first that
is wrong with one line naming the setting (a SettingsError; the CLI exits 2): the bot token
(auth.test), the database (connect, then migrate under a lock), the port, the Socket Mode
connection. SIGTERM or SIGINT stops accepting connections, lets requests in flight finish (up
to DRAIN_SECONDS), then stops the sweeper and exits 0.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import UTC
from types import FrameType
from typing import Any
from urllib.error import URLError

from apscheduler.schedulers.background import BackgroundScheduler
from slack_bolt import App
from slack_sdk.errors import SlackApiError
from waitress import wasyncore
from waitress.channel import HTTPChannel
from waitress.server import BaseWSGIServer, MultiSocketServer

from bot import allocator, collector, serving
from bot.app import build_app
from bot.clock import SystemClock
from bot.config import Settings, SettingsError, require
from bot.container import Services, build_services
from bot.delivery.sweeper import Sweeper, polling_worker_warning
from bot.observability.endpoints import probe_server
from bot.web import handler_for, make_server
from bot.web_api import KeptAliveWebClient
from store.db import Database, redacted
from store.migrate import Migrated, upgrade

log = logging.getLogger("baton")

DRAIN_SECONDS = 10.0
_SILENT = logging.getLogger("baton.startup.slack")
_SILENT.addHandler(logging.NullHandler())
_SILENT.propagate = False
AUTH_TEST_TIMEOUT = 10  # seconds
# How often the Socket Mode client pings Slack and checks its link (Bolt's default: 10 s). The
# built-in client notices a link Slack closed only at its next check, and a link the network
# dropped after five failed pings: at 2 s, Baton is back within seconds, not up to a minute.
SOCKET_MODE_PING_INTERVAL = 2.0
# Slack's token prefixes (https://api.slack.com/concepts/token-types); rotating tokens carry
# an `xoxe.` before them.
NOT_BOT_TOKENS = {
    "xoxp-": "a user token",
    "xapp-": "an app-level token",
    "xoxe-": "a refresh token",
}
TOKEN_HINTS = {
    "invalid_auth": "not a token of this workspace; copy the Bot User OAuth Token again",
    "not_authed": "empty",
    "token_revoked": "revoked; reinstall the app and copy the new Bot User OAuth Token",
    "token_expired": "expired; refresh it, or turn off token rotation",
    "account_inactive": "its bot user or workspace is deactivated",
    "not_allowed_token_type": "not a bot token",
}


# -- start-up checks --------------------------------------------------------------------------


def check_bot_token(settings: Settings) -> None:
    """auth.test with SLACK_BOT_TOKEN: a bot token Slack accepts, or SettingsError."""
    token = settings.slack_bot_token or ""
    bare = token.removeprefix("xoxe.")
    for prefix, kind in NOT_BOT_TOKENS.items():
        if bare.startswith(prefix):
            raise SettingsError(
                f"SLACK_BOT_TOKEN: that is {kind} ({prefix}…); "
                "Baton needs the Bot User OAuth Token (xoxb-…)"
            )
    client = KeptAliveWebClient(  # over the same HTTP client as every later call
        token=token,
        base_url=settings.slack_api_url,
        timeout=AUTH_TEST_TIMEOUT,
        logger=_SILENT,  # its failures are told below, in one line
    )
    try:
        identity = client.auth_test()
    except SlackApiError as error:
        status, code = error.response.status_code, error.response.get("error")
        if status == 429 or status >= 500:
            raise SettingsError(
                f"SLACK_API_URL: Slack did not answer auth.test (HTTP {status}, {code}); "
                "try again shortly"
            ) from None
        hint = TOKEN_HINTS.get(str(code), "Slack refused it")
        raise SettingsError(f"SLACK_BOT_TOKEN: {hint} (auth.test: {code})") from None
    except (URLError, OSError, ValueError) as error:
        reason = getattr(error, "reason", None) or error
        raise SettingsError(
            f"SLACK_API_URL: cannot reach Slack at {settings.slack_api_url} ({reason})"
        ) from None
    finally:
        client.close()
    if not identity.get("bot_id"):
        raise SettingsError(
            "SLACK_BOT_TOKEN: Slack says this is not a bot token (auth.test names no bot); "
            "Baton needs the Bot User OAuth Token (xoxb-…)"
        )


def open_database(settings: Settings) -> tuple[Database, str | None]:
    """The database, reachable and at the latest schema (migrated under a lock)."""
    db, migrated = migrate_database(settings)
    return db, migrated.after


def migrate_database(settings: Settings) -> tuple[Database, Migrated]:
    """The database, reachable and at the latest schema, and what migrating it did."""
    shown = redacted(settings.database_url)
    db = Database(settings.database_url)
    try:
        with db.engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
        return db, upgrade(db)
    except Exception as error:
        db.dispose()
        reason = (str(error).strip().splitlines() or [type(error).__name__])[0]
        raise SettingsError(f"DATABASE_URL: cannot open or migrate {shown} ({reason})") from None


def bind(handler: Any, *, host: str, port: int) -> BaseWSGIServer | MultiSocketServer:
    try:
        return make_server(handler, host=host, port=port, threads=8)
    except OSError as error:
        reason = error.strerror or str(error)
        raise SettingsError(f"PORT: cannot listen on {host}:{port} ({reason})") from None


def connect_socket_mode(app: App, app_token: str) -> Any:
    """A connected Socket Mode handler, or SettingsError naming SLACK_APP_TOKEN."""
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    if not app_token.startswith("xapp-"):
        raise SettingsError(
            "SLACK_APP_TOKEN: expected an app-level token (xapp-…) with connections:write"
        )
    # The client logs its failures itself, at length; at start-up the one line below says it.
    quiet = logging.getLogger("baton.socket_mode")
    handler = SocketModeHandler(
        app, app_token, logger=quiet, ping_interval=SOCKET_MODE_PING_INTERVAL
    )
    level = quiet.level
    quiet.setLevel(logging.CRITICAL)
    reason = "Slack's WebSocket did not accept the connection"
    try:
        try:
            handler.connect()  # type: ignore[no-untyped-call]
            connected = bool(handler.client.is_connected())
        except SlackApiError as error:
            connected, reason = False, f"apps.connections.open: {error.response.get('error')}"
        except Exception as error:
            connected, reason = False, str(error) or type(error).__name__
        if not connected:
            with suppress(Exception):
                handler.close()  # type: ignore[no-untyped-call]
            raise SettingsError(
                f"SLACK_APP_TOKEN: cannot open the Socket Mode connection ({reason})"
            )
    finally:
        quiet.setLevel(level)
    return handler


# -- stopping ---------------------------------------------------------------------------------


@contextmanager
def stop_on_signals() -> Iterator[threading.Event]:
    """An event set by SIGTERM or SIGINT (the previous handlers come back afterwards)."""
    stop = threading.Event()

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        log.info("received %s, shutting down", signal.Signals(signum).name)
        stop.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield stop
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _socket_map(server: BaseWSGIServer | MultiSocketServer) -> dict[int, Any]:
    # waitress's socket map: every listener, connection and the wake-up trigger.
    if isinstance(server, MultiSocketServer):
        return server.map  # type: ignore[return-value]  # typed as a Mapping; it is the dict
    found: dict[int, Any] = server._map  # type: ignore[attr-defined]
    return found


def _busy(channel: HTTPChannel) -> bool:
    """A request is being received, handled or sent back on this connection."""
    return bool(channel.requests or channel.request is not None or channel.total_outbufs_len)


def serve_until(
    server: BaseWSGIServer | MultiSocketServer,
    stop: threading.Event,
    *,
    drain: float = DRAIN_SECONDS,
    poll: float = 0.2,
) -> None:
    """waitress's loop until `stop`; then no new connections, and up to `drain` seconds for
    the requests in flight, before the server closes."""
    sockets = _socket_map(server)
    use_poll = server.adj.asyncore_use_poll

    def turn() -> None:
        wasyncore.loop(timeout=poll, map=sockets, use_poll=use_poll, count=1)

    try:
        while not stop.is_set():
            turn()
        for listener in [d for d in sockets.values() if isinstance(d, BaseWSGIServer)]:
            listener.accepting = False
            wasyncore.dispatcher.close(listener)  # the listening socket only
        deadline = time.monotonic() + drain
        while time.monotonic() < deadline:
            turn()  # first: read what connections already accepted have sent
            channels = [d for d in sockets.values() if isinstance(d, HTTPChannel)]
            if not any(_busy(channel) for channel in channels):
                break
        else:
            log.warning("requests still in flight after %.0f s; closing anyway", drain)
    finally:
        server.task_dispatcher.shutdown(timeout=1)
        wasyncore.close_all(sockets)


# -- the commands -----------------------------------------------------------------------------


def prepare(settings: Settings) -> Services:
    """The database migrated, and the services on it (for tools: bench.memory)."""
    db, _ = open_database(settings)
    return build_services(settings, SystemClock(), db=db)


def serve(settings: Settings, *, host: str, scheduler: bool) -> None:
    allocator.cap_arenas()  # before any thread starts
    require(settings, "slack_bot_token")
    socket_mode = bool(settings.slack_app_token)
    if not socket_mode:
        require(settings, "slack_signing_secret")
    check_bot_token(settings)
    # Bolt would read the token from the environment too, and warn that the client's wins.
    os.environ.pop("SLACK_BOT_TOKEN", None)
    db, revision = open_database(settings)
    services = build_services(settings, SystemClock(), db=db)
    cleanup: list[Callable[[], None]] = [services.close]
    try:
        app = build_app(services, socket_mode=socket_mode)
        server = bind(handler_for(app, services), host=host, port=settings.port)
        collector.freeze_startup_objects()  # built to last: no full collection walks them
        cleanup.insert(0, server.close)
        if socket_mode:
            socket_handler = connect_socket_mode(app, settings.slack_app_token or "")
            cleanup.insert(0, socket_handler.close)
        log.info("database at revision %s (%s)", revision, redacted(settings.database_url))
        if socket_mode:
            log.info("connected to Slack in Socket Mode; /healthz on port %s", settings.port)
        else:
            log.info("listening on http://%s:%s/slack/events", host, settings.port)
        with stop_on_signals() as stop:
            sweeper = (
                Sweeper(services.deliverer, settings.sweep_interval, plan=services.plan)
                if scheduler
                else None
            )
            if sweeper:
                sweeper.start()
                cleanup.insert(0, sweeper.shutdown)
            else:  # a web instance beside `baton worker`s: it still gives memory back
                housekeeping = BackgroundScheduler(timezone=UTC)
                allocator.give_back_every(housekeeping)
                housekeeping.start()
                cleanup.insert(0, housekeeping.shutdown)
            cleanup.remove(server.close)  # serve_until closes it once drained
            serve_until(server, stop)
            services.settle(DRAIN_SECONDS)  # replies and deliveries started by acked requests
    finally:
        for step in cleanup:
            with suppress(Exception):
                step()
    log.info("stopped")


def work(settings: Settings, *, host: str = "0.0.0.0") -> None:
    allocator.cap_arenas()  # before any thread starts
    require(settings, "slack_bot_token")
    check_bot_token(settings)
    db, revision = open_database(settings)
    services = build_services(settings, SystemClock(), db=db)
    sweeper = Sweeper(services.deliverer, settings.sweep_interval, plan=services.plan)
    probes = probe_server(services, host=host)  # GET /healthz and /metrics on $PORT
    collector.freeze_startup_objects()
    log.info("database at revision %s (%s)", revision, redacted(settings.database_url))
    if db.dialect == "sqlite":
        log.warning(polling_worker_warning(settings.sweep_interval))
    try:
        with stop_on_signals() as stop:
            sweeper.start()
            serving.start(probes)
            log.info("sweeper running; /healthz and /metrics on port %s", settings.port)
            while not stop.wait(1):
                pass
    finally:
        serving.close(probes)
        sweeper.shutdown()
        services.close()
    log.info("stopped")
