"""`GET /metrics` carries the standard process and Python metrics, no `_created` series, and
no `error="ok"`: Web API calls are counted by method, the failed ones by error as well."""

from __future__ import annotations

from typing import Any

import requests
from prometheus_client.parser import text_string_to_metric_families

from tests.conftest import RunningBaton
from tests.handoffs.test_handoff_flow import GOOD_FORM, open_modal, wait_for
from tests.slack_driver import SlackDriver


def scrape(slack: SlackDriver) -> list[Any]:
    response = requests.get(f"{slack.base_url}/metrics", timeout=5)
    assert response.status_code == 200
    return [s for f in text_string_to_metric_families(response.text) for s in f.samples]


def test_process_and_python_metrics_without_created_series_or_ok_errors(
    baton: RunningBaton,
) -> None:
    standin = baton.standin
    view = open_modal(baton)
    assert "errors" not in baton.slack.submit(view, GOOD_FORM, user="U0CAI").text
    wait_for(lambda: standin.dms("U0ANA"))
    # One Web API call that fails: the second handoff's channel post is refused.
    standin.fail_next(method="chat.postMessage", error="not_in_channel")
    view = open_modal(baton, text="second")
    form = {**GOOD_FORM, "Work item": "second", "Next owner": "U0BEN", "Backup owner": "U0CAI"}
    assert "errors" not in baton.slack.submit(view, form, user="U0CAI").text
    wait_for(lambda: [c for c in standin.calls if c.response.get("error") == "not_in_channel"])

    samples = scrape(baton.slack)
    names = {s.name for s in samples}
    assert {
        "process_cpu_seconds_total",
        "process_resident_memory_bytes",
        "process_open_fds",
        "process_start_time_seconds",
        "python_info",
        "python_gc_collections_total",
        "python_gc_objects_collected_total",
    } <= names
    assert not [n for n in names if n.endswith("_created")]
    assert not [s for s in samples if s.labels.get("error") == "ok"]

    calls = {
        s.labels["method"]: s.value for s in samples if s.name == "baton_slack_api_calls_total"
    }
    assert all(
        set(s.labels) == {"method"} for s in samples if s.name == "baton_slack_api_calls_total"
    )
    posts = [c for c in standin.calls if c.method == "chat.postMessage"]
    assert calls["chat.postMessage"] == len(posts) >= 3  # the refused one counts as a call
    errors = {
        (s.labels["method"], s.labels["error"]): s.value
        for s in samples
        if s.name == "baton_slack_api_errors_total"
    }
    assert errors == {("chat.postMessage", "not_in_channel"): 1}
