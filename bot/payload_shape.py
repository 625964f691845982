"""Is a signed body shaped as Slack shapes its payloads? Bolt's context extractors and
matchers, and Baton's listeners, index into payloads assuming Slack's shapes; a body that is
signed but shaped otherwise is refused here with 400 instead of tripping them.

The models hold only the fields Bolt or Baton read, with the types Slack documents; anything
else is allowed through untouched (`extra="allow"`).
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import parse_qsl

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from bot import safe_json

MAX_DEPTH = 64  # Slack's deepest payloads (modals with rich text in their state) nest ~20
# A field that may be absent but, when present, is never null (defaults are not validated).
_ABSENT_ONLY: Any = None


class _Shape(BaseModel):
    model_config = ConfigDict(extra="allow", strict=True)


class _Identified(_Shape):
    id: str | None = None
    team_id: str | None = None
    enterprise_id: str | None = None


class _ResponseUrl(_Shape):
    response_url: str | None = None


class _Nested(_Shape):
    """What Bolt reads in an event, a message, an item: ids as strings or objects."""

    type: str | None = None
    user: str | _Identified | None = None
    user_id: str | None = None
    team: str | _Identified | None = None
    user_team: str | None = None
    enterprise: str | _Identified | None = None
    enterprise_id: str | None = None
    channel: str | _Identified | None = None
    channel_id: str | None = None
    thread_ts: str | None = None
    bot_access_token: str | None = None
    function_execution_id: str | None = None
    inputs: dict[str, Any] | None = None
    message: _Nested | None = None
    previous_message: _Nested | None = None
    item: _Nested | None = None
    assistant_thread: _Nested | None = None
    tab: str | None = None


class _Option(_Shape):
    value: str | None = None


class _ElementState(_Shape):
    type: str | None = None
    value: str | None = None
    selected_user: str | None = None
    selected_users: list[str] | None = None
    selected_conversation: str | None = None
    selected_channel: str | None = None
    selected_date: str | None = None
    selected_time: str | None = None
    selected_date_time: Annotated[int, Field(ge=0, lt=2**32)] | None = None  # Unix seconds
    selected_option: _Option | None = None
    selected_options: list[_Option] | None = None


class _State(_Shape):
    values: dict[str, dict[str, _ElementState]] = {}


class _View(_Shape):
    # Slack sends both with every view; Bolt reads `type` (is it a workflow step's view?) and
    # Baton `id` (which form this is) without asking whether they are there.
    id: str
    type: str
    callback_id: str | None = None
    private_metadata: str | None = None
    hash: str | None = None
    team_id: str | None = None
    app_installed_team_id: str | None = None
    state: _State = _ABSENT_ONLY


class _Action(_Shape):
    action_id: str
    block_id: str | None = None
    type: str | None = None
    value: str | None = None


class _FunctionData(_Shape):
    execution_id: str | None = None
    inputs: dict[str, Any] | None = None


class _Envelope(_Nested):
    """Every payload: slash commands (form fields), interactions (`payload=`), events."""

    event: _Nested = _ABSENT_ONLY
    event_id: str | None = None
    # Bolt reads the first authorization as it reads the envelope itself.
    authorizations: list[_Envelope] | None = None
    is_enterprise_install: bool | str | None = None
    is_ext_shared_channel: bool | None = None
    context_team_id: str | None = None
    context_enterprise_id: str | None = None
    view: _View = _ABSENT_ONLY
    container: dict[str, Any] = _ABSENT_ONLY
    actions: Annotated[list[_Action], Field(min_length=1)] = _ABSENT_ONLY  # Bolt reads [0]
    response_url: str | None = None
    # Bolt takes len() of it when present, and fails on more than one entry (it logs through a
    # context logger that does not exist yet); Baton's modals never ask for response URLs.
    response_urls: Annotated[list[_ResponseUrl], Field(max_length=1)] = []
    function_data: _FunctionData = _ABSENT_ONLY
    trigger_id: str | None = None
    callback_id: str | None = None
    command: str | None = None
    text: str | None = None
    challenge: str | None = None


class _Command(_Envelope):
    command: str
    user_id: str
    channel_id: str
    text: str = ""


class _UserObject(_Shape):
    id: str


class _Interaction(_Envelope):
    type: str
    user: _UserObject  # type: ignore[assignment]  # narrower than an event's: always an object


class _Submission(_Interaction):
    view: _View


class _Clicks(_Interaction):
    actions: Annotated[list[_Action], Field(min_length=1)]


class _EventCallback(_Envelope):
    type: str
    event: _Nested


_BY_TYPE: dict[str, TypeAdapter[Any]] = {
    "view_submission": TypeAdapter(_Submission),
    "view_closed": TypeAdapter(_Submission),
    "block_actions": TypeAdapter(_Clicks),
    "block_suggestion": TypeAdapter(_Interaction),
    "shortcut": TypeAdapter(_Interaction),
    "message_action": TypeAdapter(_Interaction),
    "event_callback": TypeAdapter(_EventCallback),
}
_COMMAND = TypeAdapter(_Command)
_ANY = TypeAdapter(_Envelope)


def slack_payload(text: str, content_type: str | None) -> dict[str, Any] | None:
    """The payload as Bolt will read it, or None when it is not one Slack would send."""
    try:
        body = _parse(text, (content_type or "").split(";")[0])
    except ValueError:
        return None
    if not isinstance(body, dict) or not body:
        return None
    kind = body.get("type")
    if not isinstance(kind, str | None):
        return None
    adapter = _COMMAND if "command" in body else _BY_TYPE.get(kind or "", _ANY)
    try:
        adapter.validate_python(body)
    except ValidationError:
        return None
    return body


def _parse(text: str, content_type: str) -> Any:
    # As slack_bolt.request.internals.parse_body, with nesting measured before parsing.
    if content_type == "application/json" or text.startswith("{"):
        return safe_json.loads(text, max_depth=MAX_DEPTH)
    if "payload" in text:
        payload = dict(parse_qsl(text, keep_blank_values=True)).get("payload")
        return safe_json.loads(payload, max_depth=MAX_DEPTH) if payload is not None else {}
    return dict(parse_qsl(text, keep_blank_values=True))
