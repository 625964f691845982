"""The stand-in's state and its Web API methods, served as a WSGI app."""

from __future__ import annotations

import contextlib
import itertools
import json
import logging
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

import bot.slack_standin.scopes as scopes
from bot import serving
from bot.slack_standin.blocks import (
    MESSAGE_BLOCKS,
    MESSAGE_TEXT,
    check_blocks,
    check_view,
)
from bot.slack_standin.connections import TlsFront, count_accepted
from bot.slack_standin.conversations import Conversation, Kind
from bot.slack_standin.history_limits import HistoryLimits, in_window
from bot.slack_standin.presence import Presence
from bot.slack_standin.render import blocks_to_text, live_tokens, mrkdwn_fields
from bot.slack_standin.socket_mode import SocketMode
from bot.slack_standin.usergroups import UserGroup, flag, listed

TRIGGER_TTL = 3.0  # seconds, as Slack documents for trigger_id
JSON_FIELDS = ("blocks", "attachments", "metadata", "view", "files")

Payload = dict[str, Any]
StartResponse = Callable[..., Any]


class SlackError(Exception):
    """An `ok: false` answer; HTTP status and headers for 429s and 5xx."""

    def __init__(
        self,
        error: str,
        *,
        status: int = 200,
        headers: dict[str, str] | None = None,
        messages: list[str] | None = None,
        extra: Payload | None = None,
    ) -> None:
        super().__init__(error)
        self.error = error
        self.status = status
        self.headers = headers or {}
        self.messages = messages or []
        self.extra = extra or {}


@dataclass
class RecordedCall:
    method: str
    params: Payload
    response: Payload
    status: int
    at: float


@dataclass
class _Failure:
    method: str
    status: int
    error: str | None
    retry_after: int
    times: int
    channel: str | None = None  # only calls naming this channel fail


@dataclass
class _User:
    id: str
    name: str
    tz: str
    is_bot: bool
    deleted: bool
    real_name: str
    is_admin: bool = False
    presence: Presence = field(default_factory=Presence)

    def profile(self, now: float) -> Payload:
        return {
            "real_name": self.real_name,
            "display_name": self.name,
            **self.presence.status(now),
        }

    def as_slack(self) -> Payload:
        return {
            "id": self.id,
            "team_id": "T1",
            "name": self.name,
            "real_name": self.real_name,
            "deleted": self.deleted,
            "is_bot": self.is_bot,
            "is_admin": self.is_admin,
            "is_owner": False,
            "tz": self.tz,
            "profile": {"real_name": self.real_name, "display_name": self.name},
        }


