"""manifest.yml installs as is: it validates against Slack's manifest schema and declares
exactly what Baton serves."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from bot.slack_standin.scopes import MANIFEST_BOT_SCOPES

ROOT = Path(__file__).resolve().parents[2]
# SchemaStore's slack-app-manifest.json (Apache-2.0), copied from ../shared/schemas.
SCHEMA = ROOT / "tests" / "fixtures" / "slack-app-manifest.schema.json"


def manifest() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((ROOT / "manifest.yml").read_text())
    return loaded


def test_manifest_validates_against_slacks_schema() -> None:
    jsonschema.validate(manifest(), json.loads(SCHEMA.read_text()))


def test_manifest_declares_the_commands_and_events_baton_listens_to() -> None:
    features = manifest()["features"]
    commands = {c["command"] for c in features["slash_commands"]}
    assert commands == {
        "/handoff",
        "/blocked",
        "/publish",
        "/kpi",
        "/digest",
        "/guardrails",
        "/draft",
        "/baton",
        "/report",
    }
    assert features["app_home"]["home_tab_enabled"] is True
    settings = manifest()["settings"]
    assert settings["event_subscriptions"]["bot_events"] == ["app_home_opened"]
    assert settings["interactivity"]["is_enabled"] is True
    urls = {c["url"] for c in features["slash_commands"]}
    urls |= {settings["interactivity"]["request_url"]}
    urls |= {settings["event_subscriptions"]["request_url"]}
    assert len(urls) == 1 and urls.pop().endswith("/slack/events")


def test_manifest_asks_for_the_minimum_bot_scopes() -> None:
    scopes = set(manifest()["oauth_config"]["scopes"]["bot"])
    assert scopes == {
        "commands",  # slash commands
        "chat:write",  # posts, DMs, thread replies, updates
        "chat:write.public",  # post handoffs in channels Baton was not invited to
        "channels:join",  # join a public channel before posting, to read its own posts back
        "im:write",  # conversations.open for DMs
        "im:history",  # reconcile DMs by metadata after a crash
        "channels:history",  # reconcile channel posts and thread replies
        "groups:history",  # the same in private channels
        "mpim:history",  # the same in group DMs
        "channels:read",  # /report: is a channel public (conversations.info)
        "groups:read",  # /report: who is in a private channel (conversations.members)
        "mpim:read",  # the same for group DMs
        "users:read",  # users.info: time zones, bots, deactivated accounts
        "files:write",  # the digest's and /report's charts (files_upload_v2)
        "usergroups:read",  # escalation policies: @user-group targets (usergroups.list)
    }


def test_the_slack_stand_in_grants_the_manifests_bot_scopes() -> None:
    assert set(manifest()["oauth_config"]["scopes"]["bot"]) == MANIFEST_BOT_SCOPES


def test_a_malformed_setting_stops_serve_with_one_line_naming_it(tmp_path: Path) -> None:
    env = {
        "PATH": "/usr/bin:/bin",
        "SLACK_BOT_TOKEN": "xoxb-x",
        "SLACK_SIGNING_SECRET": "s",
        "DATABASE_URL": f"sqlite:///{tmp_path}/baton.db",
        "BATON_ESCALATE_AFTER": "soon",
    }
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "serve"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("baton: BATON_ESCALATE_AFTER:")
    assert "ISO 8601" in lines[0] and "'soon'" in lines[0]
    assert not (tmp_path / "baton.db").exists()  # stopped before touching anything


def test_a_missing_token_stops_serve_with_one_line(tmp_path: Path) -> None:
    env = {"PATH": "/usr/bin:/bin", "DATABASE_URL": f"sqlite:///{tmp_path}/baton.db"}
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "serve"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.strip() == "baton: SLACK_BOT_TOKEN: required, but not set"
