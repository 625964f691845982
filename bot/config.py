"""Settings from the environment or `.env`, named exactly as docs/configuration.md lists them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Annotated

from pydantic import AfterValidator, AliasChoices, Field, PlainValidator, ValidationError
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from pydantic_settings import SettingsError as PydanticSettingsError

from bot.kernel.durations import Duration
from bot.kernel.schedule import Weekly, parse_weekly
from bot.kernel.working_hours import WorkingHours
from store.db import check_url

SLACK_API_DEFAULT = "https://slack.com/api/"


def _working_hours(value: object) -> WorkingHours:
    if isinstance(value, WorkingHours):
        return value
    return WorkingHours.parse(str(value))


def _weekly(value: object) -> Weekly:
    if isinstance(value, Weekly):
        return value
    parsed = parse_weekly(str(value))
    if isinstance(parsed, str):
        raise ValueError(parsed)
    return parsed


def _api_url(value: object) -> str:
    url = str(value).strip()
    if not url.startswith(("http://", "https://")):
        raise ValueError(f"expected an http(s) URL, got {url!r}")
    return url if url.endswith("/") else url + "/"


def _choice(*allowed: str) -> Callable[[object], str]:
    def parse(value: object) -> str:
        text = str(value).strip().lower()
        if text not in allowed:
            raise ValueError(f"expected one of {', '.join(allowed)}, got {value!r}")
        return text

    return parse


def _env(name: str) -> AliasChoices:
    return AliasChoices(name, name.lower())


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", populate_by_name=True
    )

    slack_bot_token: str | None = Field(default=None, validation_alias=_env("SLACK_BOT_TOKEN"))
    slack_signing_secret: str | None = Field(
        default=None, validation_alias=_env("SLACK_SIGNING_SECRET")
    )
    slack_app_token: str | None = Field(default=None, validation_alias=_env("SLACK_APP_TOKEN"))
    slack_api_url: Annotated[str, PlainValidator(_api_url)] = Field(
        default=SLACK_API_DEFAULT, validation_alias=_env("SLACK_API_URL")
    )
    database_url: Annotated[str, AfterValidator(check_url)] = Field(
        default="sqlite:///baton.db", min_length=1, validation_alias=_env("DATABASE_URL")
    )
    port: int = Field(default=3000, ge=1, le=65535, validation_alias=_env("PORT"))
    sweep_interval: Duration = Field(
        default=timedelta(seconds=15), validation_alias=_env("BATON_SWEEP_INTERVAL")
    )
    act_within: Duration = Field(
        default=timedelta(hours=4), validation_alias=_env("BATON_ACT_WITHIN")
    )
    escalate_after: Duration = Field(
        default=timedelta(hours=2), validation_alias=_env("BATON_ESCALATE_AFTER")
    )
    decision_delay: Duration = Field(
        default=timedelta(hours=24), validation_alias=_env("BATON_DECISION_DELAY")
    )
    working_hours: Annotated[WorkingHours, NoDecode, PlainValidator(_working_hours)] = Field(
        default=WorkingHours.DEFAULT, validation_alias=_env("BATON_WORKING_HOURS")
    )
    ingest_token: str | None = Field(default=None, validation_alias=_env("BATON_INGEST_TOKEN"))
    strategy_channel: str | None = Field(
        default=None, validation_alias=_env("BATON_STRATEGY_CHANNEL")
    )
    digest_at: Annotated[Weekly, NoDecode, PlainValidator(_weekly)] = Field(
        default_factory=lambda: _weekly("Mon 09:00"), validation_alias=_env("BATON_DIGEST_AT")
    )
    delivery_lease: Duration = Field(
        default=timedelta(seconds=60), validation_alias=_env("BATON_DELIVERY_LEASE")
    )
    # Slack limits conversations.history/.replies for apps distributed outside the Marketplace
    # (1 call a minute per workspace, 15 messages a page); internal apps are exempt.
    history_limited: bool = Field(default=False, validation_alias=_env("BATON_HISTORY_LIMITED"))
    guardrail_window: Duration = Field(
        default=timedelta(days=30), validation_alias=_env("BATON_GUARDRAIL_WINDOW")
    )
    log_level: Annotated[str, PlainValidator(_choice("debug", "info", "warning", "error"))] = Field(
        default="info", validation_alias=_env("BATON_LOG_LEVEL")
    )
    log_format: Annotated[str, PlainValidator(_choice("text", "json"))] = Field(
        default="text", validation_alias=_env("BATON_LOG_FORMAT")
    )
    health_max_lag: Duration = Field(
        default=timedelta(minutes=5), validation_alias=_env("BATON_HEALTH_MAX_LAG")
    )
    reminder_limit: int = Field(
        default=3, ge=1, le=365, validation_alias=_env("BATON_REMINDER_LIMIT")
    )


ENV_NAMES: dict[str, str] = {
    name: str(field.validation_alias.choices[0])  # type: ignore[union-attr]
    for name, field in Settings.model_fields.items()
}


class SettingsError(Exception):
    """A setting is missing or malformed; the message is one line naming it."""


def describe_error(error: ValidationError) -> str:
    first = error.errors()[0]
    field = str(first["loc"][0]) if first["loc"] else "settings"
    env_name = next(
        (env for name, env in ENV_NAMES.items() if field in (name, env, env.lower())), field
    )
    message = str(first["msg"]).removeprefix("Value error, ")
    return f"{env_name}: {message}"


def load_settings(*, env_file: str | None = ".env", **overrides: object) -> Settings:
    """Settings from the environment and `env_file`; keyword overrides win (tests, demo)."""
    try:
        return Settings(_env_file=env_file, **overrides)  # type: ignore[arg-type]
    except ValidationError as error:
        raise SettingsError(describe_error(error)) from None
    except PydanticSettingsError as error:  # a value the environment source could not read
        raise SettingsError(str(error)) from None


def require(settings: Settings, *names: str) -> None:
    """Stop with the first missing setting a command needs."""
    for name in names:
        if not getattr(settings, name):
            raise SettingsError(f"{ENV_NAMES[name]}: required, but not set")
