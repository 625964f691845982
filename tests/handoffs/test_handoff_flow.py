"""/handoff end to end over signed HTTP, with Slack's Web API answered by the stand-in."""

from __future__ import annotations

import json
import time
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from tests.conftest import RunningBaton

GOOD_FORM = {
    "Work item": "launch copy",
    "Status": "Copy ready, KPI capture pending",
    "Done": "Drafted launch copy in https://docs.example.com/copy\nLegal review passed",
    "Open": "Instrumentation metadata missing",
    "Next owner": "U0ANA",
    "Next action": "Publish the copy on LinkedIn",
    "Backup owner": "U0BEN",
}


def open_modal(
    baton: RunningBaton, text: str = "launch copy", user: str = "U0CAI"
) -> dict[str, Any]:
    opened = len(baton.standin.calls_to("views.open"))
    response = baton.slack.command("/handoff", text, user=user)
    assert response.status_code == 200
    deadline = time.monotonic() + 5
    while len(baton.standin.calls_to("views.open")) == opened and time.monotonic() < deadline:
        time.sleep(0.01)
    return baton.slack.last_view()


def submit(baton: RunningBaton, **changes: Any) -> Any:
    view = open_modal(baton)
    form = {**GOOD_FORM, **changes}
    return baton.slack.submit(view, {k: v for k, v in form.items() if v is not None}, user="U0CAI")


def labels(view: dict[str, Any]) -> list[str]:
    return [b["label"]["text"] for b in view["blocks"] if b["type"] == "input"]


def test_handoff_opens_a_modal_with_the_contract_fields(baton: RunningBaton) -> None:
    view = open_modal(baton, text="launch copy")
    assert labels(view) == [
        "Work item",
        "Status",
        "Done",
        "Open",
        "Nothing open",
        "Next owner",
        "Next action",
        "Backup owner",
        "Act by",
        "Urgency",
    ]
    work_item = view["blocks"][0]["element"]
    assert work_item["initial_value"] == "launch copy"
    optional = {b["label"]["text"] for b in view["blocks"] if b.get("optional")}
    # Done is required; Open may stay empty only when "Nothing open" is ticked.
    assert optional == {"Open", "Nothing open", "Backup owner", "Act by"}


def act_by_hint_of(view: dict[str, Any]) -> str:
    act_by = next(b for b in view["blocks"] if b.get("label", {}).get("text") == "Act by")
    return str(act_by["hint"]["text"])


def test_the_act_by_hint_is_in_the_time_zone_of_who_runs_handoff(baton: RunningBaton) -> None:
    # Baton has never met cai: the first hint is in UTC, and cai's zone is learnt after.
    assert "(UTC)" in act_by_hint_of(open_modal(baton, user="U0CAI"))
    baton.services.after_ack.background_pool.wait_idle()
    assert "(America/New_York)" in act_by_hint_of(open_modal(baton, user="U0CAI"))


def test_a_valid_handoff_is_posted_and_the_next_owner_gets_a_dm(baton: RunningBaton) -> None:
    response = submit(baton)
    assert response.status_code == 200
    assert response.text in ("", "null") or json.loads(response.text) == {}

    wait_for(lambda: baton.standin.messages("C0LAUNCH"))
    wait_for(lambda: baton.standin.dms("U0ANA"))
    posts = baton.standin.messages("C0LAUNCH")
    assert len(posts) == 1
    post_text = baton.standin.render(posts[0]["blocks"], posts[0]["text"])
    assert post_text.splitlines()[0].strip() == "launch copy"
    for expected in (
        "Copy ready, KPI capture pending",
        "Drafted launch copy",
        "Legal review passed",
        "Instrumentation metadata missing",
        "@ana",
        "Publish the copy on LinkedIn",
    ):
        assert expected in post_text

    dms = baton.standin.dms("U0ANA")
    assert len(dms) == 1
    dm_text = baton.standin.render(dms[0]["blocks"], dms[0]["text"])
    assert "Publish the copy on LinkedIn" in dm_text
    assert "[ Acknowledge ]" in dm_text or "Acknowledge" in dm_text


def test_refused_fields_get_fix_it_messages_and_nothing_is_stored(baton: RunningBaton) -> None:
    response = submit(baton, **{"Status": "   ", "Next action": "", "Backup owner": "U0ANA"})
    assert response.status_code == 200
    body = response.json()
    assert body["response_action"] == "errors"
    assert set(body["errors"]) == {"status", "next_action", "backup_owner"}
    assert "next action" in body["errors"]["next_action"]
    assert baton.standin.messages("C0LAUNCH") == []
    assert baton.standin.dms("U0ANA") == []


def test_bots_deleted_and_unknown_users_are_refused(baton: RunningBaton) -> None:
    for user, says in (("U0BOT", "bot"), ("U0GONE", "deactivated"), ("U0NOBODY", "not a member")):
        body = submit(baton, **{"Next owner": user}).json()
        assert says in body["errors"]["next_owner"]
    # No handoff; what the channel may hear is the guardrail its repeated refusals propose.
    baton.services.settle()
    shown = [
        baton.standin.render(m.get("blocks") or [], m["text"])
        for m in baton.standin.messages("C0LAUNCH")
    ]
    assert all("guardrail" in text.lower() for text in shown), shown
    assert baton.standin.dms("U0ANA") == []


