"""Charts: outbox rows (op upload) rendered from their spec and uploaded as a file."""

from __future__ import annotations

from slack_sdk import WebClient

from bot.delivery.membership import ChannelMembership, is_user
from bot.delivery.pacing import ChannelPacer
from bot.reports import charts
from store.models import OutboxMessage


class ChartUploads:
    def __init__(
        self, client: WebClient, membership: ChannelMembership, pacer: ChannelPacer
    ) -> None:
        self.client = client
        self.membership = membership
        self.pacer = pacer

    def upload(self, row: OutboxMessage, parent: tuple[str, str] | None) -> str:
        """A chart: rendered from its spec, uploaded with files_upload_v2 (into the parent's
        thread, or the DM when the target is a person). Returns the channel it went to.

        A file carries no metadata to find it by after a crash, so a retry after an upload
        that did reach Slack shows it twice: a chart only repeats its message's text, so that
        is the cheaper mistake."""
        assert row.id is not None and row.blocks
        spec = row.blocks[0]
        channel = parent[0] if parent else row.target
        if is_user(channel):
            channel = self.client.conversations_open(users=channel)["channel"]["id"]
        else:
            self.membership.ensure(channel)
        image = charts.render(spec)
        with self.pacer.turn(channel):
            self.client.files_upload_v2(
                channel=channel,
                thread_ts=parent[1] if parent else None,
                file=image,
                filename=f"{spec['chart']}.png",
                title=row.text[:250],
                alt_txt=charts.describe(spec),
            )
        return channel
