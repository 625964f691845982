"""Ack first, work after: the shape of every command, click and event listener.

Slack's 3-second clock starts when it sends the request; Bolt (with process_before_response)
answers when the listener returns. A listener decorated with `acked_first` is acknowledged at
once and then runs on the after-ack pool, where Web API calls and database work may take the
time they take. If it fails, the person who asked is told so (ephemerally), never left to
think it worked.

View submissions are not decorated: their answer (errors at the field, or close) depends on
the work, so they do it before acking and hand only the rest to `services.after_ack`.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from bot.container import Services
from bot.slack.failure import NOT_DONE

Listener = Callable[..., None]


def acked_first(listener: Listener) -> Listener:
    """Ack at once; run `listener` after the ack with the arguments it names."""
    wanted = inspect.getfullargspec(listener).args

    # Bolt passes arguments by these names; the listener gets the ones it names.
    def run(
        ack: Ack,
        services: Services,
        body: dict[str, Any],
        client: WebClient,
        respond: Respond,
        context: BoltContext,
        payload: dict[str, Any],
        command: dict[str, Any],
        action: dict[str, Any],
        event: dict[str, Any],
    ) -> None:
        ack()
        given = {
            "services": services,
            "body": body,
            "client": client,
            "respond": respond,
            "context": context,
            "payload": payload,
            "command": command,
            "action": action,
            "event": event,
        }
        arguments = {name: given[name] for name in wanted}
        services.after_ack(
            lambda: listener(**arguments),
            on_failure=lambda: tell_failure(body, client, respond),
        )

    # Named as the listener for Bolt's logs; no __wrapped__, or Bolt would read the
    # listener's parameters instead of these.
    run.__name__ = run.__qualname__ = listener.__name__
    run.__doc__ = listener.__doc__
    return run


def tell_failure(body: dict[str, Any], client: WebClient, respond: Respond | None) -> None:
    """An ephemeral "it did not work" to whoever asked, by the cheapest way Slack offers."""
    if respond is not None and body.get("response_url"):
        respond(response_type="ephemeral", replace_original=False, text=NOT_DONE)
        return
    user = (body.get("user") or {}).get("id") or body.get("user_id")
    channel = (body.get("channel") or {}).get("id") or body.get("channel_id")
    if user and channel:
        client.chat_postEphemeral(channel=channel, user=user, text=NOT_DONE)
