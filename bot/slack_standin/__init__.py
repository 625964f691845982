"""A local Slack Web API stand-in: enough of Slack, checked as Slack checks it, to run Baton
offline (`baton demo`) and to test it over real HTTP.

It answers `SLACK_API_URL` requests (form, query or JSON bodies, bearer or form tokens), keeps
channels, DMs, threads, views and ephemerals in memory, and refuses what Slack refuses: bad
tokens, unknown users and channels, expired or reused trigger_ids, blocks over Block Kit's
limits or of unknown kinds, malformed metadata. It models membership as Slack has it (the bot
is in a channel only once it joined or was invited; a private channel it is not in does not
exist for it; history is for members) and the token's scopes (`missing_scope` with `needed`).
Tests inject 429s, 5xx and slow responses with `fail_next` and `set_delay`; `history_limits`
applies the limits Slack puts on a distributed app's history reads (history_limits.py).

It speaks Socket Mode too (socket_mode.py): apps.connections.open, for an app-level token with
connections:write, hands out a single-use ws:// link that says hello, delivers envelopes and
records acks later than 3 s. `baton standin` runs it alone (standalone.py).

It counts the TCP connections it accepts (`accepted_connections`: a client that keeps them open
makes few) and, given a certificate, serves HTTPS (connections.py).
"""

from __future__ import annotations

from bot.slack_standin.server import RecordedCall, SlackStandIn

__all__ = ["RecordedCall", "SlackStandIn"]