class SlackStandIn:
    def __init__(
        self,
        clock: Callable[[], float] = time.time,
        *,
        bot_token: str = "xoxb-standin",
        bot_user_id: str = "U0BATON",
        scopes: Iterable[str] = scopes.MANIFEST_BOT_SCOPES,
        history_limits: bool = False,
    ) -> None:
        self.clock = clock
        # Slack's history limits for apps distributed outside the Marketplace (off: Tier 3).
        self.history_limits = HistoryLimits(clock, on=history_limits)
        self.bot_token = bot_token
        self.bot_user_id = bot_user_id
        self.scopes: set[str] = set(scopes)  # what the bot token was granted at install
        self.calls: list[RecordedCall] = []
        self.views: dict[str, Payload] = {}
        self.per_channel_post_limit: float | None = None  # posts per second, None: unlimited
        self._users: dict[str, _User] = {}
        self._channels: dict[str, Conversation] = {}
        self._ephemerals: list[Payload] = []
        self._homes: dict[str, str] = {}
        self._triggers: dict[str, float] = {}
        self._responses: dict[str, tuple[str, str, str | None]] = {}
        self._failures: list[_Failure] = []
        self._delays: dict[str, float] = {}
        self._last_post: dict[str, float] = {}
        # Tokens besides the bot's: "user" (xoxp-) or "app" (xapp-) kinds; revoked ones.
        self._other_tokens: dict[str, str] = {}
        self._revoked: dict[str, str] = {}
        # Socket Mode: apps.connections.open hands out a link to it, unless a test sets
        # `socket_mode_url` to somewhere else (e.g. where nothing speaks WebSocket).
        self.socket_mode = SocketMode()
        self.socket_mode_url: str | None = None
        self._app_token_scopes: dict[str, set[str]] = {}
        self._lock = threading.RLock()
        self._counter = itertools.count(1)
        self._files: dict[str, Payload] = {}  # files.getUploadURLExternal's, by id
        self._usergroups: dict[str, UserGroup] = {}
        self._server: Any = None
        self._tls: TlsFront | None = None
        self._connections = 0  # accepted by the Web API's server
        self.url = ""
        # More WSGI routes by path, served beside the Web API (`baton standin`'s --send).
        self.extra_routes: dict[str, Callable[[Payload, StartResponse], Iterable[bytes]]] = {}

    # -- set-up -------------------------------------------------------------------------

    def add_user(
        self,
        user_id: str,
        name: str,
        *,
        tz: str = "UTC",
        is_bot: bool = False,
        deleted: bool = False,
        real_name: str | None = None,
        is_admin: bool = False,
    ) -> None:
        with self._lock:
            self._users[user_id] = _User(
                user_id, name, tz, is_bot, deleted, real_name or name.title(), is_admin
            )

    def add_channel(
        self,
        channel_id: str,
        name: str,
        *,
        is_private: bool = False,
        is_mpim: bool = False,
        members: Iterable[str] | None = None,
        bot_member: bool = False,
    ) -> None:
        """A conversation people are in: everyone unless `members` says who. The bot is in it
        only with `bot_member` (as after `/invite @Baton`) or once it joins."""
        kind = Kind.MPIM if is_mpim else Kind.GROUP if is_private else Kind.CHANNEL
        with self._lock:
            self._channels[channel_id] = Conversation(
                channel_id,
                name,
                kind,
                bot_member=bot_member,
                members=set(members) if members is not None else None,
            )

    def add_usergroup(
        self, group_id: str, handle: str, members: Iterable[str], *, disabled: bool = False
    ) -> None:
        """A user group (`@handle`) with these members; `disabled` as after usergroups.disable."""
        with self._lock:
            self._usergroups[group_id] = UserGroup(
                group_id, handle, handle.replace("-", " ").title(), list(members), disabled
            )

    def invite_bot(self, channel_id: str) -> None:
        """What `/invite @Baton` does."""
        with self._lock:
            self._channels[channel_id].bot_member = True

    def remove_bot(self, channel_id: str) -> None:
        """Someone removed the bot from the channel (`/remove @Baton`)."""
        with self._lock:
            self._channels[channel_id].bot_member = False

    def bot_is_member(self, channel_id: str) -> bool:
        with self._lock:
            found = self._channels.get(channel_id)
            return found is not None and found.bot_member

    def set_status(
        self, user_id: str, text: str = "", emoji: str = "", *, expiration: float = 0
    ) -> None:
        """The user sets a custom status (`expiration` in epoch seconds; 0: don't clear)."""
        with self._lock:
            presence = self._users[user_id].presence
            presence.status_text, presence.status_emoji = text, emoji
            presence.status_expiration = int(expiration)

    def snooze(self, user_id: str, until: float | None) -> None:
        """The user pauses notifications until `until` (epoch seconds), or resumes them."""
        with self._lock:
            self._users[user_id].presence.snooze_endtime = int(until or 0)

    def remove_scope(self, scope: str) -> None:
        """The app was installed without `scope` (e.g. before the manifest asked for it)."""
        with self._lock:
            self.scopes.discard(scope)

    def grant_scope(self, scope: str) -> None:
        with self._lock:
            self.scopes.add(scope)

    def command_channel_name(self, channel_id: str) -> str:
        """What Slack sends as `channel_name` with a command run in this channel."""
        with self._lock:
            found = self._channels.get(channel_id)
            if found is not None:
                return found.command_channel_name()
            return "directmessage" if channel_id.startswith("D") else channel_id.lower()

    def issue_trigger_id(self) -> str:
        with self._lock:
            trigger = f"{next(self._counter)}.{uuid.uuid4().hex[:12]}"
            self._triggers[trigger] = self.clock()
            return trigger

    def response_url(self, channel: str, user: str, message_ts: str | None = None) -> str:
        token = uuid.uuid4().hex
        with self._lock:
            self._responses[token] = (channel, user, message_ts)
        base = self.url.removesuffix("api/") if self.url else "http://slack.invalid/"
        return f"{base}response/{token}"

    def fail_next(
        self,
        *,
        method: str,
        status: int = 200,
        error: str | None = None,
        retry_after: int = 1,
        times: int = 1,
        channel: str | None = None,
    ) -> None:
        """The next `times` calls to `method` (naming `channel`, if given) fail: 429 with
        Retry-After, 5xx, or ok:false."""
        with self._lock:
            self._failures.append(_Failure(method, status, error, retry_after, times, channel))

    def set_history_limits(self, on: bool) -> None:
        """conversations.history and .replies: 1 request a minute per method (429 with
        Retry-After), pages of at most 15 messages, as Slack limits a commercially
        distributed app outside the Marketplace."""
        with self._lock:
            self.history_limits.on = on

    def set_post_limit(self, per_second: float | None) -> None:
        """chat.postMessage answers 429 to posts in one conversation closer than this allows."""
        with self._lock:
            self.per_channel_post_limit = per_second

    def add_token(
        self, token: str, kind: str, *, app_scopes: Iterable[str] = ("connections:write",)
    ) -> None:
        """Another token of this workspace: `user` (auth.test answers without a bot_id, as
        Slack does for user tokens) or `app` (app-level: only apps.connections.open, which
        needs `connections:write` among its `app_scopes`)."""
        with self._lock:
            self._other_tokens[token] = kind
            if kind == "app":
                self._app_token_scopes[token] = set(app_scopes)

    def revoke(self, token: str, error: str = "token_revoked") -> None:
        """From now on every call with `token` fails with `error` (token_revoked,
        account_inactive, invalid_auth…)."""
        with self._lock:
            self._revoked[token] = error

    def set_delay(self, method: str, seconds: float) -> None:
        """Slack takes `seconds` to answer `method` (after it has acted on the call)."""
        with self._lock:
            self._delays[method] = seconds

    # -- what people see ----------------------------------------------------------------

    def calls_to(self, method: str) -> list[RecordedCall]:
        with self._lock:
            return [call for call in self.calls if call.method == method]

    def messages(self, channel: str) -> list[Payload]:
        """Every message in a channel, thread replies included, in the order posted."""
        with self._lock:
            found = self._channels.get(channel)
            return [dict(m) for m in found.messages] if found else []

    def dms(self, user: str) -> list[Payload]:
        return self.messages(_dm_id(user))

    def ephemerals(self, user: str) -> list[Payload]:
        with self._lock:
            return [dict(m) for m in self._ephemerals if m["user"] == user]

    def home(self, user: str) -> Payload | None:
        with self._lock:
            view_id = self._homes.get(user)
            return self.views.get(view_id) if view_id else None

    def live_tokens_sent(self) -> list[tuple[str, str]]:
        """(method, token) for each control sequence Slack would act on in what Baton sent:
        messages, ephemerals, response_url replies, modals and App Home views."""
        with self._lock:
            calls = [c for c in self.calls if c.method in SURFACE_METHODS]
        return [
            (call.method, token)
            for call in calls
            for text in mrkdwn_fields({k: call.params.get(k) for k in ("text", "blocks", "view")})
            for token in live_tokens(text)
        ]

    def name_of(self, user_id: str) -> str:
        """A user's name, or a channel's (as the client shows `<@U…>` and `<#C…>`)."""
        user = self._users.get(user_id)
        if user is not None:
            return user.name
        channel = self._channels.get(user_id)
        return channel.name if channel else user_id

    def render(self, blocks: list[Payload], text: str = "") -> str:
        return blocks_to_text(blocks, text, self.name_of)

    blocks_to_text = render

    # -- serving ------------------------------------------------------------------------

    def serve(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        certfile: str | None = None,
        keyfile: str | None = None,
    ) -> str:
        """Serve the Web API; over HTTPS with the certificate in `certfile` (its key in
        `keyfile`), else plain HTTP. Returns its base URL."""
        from waitress.server import create_server

        # Requests queued at Slack's end are no news for whoever reads Baton's output.
        logging.getLogger("waitress.queue").setLevel(logging.ERROR)
        plain_port = 0 if certfile else port
        self._server = create_server(self.wsgi_app, host=host, port=plain_port, threads=8)
        serving.start(self._server)
        if certfile:
            upstream = (host, int(self._server.effective_port))
            self._tls = TlsFront(
                host,
                port,
                upstream=upstream,
                certfile=certfile,
                keyfile=keyfile or certfile,
                on_accept=self._accepted,
            )
            self.url = f"https://{host}:{self._tls.port}/api/"
        else:
            count_accepted(self._server, self._accepted)
            self.url = f"http://{host}:{self._server.effective_port}/api/"
        self.socket_mode.host = host
        return self.url

    def accepted_connections(self) -> int:
        """TCP connections accepted by the Web API's server so far (a client that keeps its
        connections open makes few)."""
        with self._lock:
            return self._connections

    def _accepted(self) -> None:
        with self._lock:
            self._connections += 1

    def stop(self) -> None:
        self.socket_mode.stop()
        if self._tls is not None:
            self._tls.close()
            self._tls = None
        if self._server is not None:
            serving.close(self._server)
            self._server = None

    def wsgi_app(self, environ: Payload, start_response: StartResponse) -> Iterable[bytes]:
        path = str(environ.get("PATH_INFO", ""))
        if path in self.extra_routes:
            return self.extra_routes[path](environ, start_response)
        if path.startswith("/upload/"):
            line, body = self._handle_upload(path.removeprefix("/upload/"), environ)
            start_response(line, [("Content-Type", "text/plain")])
            return [body.encode()]
        if path.startswith("/response/"):
            line, body = self._handle_response_url(path.removeprefix("/response/"), environ)
            start_response(line, [("Content-Type", "text/plain")])
            return [body.encode()]
        if not path.startswith("/api/"):
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b"not found"]
        method = path.removeprefix("/api/")
        params = _read_params(environ)
        status, headers, payload = self._call(method, params, environ)
        start_response(
            f"{status} {_REASONS.get(status, 'Error')}",
            [("Content-Type", "application/json; charset=utf-8"), *headers.items()],
        )
        return [json.dumps(payload).encode()]

    # -- dispatch -----------------------------------------------------------------------

    def _call(
        self, method: str, params: Payload, environ: Payload
    ) -> tuple[int, dict[str, str], Payload]:
        at = self.clock()
        status, headers = 200, {}
        try:
            token_kind = self._check_token(params, environ, method)
            failure = self._take_failure(method, params)
            if failure is not None:
                raise failure
            handler = _METHODS.get(method)
            if handler is None:
                raise SlackError("unknown_method")
            with self._lock:
                retry_after = self.history_limits.admit(method, team="T1")
                if retry_after is not None:
                    raise SlackError(
                        "ratelimited", status=429, headers={"Retry-After": f"{retry_after:.0f}"}
                    )
                self._require_scope(scopes.METHOD_SCOPES.get(method, ()))
                payload = {"ok": True, **handler(self, params)}
                if method == "auth.test" and token_kind != "bot":
                    payload.pop("bot_id", None)  # Slack names a bot only for bot tokens
        except SlackError as error:
            status, headers = error.status, error.headers
            payload = {"ok": False, "error": error.error, **error.extra}
            if error.messages:
                payload["response_metadata"] = {"messages": error.messages}
        delay = self._delays.get(method, 0.0)
        if delay:
            time.sleep(delay)
        with self._lock:
            self.calls.append(RecordedCall(method, params, payload, status, at))
        return status, headers, payload

    def _check_token(self, params: Payload, environ: Payload, method: str) -> str:
        """The kind of token the call carries (bot, user, app), or the error Slack gives."""
        auth = str(environ.get("HTTP_AUTHORIZATION", ""))
        token = auth.removeprefix("Bearer ").strip() if auth else str(params.get("token", ""))
        if not token:
            raise SlackError("not_authed")
        if token in self._revoked:
            raise SlackError(self._revoked[token])
        kind = "bot" if token == self.bot_token else self._other_tokens.get(token)
        if kind is None:
            raise SlackError("invalid_auth")
        if (method == "apps.connections.open") != (kind == "app") and method != "auth.test":
            raise SlackError("not_allowed_token_type")
        granted = self._app_token_scopes.get(token, set())
        if method == "apps.connections.open" and "connections:write" not in granted:
            raise SlackError("missing_scope", extra={"needed": "connections:write"})
        if kind == "user" and method != "auth.test":
            raise SlackError("invalid_auth")  # the stand-in models a bot's calls only
        return kind

    def _take_failure(self, method: str, params: Payload) -> SlackError | None:
        with self._lock:
            for failure in self._failures:
                if failure.method != method or failure.times <= 0:
                    continue
                if failure.channel is not None and params.get("channel") != failure.channel:
                    continue
                failure.times -= 1
                if failure.status == 429:
                    return SlackError(
                        "ratelimited",
                        status=429,
                        headers={"Retry-After": str(failure.retry_after)},
                    )
                if failure.status >= 500:
                    return SlackError(failure.error or "internal_error", status=failure.status)
                return SlackError(failure.error or "fatal_error", status=failure.status)
        return None

    # -- helpers used by the methods ----------------------------------------------------

    def _user(self, user_id: Any) -> _User:
        user = self._users.get(str(user_id or ""))
        if user is None:
            raise SlackError("user_not_found")
        return user

    def _require_scope(self, needed: tuple[str, ...]) -> None:
        lacking = scopes.missing(needed, self.scopes)
        if lacking:
            raise SlackError(
                "missing_scope",
                extra={"needed": ",".join(lacking), "provided": ",".join(sorted(self.scopes))},
            )

    def _conversation(self, channel_id: Any) -> Conversation:
        """A conversation whether or not the bot may see it, or a DM with the bot opened on the
        fly, as chat.postMessage does for a user ID."""
        channel_id = str(channel_id or "")
        if channel_id.startswith("U") or channel_id.startswith("W"):
            user = self._user(channel_id)
            if user.is_bot:
                raise SlackError("cannot_dm_bot")
            if user.deleted:
                raise SlackError("user_disabled")
            channel_id = _dm_id(channel_id)
            self._channels.setdefault(
                channel_id,
                Conversation(channel_id, user.name, Kind.IM, bot_member=True, members={user.id}),
            )
        found = self._channels.get(channel_id)
        if found is None:
            raise SlackError("channel_not_found")
        return found

    def _visible(self, channel_id: Any) -> Conversation:
        """A conversation the bot can see: a private one it is not in does not exist for it."""
        found = self._conversation(channel_id)
        if not found.visible_to_bot:
            raise SlackError("channel_not_found")
        return found

    def _postable(self, channel_id: Any) -> Conversation:
        """Where the bot may post: a conversation it is in, or any public channel with
        chat:write.public."""
        found = self._visible(channel_id)
        if not found.bot_member and scopes.POST_PUBLIC not in self.scopes:
            raise SlackError("not_in_channel")
        return found

    def _readable(self, channel_id: Any) -> Conversation:
        """History is for members only, with the history scope of the conversation's kind."""
        found = self._visible(channel_id)
        self._require_scope((scopes.HISTORY_SCOPES[found.kind],))
        if not found.bot_member:
            raise SlackError("not_in_channel")
        return found

    def _next_ts(self) -> str:
        return f"{int(self.clock())}.{next(self._counter):06d}"

    def _check_message(self, params: Payload) -> None:
        text = params.get("text")
        blocks = params.get("blocks")
        if not text and not blocks:
            raise SlackError("no_text")
        if text and len(str(text)) > MESSAGE_TEXT:
            raise SlackError("msg_too_long")
        if blocks:
            errors = check_blocks(blocks, limit=MESSAGE_BLOCKS)
            if errors:
                raise SlackError("invalid_blocks", messages=errors)
        metadata = params.get("metadata")
        if metadata is not None and not (
            isinstance(metadata, dict)
            and isinstance(metadata.get("event_type"), str)
            and metadata["event_type"]
            and isinstance(metadata.get("event_payload"), dict)
        ):
            raise SlackError("invalid_metadata_format")

    def _find_message(self, channel: Conversation, ts: Any) -> Payload:
        for message in channel.messages:
            if message["ts"] == ts:
                return message
        raise SlackError("message_not_found")

    def _use_trigger(self, trigger_id: Any) -> None:
        issued = self._triggers.pop(str(trigger_id or ""), None)
        if issued is None:
            raise SlackError("invalid_trigger_id")
        if self.clock() - issued > TRIGGER_TTL:
            raise SlackError("expired_trigger_id")

    def _store_view(self, view: Any, *, view_id: str | None = None, home: bool = False) -> Payload:
        errors = check_view(view, home=home)
        if errors:
            raise SlackError("invalid_arguments", messages=errors)
        view_id = view_id or f"V{next(self._counter):08d}"
        stored = {
            **view,
            "id": view_id,
            "hash": uuid.uuid4().hex[:16],
            "state": {"values": {}},
            "private_metadata": view.get("private_metadata", ""),
            "callback_id": view.get("callback_id", ""),
        }
        self.views[view_id] = stored
        return stored

    def _handle_response_url(self, token: str, environ: Payload) -> tuple[str, str]:
        with self._lock:
            target = self._responses.get(token)
        if target is None:
            return "404 Not Found", "no_such_response_url"
        channel_id, user_id, message_ts = target
        body = _read_params(environ)
        with self._lock:
            self.calls.append(RecordedCall("response_url", body, {"ok": True}, 200, self.clock()))
            if body.get("replace_original") or body.get("delete_original"):
                if message_ts is None:
                    return "404 Not Found", "message_not_found"
                ephemeral = next(
                    (e for e in self._ephemerals if e["ts"] == message_ts and e["user"] == user_id),
                    None,
                )
                if ephemeral is not None:  # only its viewer sees it; replacing is all there is
                    ephemeral.update(text=body.get("text", ""), blocks=body.get("blocks") or [])
                    return "200 OK", "ok"
                channel = self._channels.get(channel_id) or self._conversation(user_id)
                message = self._find_message(channel, message_ts)
                if body.get("delete_original"):
                    channel.messages.remove(message)
                else:
                    message.update(text=body.get("text", ""), blocks=body.get("blocks") or [])
                return "200 OK", "ok"
            if body.get("response_type") == "in_channel":
                self._conversation(channel_id).messages.append(
                    self._message(channel_id, body, self._next_ts())
                )
            else:
                self._ephemerals.append(
                    {
                        "channel": channel_id,
                        "user": user_id,
                        "ts": self._next_ts(),
                        "text": body.get("text", ""),
                        "blocks": body.get("blocks") or [],
                    }
                )
        return "200 OK", "ok"

    def _handle_upload(self, file_id: str, environ: Payload) -> tuple[str, str]:
        """The upload URL files.getUploadURLExternal hands out: the file's bytes, POSTed raw."""
        length = int(environ.get("CONTENT_LENGTH") or 0)
        data = environ["wsgi.input"].read(length) if length else b""
        with self._lock:
            upload = self._files.get(file_id)
            if upload is None or upload["completed"]:
                return "404 Not Found", "no_such_upload"
            upload["data"] = data
            self.calls.append(RecordedCall("upload", {"file": file_id}, {}, 200, self.clock()))
        return "200 OK", f"OK - {len(data)}"

    def uploaded_files(self) -> list[Payload]:
        """Files shared by files.completeUploadExternal: bytes, title, channel and thread."""
        with self._lock:
            return [dict(f) for f in self._files.values() if f["completed"]]

    def _message(self, channel_id: str, params: Payload, ts: str) -> Payload:
        message: Payload = {
            "type": "message",
            "channel": channel_id,
            "user": self.bot_user_id,
            "bot_id": "B_BATON",
            "ts": ts,
            "text": params.get("text") or "",
            "blocks": params.get("blocks") or [],
        }
        if params.get("thread_ts"):
            message["thread_ts"] = str(params["thread_ts"])
        if params.get("metadata"):
            message["metadata"] = params["metadata"]
        return message

    # -- Web API methods ----------------------------------------------------------------

    def auth_test(self, params: Payload) -> Payload:
        return {
            "url": "https://acme.slack.com/",
            "team": "Acme",
            "user": "baton",
            "team_id": "T1",
            "user_id": self.bot_user_id,
            "bot_id": "B_BATON",
        }

    def apps_connections_open(self, params: Payload) -> Payload:
        # A single-use link to the stand-in's Socket Mode server (see socket_mode.py).
        return {"url": self.socket_mode_url or self.socket_mode.issue_url()}

    def users_info(self, params: Payload) -> Payload:
        return {"user": self._user(params.get("user")).as_slack()}

    def users_profile_get(self, params: Payload) -> Payload:
        # Without `user`, the token's own user.
        user = self._user(params.get("user") or self.bot_user_id)
        return {"profile": user.profile(self.clock())}

    def dnd_info(self, params: Payload) -> Payload:
        user = self._user(params.get("user") or self.bot_user_id)
        return user.presence.dnd(self.clock(), own=user.id == self.bot_user_id)

    def conversations_open(self, params: Payload) -> Payload:
        users = [u for u in str(params.get("users") or "").split(",") if u]
        if len(users) != 1:
            raise SlackError("not_enough_users" if not users else "too_many_users")
        channel = self._conversation(users[0])
        return {"channel": {"id": channel.id}}

    def conversations_join(self, params: Payload) -> Payload:
        channel = self._conversation(params.get("channel"))
        if channel.kind is not Kind.CHANNEL:  # private ones take an invitation
            raise SlackError("method_not_supported_for_channel_type")
        if channel.bot_member:
            return {
                "channel": channel.as_slack(),
                "warning": "already_in_channel",
                "response_metadata": {"warnings": ["already_in_channel"]},
            }
        channel.bot_member = True
        return {"channel": channel.as_slack()}

    def _described(self, channel_id: Any) -> Conversation:
        """conversations.info and .members: a conversation the bot can see, with the read
        scope of its kind (a public channel the bot is not in included)."""
        found = self._visible(channel_id)
        self._require_scope((scopes.READ_SCOPES[found.kind],))
        return found

    def conversations_info(self, params: Payload) -> Payload:
        return {"channel": self._described(params.get("channel")).as_slack()}

    def conversations_members(self, params: Payload) -> Payload:
        found = self._described(params.get("channel"))
        if found.members is None:
            members = [u.id for u in self._users.values() if not u.deleted]
        else:
            members = sorted(found.members)
        if found.bot_member and self.bot_user_id not in members:
            members.append(self.bot_user_id)
        limit = max(1, min(int(params.get("limit") or 100), 1000))
        start = int(str(params.get("cursor") or "offset:0").removeprefix("offset:"))
        more = start + limit < len(members)
        return {
            "members": members[start : start + limit],
            "response_metadata": {"next_cursor": f"offset:{start + limit}" if more else ""},
        }

    def usergroups_users_list(self, params: Payload) -> Payload:
        """A group's members now; a disabled one only with `include_disabled`."""
        group = self._usergroups.get(str(params.get("usergroup") or ""))
        if group is None or (group.disabled and not flag(params.get("include_disabled"))):
            raise SlackError("no_such_subteam")
        return {"users": list(group.members)}

    def chat_post_message(self, params: Payload) -> Payload:
        channel = self._postable(params.get("channel"))
        self._check_message(params)
        if self.per_channel_post_limit:
            now = time.monotonic()
            last = self._last_post.get(channel.id)
            if last is not None and now - last < 1 / self.per_channel_post_limit:
                raise SlackError("ratelimited", status=429, headers={"Retry-After": "1"})
            self._last_post[channel.id] = now
        thread_ts = params.get("thread_ts")
        if thread_ts:
            parent = self._find_message(channel, str(thread_ts))
            if parent.get("thread_ts") not in (None, parent["ts"]):
                raise SlackError("cannot_reply_to_message")
        message = self._message(channel.id, params, self._next_ts())
        channel.messages.append(message)
        return {"channel": channel.id, "ts": message["ts"], "message": dict(message)}

    def chat_update(self, params: Payload) -> Payload:
        channel = self._visible(params.get("channel"))
        message = self._find_message(channel, params.get("ts"))
        self._check_message({**message, **params})
        for key in ("text", "blocks", "metadata"):
            if key in params and params[key] is not None:
                message[key] = params[key]
        message["edited"] = {"user": self.bot_user_id, "ts": self._next_ts()}
        return {"channel": channel.id, "ts": message["ts"], "text": message["text"]}

    def chat_post_ephemeral(self, params: Payload) -> Payload:
        channel = self._postable(params.get("channel"))
        user = self._user(params.get("user"))
        if not channel.has_member(user.id):
            raise SlackError("user_not_in_channel")
        self._check_message(params)
        ts = self._next_ts()
        self._ephemerals.append(
            {
                "channel": channel.id,
                "user": user.id,
                "ts": ts,
                "text": params.get("text") or "",
                "blocks": params.get("blocks") or [],
            }
        )
        return {"message_ts": ts}

    def chat_get_permalink(self, params: Payload) -> Payload:
        channel = self._visible(params.get("channel"))
        message = self._find_message(channel, params.get("message_ts"))
        stamp = str(message["ts"]).replace(".", "")
        return {
            "channel": channel.id,
            "permalink": f"https://acme.slack.com/archives/{channel.id}/p{stamp}",
        }

    def conversations_history(self, params: Payload) -> Payload:
        """Newest first, between `oldest` and `latest`."""
        channel = self._readable(params.get("channel"))
        top_level = [
            m
            for m in channel.messages
            if m.get("thread_ts") in (None, m["ts"]) and in_window(m["ts"], params)
        ]
        return self._page(list(reversed(top_level)), params)

    def conversations_replies(self, params: Payload) -> Payload:
        channel = self._readable(params.get("channel"))
        """The parent first, then its replies between `oldest` and `latest`, oldest first."""
        parent = self._find_message(channel, params.get("ts"))
        thread = [parent] + [
            m
            for m in channel.messages
            if m.get("thread_ts") == parent["ts"] and m is not parent and in_window(m["ts"], params)
        ]
        return self._page(thread, params)

    def _page(self, messages: list[Payload], params: Payload) -> Payload:
        limit = self.history_limits.page_size(params)
        start = int(str(params.get("cursor") or "offset:0").removeprefix("offset:"))
        page = messages[start : start + limit]
        with_metadata = str(params.get("include_all_metadata", "")).lower() in ("1", "true")
        shown = [
            m if with_metadata else {k: v for k, v in m.items() if k != "metadata"} for m in page
        ]
        more = start + limit < len(messages)
        return {
            "messages": [dict(m) for m in shown],
            "has_more": more,
            "response_metadata": {"next_cursor": f"offset:{start + limit}" if more else ""},
        }

    def files_get_upload_url_external(self, params: Payload) -> Payload:
        """Slack checks the name and the announced length here; the bytes come next."""
        filename = str(params.get("filename") or "").strip()
        raw_length = str(params.get("length") or "")
        if not filename or not raw_length.isdigit() or int(raw_length) <= 0:
            raise SlackError("invalid_arguments")
        file_id = f"F{next(self._counter):08d}"
        self._files[file_id] = {
            "id": file_id,
            "name": filename,
            "length": int(raw_length),
            "alt_txt": params.get("alt_txt"),
            "data": None,
            "completed": False,
            "title": None,
            "channel": None,
            "thread_ts": None,
        }
        base = self.url.removesuffix("api/")
        return {"upload_url": f"{base}upload/{file_id}", "file_id": file_id}

    def files_complete_upload_external(self, params: Payload) -> Payload:
        """Shares uploaded files in one conversation (a thread with `thread_ts`, which needs a
        `channel_id`), as a message from the bot. Unknown ids, or bytes not uploaded or not
        of the announced length, are refused."""
        files = params.get("files")
        if not isinstance(files, list) or not files:
            raise SlackError("invalid_arguments")
        uploads = []
        for entry in files:
            upload = self._files.get(str((entry or {}).get("id") or ""))
            if upload is None or upload["completed"]:
                raise SlackError("file_not_found")
            if upload["data"] is None or len(upload["data"]) != upload["length"]:
                raise SlackError("invalid_arguments")
            uploads.append((upload, entry.get("title")))
        channel_id = params.get("channel_id")
        thread_ts = params.get("thread_ts")
        if thread_ts and not channel_id:
            raise SlackError("invalid_arguments")
        shared: list[Payload] = []
        for upload, title in uploads:
            upload.update(completed=True, title=title or upload["name"])
            shared.append({"id": upload["id"], "name": upload["name"], "title": upload["title"]})
        if channel_id:
            channel = self._postable(channel_id)
            if thread_ts:
                parent = self._find_message(channel, str(thread_ts))
                if parent.get("thread_ts") not in (None, parent["ts"]):
                    raise SlackError("cannot_reply_to_message")
            message = self._message(
                channel.id,
                {"text": params.get("initial_comment") or "", "thread_ts": thread_ts},
                self._next_ts(),
            )
            message["files"] = shared
            channel.messages.append(message)
            for upload, _ in uploads:
                upload.update(channel=channel.id, thread_ts=thread_ts)
        return {"files": shared}

    def answer_submission(self, submitted: Payload, answer: Payload) -> Payload | None:
        """What Slack does with a view_submission's ack body: `push` stacks a new modal on the
        submitted one (three at most), `update` replaces it; the view now shown, or None
        (`errors` keep the form open; `clear` or an empty ack close it)."""
        action = answer.get("response_action")
        if action not in ("push", "update"):
            return None
        with self._lock:
            current = self.views[str(submitted["id"])]
            depth, below = 1, current
            while below.get("previous_view_id"):
                depth, below = depth + 1, self.views[below["previous_view_id"]]
            if action == "update":
                shown = self._store_view(answer.get("view"), view_id=current["id"])
                shown["previous_view_id"] = current.get("previous_view_id")
                return shown
            if depth >= 3:
                raise SlackError("push_limit_reached")  # Slack stacks three modals at most
            shown = self._store_view(answer.get("view"))
            shown["previous_view_id"] = current["id"]
            shown["root_view_id"] = current.get("root_view_id") or current["id"]
            return shown

    def usergroups_list(self, params: Payload) -> Payload:
        return listed(self._usergroups, params)

    def views_open(self, params: Payload) -> Payload:
        self._use_trigger(params.get("trigger_id"))
        return {"view": self._store_view(params.get("view"))}

    def views_push(self, params: Payload) -> Payload:
        return self.views_open(params)

    def views_update(self, params: Payload) -> Payload:
        view_id = str(params.get("view_id") or "")
        current = self.views.get(view_id)
        if current is None:
            raise SlackError("not_found")
        if params.get("hash") and params["hash"] != current["hash"]:
            raise SlackError("hash_conflict")
        return {"view": self._store_view(params.get("view"), view_id=view_id)}

    def views_publish(self, params: Payload) -> Payload:
        user = self._user(params.get("user_id"))
        view = self._store_view(params.get("view"), view_id=self._homes.get(user.id), home=True)
        self._homes[user.id] = view["id"]
        return {"view": view}


