"""Process lifecycles: `baton serve` and `baton worker`, with clean SIGTERM shutdown."""

from __future__ import annotations

import logging
import signal
import threading
from types import FrameType

from waitress.server import create_server

from bot.app import build_app
from bot.clock import SystemClock
from bot.config import Settings, SettingsError, require
from bot.delivery.sweeper import Sweeper
from bot.services.container import Services, build_services
from bot.web import handler_for
from store.db import Database
from store.migrate import upgrade

log = logging.getLogger("baton")


class Shutdown(Exception):
    """Raised from the signal handler to leave the server loop."""


def _raise_shutdown(signum: int, _frame: FrameType | None) -> None:
    log.info("received %s, shutting down", signal.Signals(signum).name)
    raise Shutdown


def install_signal_handlers() -> None:
    signal.signal(signal.SIGTERM, _raise_shutdown)
    signal.signal(signal.SIGINT, _raise_shutdown)


def prepare(settings: Settings) -> Services:
    db = Database(settings.database_url)
    try:
        upgrade(db)
    except Exception as error:
        raise SettingsError(
            f"DATABASE_URL: cannot open or migrate the database ({error})"
        ) from None
    return build_services(settings, SystemClock(), db=db)


def serve(settings: Settings, *, host: str, scheduler: bool) -> None:
    require(settings, "slack_bot_token")
    socket_mode = bool(settings.slack_app_token)
    if not socket_mode:
        require(settings, "slack_signing_secret")
    services = prepare(settings)
    app = build_app(services, socket_mode=socket_mode)
    sweeper = (
        Sweeper(services.deliverer, settings.sweep_interval, plan=services.plan)
        if scheduler
        else None
    )
    handler = handler_for(app, services)
    server = create_server(handler, host=host, port=settings.port, threads=8, ident="baton")
    socket_handler = None
    install_signal_handlers()
    try:
        if sweeper:
            sweeper.start()
        if socket_mode:
            from slack_bolt.adapter.socket_mode import SocketModeHandler

            socket_handler = SocketModeHandler(app, settings.slack_app_token)
            socket_handler.connect()  # type: ignore[no-untyped-call]
            log.info("connected to Slack in Socket Mode; /healthz on port %s", settings.port)
        else:
            log.info("listening on http://%s:%s/slack/events", host, settings.port)
        server.run()
    except Shutdown:
        pass
    finally:
        server.close()
        if socket_handler is not None:
            socket_handler.close()  # type: ignore[no-untyped-call]
        if sweeper:
            sweeper.shutdown()
        services.close()
        log.info("stopped")


def work(settings: Settings) -> None:
    require(settings, "slack_bot_token")
    services = prepare(settings)
    sweeper = Sweeper(services.deliverer, settings.sweep_interval, plan=services.plan)
    stop = threading.Event()
    install_signal_handlers()
    try:
        sweeper.start()
        while not stop.wait(3600):
            pass
    except Shutdown:
        pass
    finally:
        sweeper.shutdown()
        services.close()
        log.info("stopped")
