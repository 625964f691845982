"""Logging as the settings ask, with every configured secret masked."""

from __future__ import annotations

from bot.config import Settings
from bot.observability.logging import configure_logging


def configure_from(settings: Settings) -> None:
    configure_logging(
        settings.log_level,
        settings.log_format,
        secrets=(
            settings.slack_bot_token,
            settings.slack_signing_secret,
            settings.slack_app_token,
            settings.ingest_token,
        ),
    )