_METHODS: dict[str, Callable[[SlackStandIn, Payload], Payload]] = {
    "auth.test": SlackStandIn.auth_test,
    "apps.connections.open": SlackStandIn.apps_connections_open,
    "users.info": SlackStandIn.users_info,
    "users.profile.get": SlackStandIn.users_profile_get,
    "dnd.info": SlackStandIn.dnd_info,
    "conversations.open": SlackStandIn.conversations_open,
    "conversations.join": SlackStandIn.conversations_join,
    "conversations.info": SlackStandIn.conversations_info,
    "conversations.members": SlackStandIn.conversations_members,
    "conversations.history": SlackStandIn.conversations_history,
    "conversations.replies": SlackStandIn.conversations_replies,
    "usergroups.users.list": SlackStandIn.usergroups_users_list,
    "chat.postMessage": SlackStandIn.chat_post_message,
    "chat.update": SlackStandIn.chat_update,
    "chat.postEphemeral": SlackStandIn.chat_post_ephemeral,
    "chat.getPermalink": SlackStandIn.chat_get_permalink,
    "files.getUploadURLExternal": SlackStandIn.files_get_upload_url_external,
    "files.completeUploadExternal": SlackStandIn.files_complete_upload_external,
    "usergroups.list": SlackStandIn.usergroups_list,
    "views.open": SlackStandIn.views_open,
    "views.push": SlackStandIn.views_push,
    "views.update": SlackStandIn.views_update,
    "views.publish": SlackStandIn.views_publish,
}

