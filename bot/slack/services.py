"""Bolt middleware that puts Baton's services in every request's context, so handlers are
plain module-level functions that name `services` as an argument (Bolt injects context keys by
name), and tests can call them directly with fakes."""

from __future__ import annotations

from collections.abc import Callable

from slack_bolt import BoltContext, BoltResponse

from bot.container import Services


def provide_services(services: Services) -> Callable[..., BoltResponse]:
    def middleware(context: BoltContext, next: Callable[[], BoltResponse]) -> BoltResponse:
        context["services"] = services
        return next()

    return middleware
