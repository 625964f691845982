"""The worker's own HTTP: `GET /healthz` and `GET /metrics` on `$PORT`, nothing else."""

from __future__ import annotations

from collections.abc import Iterable
from wsgiref.types import StartResponse, WSGIEnvironment

from waitress.server import BaseWSGIServer, MultiSocketServer, create_server

from bot.config import SettingsError
from bot.container import Services
from bot.observability.access import ObservedApp
from bot.observability.health import HealthCheck


def not_found(_environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
    start_response("404 Not Found", [("Content-Type", "text/plain;charset=utf-8")])
    return [b"not found: the worker serves GET /healthz and GET /metrics\n"]


def probe_server(services: Services, *, host: str) -> BaseWSGIServer | MultiSocketServer:
    settings = services.settings
    health = HealthCheck(services.db, services.clock, settings.health_max_lag)
    app = ObservedApp(not_found, services.metrics, health=health)
    try:
        return create_server(app, host=host, port=settings.port, threads=2, ident="baton-worker")
    except OSError as error:  # the port is taken (another process on this host uses $PORT)
        raise SettingsError(f"PORT: cannot listen on {host}:{settings.port} ({error})") from None