def test_act_by_in_the_past_is_refused(baton: RunningBaton) -> None:
    past = int((baton.clock.now() - timedelta(hours=1)).timestamp())
    body = submit(baton, **{"Act by": past}).json()
    assert "past" in body["errors"]["act_by"]


def test_too_many_done_bullets_are_refused_before_slack_would_be(baton: RunningBaton) -> None:
    done = "\n".join(f"Step {n} shipped to staging" for n in range(40))
    body = submit(baton, Done=done).json()
    assert "too many" in body["errors"]["done"]


def posted_message(baton: RunningBaton, *, dm_of: str | None = None) -> dict[str, Any]:
    def messages() -> list[dict[str, Any]]:
        return baton.standin.dms(dm_of) if dm_of else baton.standin.messages("C0LAUNCH")

    wait_for(messages)
    return messages()[-1]


def test_acknowledge_updates_dm_and_channel_post(baton: RunningBaton) -> None:
    submit(baton)
    dm = posted_message(baton, dm_of="U0ANA")
    response = baton.slack.click(dm, "Acknowledge", user="U0ANA", channel=dm["channel"])
    assert response.status_code == 200
    wait_for(lambda: baton.standin.calls_to("chat.update"), count=2)
    dm_after = baton.standin.render(posted_message(baton, dm_of="U0ANA")["blocks"])
    post_after = baton.standin.render(posted_message(baton)["blocks"])
    assert "Acknowledged by @ana" in dm_after
    assert "Acknowledged by @ana" in post_after
    assert "[ Acknowledge ]" not in post_after


def test_only_the_next_or_backup_owner_can_acknowledge(baton: RunningBaton) -> None:
    submit(baton)
    post = posted_message(baton)
    baton.slack.click(post, "Acknowledge", user="U0DEE", channel="C0LAUNCH")
    wait_for(lambda: baton.standin.ephemerals("U0DEE"))
    assert "This handoff is for @ana" in baton.standin.render(
        [], baton.standin.ephemerals("U0DEE")[-1]["text"]
    )
    assert baton.standin.calls_to("chat.update") == []

    baton.slack.click(post, "Acknowledge", user="U0BEN", channel="C0LAUNCH")
    wait_for(lambda: baton.standin.calls_to("chat.update"), count=2)


def test_a_second_click_is_harmless(baton: RunningBaton) -> None:
    submit(baton)
    dm = posted_message(baton, dm_of="U0ANA")
    baton.slack.click(dm, "Acknowledge", user="U0ANA", channel=dm["channel"])
    wait_for(lambda: baton.standin.calls_to("chat.update"), count=2)
    baton.slack.click(dm, "Acknowledge", user="U0ANA", channel=dm["channel"])
    wait_for(lambda: baton.standin.ephemerals("U0ANA"))
    assert "Already acknowledged" in baton.standin.ephemerals("U0ANA")[-1]["text"]
    assert len(baton.standin.calls_to("chat.update")) == 2


def test_bad_signature_and_stale_timestamp_get_401(baton: RunningBaton) -> None:
    body = urlencode({"command": "/handoff", "text": "", "trigger_id": "x"})
    headers = baton.slack.signed_headers(body)
    headers["X-Slack-Signature"] = "v0=" + "0" * 64
    assert baton.slack.post(body, headers).status_code == 401
    stale = baton.slack.signed_headers(body, timestamp=int(time.time()) - 6 * 60)
    assert baton.slack.post(body, stale).status_code == 401
    assert baton.standin.calls_to("views.open") == []


def test_malformed_payloads_get_4xx_and_the_app_keeps_serving(baton: RunningBaton) -> None:
    bad = baton.slack.post("payload=%7Bnot-json")
    assert 400 <= bad.status_code < 500
    unknown = baton.slack.post_payload(
        {"type": "block_actions", "actions": [], "user": {"id": "U1"}}
    )
    assert unknown.status_code < 500
    weird_click = baton.slack.post_payload(
        {
            "type": "block_actions",
            "user": {"id": "U0ANA"},
            "channel": {"id": "C0LAUNCH"},
            "actions": [
                {"action_id": "handoff_acknowledge", "value": "not-a-number", "type": "button"}
            ],
        }
    )
    assert weird_click.status_code == 200
    assert open_modal(baton)  # still serving


def test_expired_trigger_tells_the_user_to_retry(baton: RunningBaton) -> None:
    trigger = baton.standin.issue_trigger_id()
    baton.clock.advance(timedelta(seconds=4))
    body = urlencode(
        {
            "command": "/handoff",
            "text": "",
            "user_id": "U0CAI",
            "channel_id": "C0LAUNCH",
            "trigger_id": trigger,
            "team_id": "T1",
            "response_url": baton.standin.response_url("C0LAUNCH", "U0CAI"),
        }
    )
    assert baton.slack.post(body).status_code == 200
    wait_for(lambda: baton.standin.ephemerals("U0CAI"))
    assert "/handoff" in baton.standin.ephemerals("U0CAI")[-1]["text"]


def test_healthz_reports_the_database(baton: RunningBaton) -> None:
    import requests

    response = requests.get(f"{baton.slack.base_url}/healthz", timeout=5)
    assert response.status_code == 200 and response.json()["ok"] is True


def wait_for(condition: Any, *, count: int = 1, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result and len(result) >= count:
            return
        time.sleep(0.01)
    raise AssertionError(f"timed out waiting for {count} of {condition}")
