"""The README stays a five-minute read that starts with the two commands, and the docs it links
to stay true to the code: links resolve, every setting and every export kind is documented,
the proxy example lets through what Baton accepts, and the answers documented are Baton's."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from bot.config import ENV_NAMES
from bot.handoffs.lifecycle import HandoffState
from bot.ops.export import DATED_ON_THE_ROW, HANDOFF_SENDS, KINDS
from bot.web import MAX_BODY_BYTES
from tests.conftest import RunningBaton

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
DOCS = sorted((ROOT / "docs").glob("*.md"))
MAX_README_LINES = 170
# What a fresh machine runs, byte for byte (.ci/run runs the second one as written).
DEMO = "python3 -m venv .venv && .venv/bin/pip install -q -e . && .venv/bin/baton demo"
TESTS = (
    "python3 -m venv .venv && .venv/bin/pip install -q -e '.[dev]' && .venv/bin/python -m pytest"
)

_FENCE = re.compile(r"^```.*?^```", flags=re.M | re.S)
_CODE_SPAN = re.compile(r"`[^`\n]*`")
_LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")


def prose(text: str) -> str:
    """The text without code blocks or code spans (where brackets are not links)."""
    return _CODE_SPAN.sub("", _FENCE.sub("", text))


def anchors(text: str) -> set[str]:
    """GitHub's anchors for a page's headings: lower case, punctuation dropped, spaces to -."""
    headings = re.findall(r"^#{1,6} (.+)$", _FENCE.sub("", text), flags=re.M)
    return {re.sub(r"[^\w\- ]", "", h.strip().lower()).replace(" ", "-") for h in headings}


def test_the_readme_is_short_and_opens_with_the_title_a_sentence_and_the_two_commands() -> None:
    lines = README.read_text().splitlines()
    assert len(lines) <= MAX_README_LINES
    assert lines[0] == "# Baton"
    sentence = lines[1]
    assert sentence.startswith("Baton is ") and sentence.endswith(".")
    assert ". " not in sentence  # one sentence
    opening = lines.index("```sh")
    assert lines[opening + 1 : opening + 4] == [DEMO, TESTS, "```"]
    assert opening + 2 < 6  # both commands within the first six lines


def test_ci_runs_the_readmes_second_command_verbatim() -> None:
    ci = (ROOT / ".ci" / "run").read_text().splitlines()
    assert TESTS in ci


@pytest.mark.parametrize("page", [README, *DOCS], ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_relative_link_points_to_a_file_and_heading_that_exist(page: Path) -> None:
    text = page.read_text()
    broken = []
    for target in _LINK.findall(prose(text)):
        if re.match(r"^[a-z]+:", target):  # https:, mailto:
            continue
        path, _, anchor = target.partition("#")
        resolved = (page.parent / path).resolve() if path else page
        exists = resolved.exists()
        if not exists or (anchor and anchor not in anchors(resolved.read_text())):
            broken.append(target)
    assert broken == []


def test_the_docs_exist_and_the_readme_links_each_one() -> None:
    names = {p.name for p in DOCS}
    assert {"using.md", "installing.md", "operating.md", "configuration.md"} <= names
    assert "benchmarks.md" in names
    linked = set(_LINK.findall(README.read_text()))
    assert {f"docs/{name}" for name in names | {"architecture.md"}} <= linked


def test_the_configuration_page_names_every_setting_and_only_real_ones() -> None:
    text = (ROOT / "docs" / "configuration.md").read_text()
    table = set(re.findall(r"^\| `([A-Z][A-Z0-9_]+)` \|", text, flags=re.M))
    assert table == set(ENV_NAMES.values())


def test_the_export_table_lists_every_kind_and_every_handoff_event() -> None:
    text = (ROOT / "docs" / "operating.md").read_text()
    rows = dict(re.findall(r"^\| `(\w+)` \| (.+)$", text, flags=re.M))
    for kind in KINDS:
        assert kind.name in rows
        assert f"`{kind.selected_by}`" in rows[kind.name]
    events = {"created", "acknowledged", *HANDOFF_SENDS.values()}
    events |= {s.value for s in HandoffState if s.value not in DATED_ON_THE_ROW}
    assert len(events) == 11  # with escalation_step_sent (escalation policies)
    one_row_per = rows["handoff_events"].split(" | ")[0]
    assert set(re.findall(r"`(\w+)`", one_row_per)) == events


def test_the_nginx_example_lets_through_every_body_baton_accepts() -> None:
    text = (ROOT / "docs" / "installing.md").read_text()
    (size, unit) = re.findall(r"client_max_body_size (\d+)([kKmMgG]?);", text)[0]
    allowed = int(size) * 1024 ** " kmg".index(unit.lower() or " ")
    assert allowed >= MAX_BODY_BYTES


def test_the_docs_invite_the_bot_by_the_manifests_display_name() -> None:
    manifest = yaml.safe_load((ROOT / "manifest.yml").read_text())
    name = manifest["features"]["bot_user"]["display_name"]
    for page in [README, *DOCS]:
        invited = set(re.findall(r"/invite @(\w+)", page.read_text()))
        assert invited <= {name}, page.name


def _signed(baton: RunningBaton, body: str) -> int:
    headers = baton.slack.signed_headers(body, content_type="application/json")
    return baton.slack.post(body, headers).status_code


def test_slack_events_answers_as_the_operating_page_says(baton: RunningBaton) -> None:
    page = (ROOT / "docs" / "operating.md").read_text()
    section = page.split("## What `/slack/events` answers", 1)[1].split("\n## ", 1)[0]
    assert all(f"**{status}**" in section for status in (401, 400, 404, 413))
    assert baton.slack.post("{}", {"Content-Type": "application/json"}).status_code == 401
    assert _signed(baton, "[]") == 400  # not a Slack payload at all
    assert _signed(baton, '{"type": "block_actions", "actions": []}') == 400  # a wrong field
    assert _signed(baton, '{"type": "no_such_kind"}') == 404  # shaped, but nothing handles it
    body = "command=/no-such-command&user_id=U0ANA&channel_id=C0LAUNCH&team_id=T0"
    assert baton.slack.post(body).status_code == 404
