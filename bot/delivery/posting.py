"""A message posted once: into its conversation or thread, in its conversation's turn, and
not again when an earlier attempt already reached Slack."""

from __future__ import annotations

import logging
from collections.abc import Callable

from slack_sdk import WebClient

from bot.clock import Clock
from bot.delivery.membership import ChannelMembership
from bot.delivery.pacing import ChannelPacer
from bot.delivery.recovery import EarlierSends
from bot.ids import MetadataEvent
from store.models import OutboxMessage
from store.types import as_utc

log = logging.getLogger("baton.delivery")

Sent = Callable[[OutboxMessage, str | None, str | None], None]


class Poster:
    def __init__(
        self,
        client: WebClient,
        clock: Clock,
        pacer: ChannelPacer,
        membership: ChannelMembership,
        earlier_sends: EarlierSends,
        sent: Sent,
    ) -> None:
        self.client = client
        self.clock = clock
        self.pacer = pacer
        self.membership = membership
        self.earlier_sends = earlier_sends
        self._sent = sent  # told the channel and ts of each row that is in Slack

    def post(self, row: OutboxMessage, parent: tuple[str, str] | None) -> None:
        assert row.id is not None
        channel = parent[0] if parent else row.target
        thread_ts = parent[1] if parent else None
        self.membership.ensure(channel)  # a member can read its posts back after a crash
        if row.attempts > 1:
            found = self.earlier_sends.find(row, channel, thread_ts)
            if found is not None:
                log.info("%s was already in Slack; not posting again", row.idempotency_key)
                self._sent(row, found[0], found[1])
                return
        with self.pacer.turn(channel):
            if row.lease_until is not None and self.clock.now() >= as_utc(row.lease_until):
                # Our lease ran out while we waited: the row may be another sweeper's now.
                log.warning(
                    "%s: lease expired before posting; left to the next claim",
                    row.idempotency_key,
                )
                return
            response = self.client.chat_postMessage(
                channel=channel,
                text=row.text,
                blocks=row.blocks or None,
                thread_ts=thread_ts,
                metadata={
                    "event_type": MetadataEvent.OUTBOX,
                    "event_payload": {"key": row.idempotency_key},
                },
                unfurl_links=False,
            )
        self._sent(row, response.get("channel"), response.get("ts"))