_REASONS = {200: "OK", 429: "Too Many Requests", 500: "Internal Server Error", 503: "Unavailable"}


SURFACE_METHODS = frozenset(
    {
        "chat.postMessage",
        "chat.update",
        "chat.postEphemeral",
        "response_url",
        "views.open",
        "views.push",
        "views.update",
        "views.publish",
    }
)


def _dm_id(user_id: str) -> str:
    return f"D{user_id}"


def _read_params(environ: Payload) -> Payload:
    """Query string, form or JSON body, with JSON-encoded fields (blocks, view…) decoded."""
    params: Payload = {k: v[-1] for k, v in parse_qs(str(environ.get("QUERY_STRING", ""))).items()}
    length = int(environ.get("CONTENT_LENGTH") or 0)
    raw = environ["wsgi.input"].read(length) if length else b""
    content_type = str(environ.get("CONTENT_TYPE", ""))
    if raw and "json" in content_type:
        body = json.loads(raw)
        if isinstance(body, dict):
            params.update(body)
    elif raw:
        params.update({k: v[-1] for k, v in parse_qs(raw.decode()).items()})
    for key in JSON_FIELDS:
        value = params.get(key)
        if isinstance(value, str) and value:
            with contextlib.suppress(json.JSONDecodeError):  # left as is: the checks refuse it
                params[key] = json.loads(value)
    return params
