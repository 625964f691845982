"""/publish, /kpi, the decision prompt, POST /kpi and the digest, over signed HTTP."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import requests
from sqlmodel import select

from store.models import Publish
from tests.conftest import RunningBaton
from tests.handoffs.test_handoff_flow import wait_for

RULES = (
    "engagement_rate < 0.02 -> rewrite the hook\n"
    "reach >= 1000 and click_through_rate >= 0.01 -> repeat next week on X"
)
FORM = {
    "Name": "spring launch",
    "Link": "https://www.linkedin.com/posts/acme-spring",
    "Surface": "LinkedIn",
    "Owner": "U0ANA",
    "Backup owner": "U0BEN",
    # ana is in Berlin: 11:00-13:00 UTC on Tue 2026-11-24.
    "Posting window": "2026-11-24 12:00-14:00",
    "Decision rules": RULES,
}
INGEST_TOKEN = "ingest-secret"


@pytest.fixture
def baton(baton_factory: Any, database_url: str) -> RunningBaton:
    running: RunningBaton = baton_factory(
        database_url, ingest_token=INGEST_TOKEN, strategy_channel="C0STRATEGY"
    )
    running.standin.add_channel("C0STRATEGY", "strategy")
    return running


def open_publish(baton: RunningBaton, text: str = "spring launch") -> dict[str, Any]:
    opened = len(baton.standin.calls_to("views.open"))
    assert baton.slack.command("/publish", text, user="U0ANA").status_code == 200
    wait_for(lambda: baton.standin.calls_to("views.open"), count=opened + 1)
    return baton.slack.last_view()


def publish(baton: RunningBaton, **changes: Any) -> requests.Response:
    form = {k: v for k, v in {**FORM, **changes}.items() if v is not None}
    return baton.slack.submit(open_publish(baton), form, user="U0ANA")


def errors_of(response: requests.Response) -> dict[str, str]:
    body = response.json()
    assert body["response_action"] == "errors"
    errors: dict[str, str] = body["errors"]
    return errors


def command(baton: RunningBaton, name: str, text: str, user: str = "U0ANA") -> str:
    before = len(baton.standin.ephemerals(user))
    assert baton.slack.command(name, text, user=user).status_code == 200
    wait_for(lambda: baton.standin.ephemerals(user), count=before + 1)
    answer = baton.standin.ephemerals(user)[-1]
    return baton.standin.render(answer.get("blocks") or [], answer["text"])


def posts_in(baton: RunningBaton, channel: str) -> list[dict[str, Any]]:
    """Top-level messages: a digest, without the charts Baton uploads into its thread."""
    return [m for m in baton.standin.messages(channel) if not m.get("thread_ts")]


def thread(baton: RunningBaton) -> list[dict[str, Any]]:
    return [m for m in baton.standin.messages("C0LAUNCH") if m.get("thread_ts")]


@pytest.fixture
def published(baton: RunningBaton) -> RunningBaton:
    response = publish(baton)
    assert response.status_code == 200 and "errors" not in response.text
    wait_for(lambda: baton.standin.messages("C0LAUNCH"))
    return baton


def test_publish_opens_a_modal_with_the_contract_fields(baton: RunningBaton) -> None:
    view = open_publish(baton)
    labels = [b["label"]["text"] for b in view["blocks"] if b["type"] == "input"]
    assert labels == [
        "Name",
        "Link",
        "Surface",
        "Owner",
        "Backup owner",
        "Approvers",
        "Posting window",
        "Decision rules",
        "Tracking labels",
    ]
    assert view["blocks"][0]["element"]["initial_value"] == "spring launch"


def test_the_record_is_posted_with_its_decision_table(published: RunningBaton) -> None:
    post = published.standin.messages("C0LAUNCH")[0]
    text = published.standin.render(post["blocks"], post["text"])
    assert text.splitlines()[0] == "spring launch"
    for expected in ("LinkedIn", "@ana", "@ben", "engagement_rate < 0.02", "rewrite the hook"):
        assert expected in text


def test_owners_are_required_and_different(baton: RunningBaton) -> None:
    assert "owner" in errors_of(publish(baton, Owner=None))["owner"].lower()
    errors = errors_of(publish(baton, **{"Backup owner": "U0ANA"}))
    assert "someone other than the owner" in errors["backup_owner"]
    assert "bot" in errors_of(publish(baton, **{"Backup owner": "U0BOT"}))["backup_owner"]


def test_rules_are_refused_with_the_line_and_the_grammar(baton: RunningBaton) -> None:
    no_action = errors_of(publish(baton, **{"Decision rules": "reach >= 1000\n"}))["rules"]
    assert "Line 1" in no_action and "candidate action" in no_action
    unknown = "reach >= 1000 -> repeat\nvibes > 3 -> party"
    assert "Line 2" in errors_of(publish(baton, **{"Decision rules": unknown}))["rules"]
    garbled = errors_of(publish(baton, **{"Decision rules": "reach >>= 10 -> x"}))["rules"]
    assert "Line 1" in garbled and "->" in garbled
    assert published_nothing(baton)


def test_a_bad_window_and_a_bad_link_are_refused(baton: RunningBaton) -> None:
    errors = errors_of(publish(baton, **{"Posting window": "tomorrow evening", "Link": "x"}))
    assert "YYYY-MM-DD" in errors["window"] and "https://" in errors["link"]


def test_a_duplicated_publish_window_is_refused(published: RunningBaton) -> None:
    errors = errors_of(
        publish(
            published, Name="spring launch again", **{"Posting window": "2026-11-24 13:30-15:00"}
        )
    )
    assert "Duplicated publish window" in errors["window"] and "spring launch" in errors["window"]
    other_surface = publish(
        published, Name="spring on X", Surface="X", **{"Posting window": "2026-11-24 13:30-15:00"}
    )
    assert "errors" not in other_surface.text
    taken = errors_of(publish(published, **{"Posting window": "2026-11-25 12:00-14:00"}))
    assert "already exists" in taken["name"]


def published_nothing(baton: RunningBaton) -> bool:
    time.sleep(0.1)
    return baton.standin.messages("C0LAUNCH") == []


def test_kpi_readings_are_checked_and_confirmed(published: RunningBaton) -> None:
    said = command(published, "/kpi", '"spring launch" reach=1200 engagement_rate=0.015')
    assert "reach = 1200" in said and "engagement_rate = 0.015" in said
    for bad, expected in (
        ('"spring launch" reach=lots', "reach"),
        ('"spring launch" engagement_rate=3.5', "engagement_rate"),
        ('"spring launch" vibes=3', "vibes"),
        ('"spring launch" reach=10 at=2027-01-01T00:00Z', "future"),
    ):
        answer = command(published, "/kpi", bad)
        assert "Nothing was logged" in answer and expected in answer, answer
    assert "No publish called" in command(published, "/kpi", '"autumn launch" reach=5')


def test_kpi_alone_opens_a_form(published: RunningBaton) -> None:
    opened = len(published.standin.calls_to("views.open"))
    published.slack.command("/kpi", "", user="U0ANA")
    wait_for(lambda: published.standin.calls_to("views.open"), count=opened + 1)
    view = published.slack.last_view()
    response = published.slack.submit(
        view, {"Publish": "spring launch", "Readings": "reach=900\nclicks=12"}, user="U0ANA"
    )
    assert response.status_code == 200 and "errors" not in response.text
    wait_for(lambda: published.standin.ephemerals("U0ANA"))
    assert "reach = 900" in published.standin.ephemerals("U0ANA")[-1]["text"]


def advance_to(baton: RunningBaton, instant: datetime) -> None:
    baton.clock.set(instant)
    baton.sweep()


DECISION_DUE = datetime(2026, 11, 25, 11, 0, tzinfo=UTC)  # window start + 24h
IN_WINDOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def log_in_window(baton: RunningBaton, readings: str) -> str:
    """Readings count from the window's start on: log them as if during the window."""
    baton.clock.set(max(baton.clock.now(), IN_WINDOW))
    return command(baton, "/kpi", f'"spring launch" {readings}')


def test_the_decision_prompt_comes_once_in_the_thread_with_kpis_and_buttons(
    published: RunningBaton,
) -> None:
    baton = published
    log_in_window(baton, "reach=1500 engagement_rate=0.012")
    advance_to(baton, DECISION_DUE - timedelta(minutes=1))
    assert thread(baton) == []
    advance_to(baton, DECISION_DUE)
    advance_to(baton, DECISION_DUE + timedelta(minutes=5))
    replies = thread(baton)
    assert len(replies) == 1
    prompt = baton.standin.render(replies[0]["blocks"], replies[0]["text"])
    assert "engagement_rate < 0.02 (is 0.012)" in prompt
    assert "rewrite the hook: triggered" in prompt
    assert "repeat next week on X: not triggered" in prompt
    assert "Missing KPIs: click_through_rate" in prompt and "@ana" in prompt
    assert "[ Repeat ]" in prompt and "[ Revise ]" in prompt and "[ Stop ]" in prompt
    dms = [baton.standin.render(m["blocks"], m["text"]) for m in baton.standin.dms("U0ANA")]
    assert len(dms) == 1 and "click_through_rate" in dms[0] and "/kpi" in dms[0]


def revise(
    baton: RunningBaton, prompt: dict[str, Any], user: str, form: dict[str, Any]
) -> requests.Response:
    opened = len(baton.standin.calls_to("views.open"))
    baton.slack.click(prompt, "Revise", user=user, channel="C0LAUNCH")
    wait_for(lambda: baton.standin.calls_to("views.open"), count=opened + 1)
    return baton.slack.submit(baton.slack.last_view(), form, user=user)


def test_only_the_owners_decide_and_revise_names_its_action(
    published: RunningBaton,
) -> None:
    baton = published
    log_in_window(baton, "reach=1500 engagement_rate=0.012")
    advance_to(baton, DECISION_DUE)
    prompt = thread(baton)[0]
    baton.slack.click(prompt, "Stop", user="U0CAI", channel="C0LAUNCH")
    wait_for(lambda: baton.standin.ephemerals("U0CAI"))
    assert "Only @ana (owner) or @ben" in baton.standin.render(
        [], baton.standin.ephemerals("U0CAI")[-1]["text"]
    )
    assert baton.standin.calls_to("chat.update") == []
    # Revise asks which action: the triggered ones are offered, or another in words.
    opened = len(baton.standin.calls_to("views.open"))
    baton.slack.click(prompt, "Revise", user="U0BEN", channel="C0LAUNCH")
    wait_for(lambda: baton.standin.calls_to("views.open"), count=opened + 1)
    view = baton.slack.last_view()
    picked = next(b for b in view["blocks"] if b.get("label", {}).get("text") == "Action")
    assert [o["value"] for o in picked["element"]["options"]] == ["rewrite the hook"]
    neither = baton.slack.submit(view, {}, user="U0BEN")
    assert "say what" in neither.json()["errors"]["written"]
    both = baton.slack.submit(
        view, {"Action": "rewrite the hook", "Another action": "shorter opener"}, user="U0BEN"
    )
    assert "not both" in both.json()["errors"]["written"]
    assert baton.slack.submit(view, {"Action": "rewrite the hook"}, user="U0BEN").text == ""
    wait_for(lambda: baton.standin.calls_to("chat.update"))
    updated = baton.standin.render(thread(baton)[0]["blocks"])
    assert "Decided: Revise: rewrite the hook, decided by @ben" in updated
    assert "takes up" not in updated  # one action, never a contradiction
    # A click on the message as it was before (a race) is told what won, and changes nothing.
    seen = len(baton.standin.ephemerals("U0ANA"))  # /kpi's confirmation
    baton.slack.click(prompt, "Repeat", user="U0ANA", channel="C0LAUNCH")
    wait_for(lambda: baton.standin.ephemerals("U0ANA"), count=seen + 1)
    told = baton.standin.ephemerals("U0ANA")[-1]["text"]
    assert "Already decided: Revise: rewrite the hook" in told
    assert len(baton.standin.calls_to("chat.update")) == 1


def test_the_owner_changes_a_decision_and_the_change_is_shown(published: RunningBaton) -> None:
    baton = published
    log_in_window(baton, "reach=1500 engagement_rate=0.012")
    advance_to(baton, DECISION_DUE)
    baton.slack.click(thread(baton)[0], "Repeat", user="U0ANA", channel="C0LAUNCH")
    wait_for(lambda: baton.standin.calls_to("chat.update"))
    decided = thread(baton)[0]
    # cai may not change it either.
    baton.slack.click(decided, "Stop", user="U0CAI", channel="C0LAUNCH")
    wait_for(lambda: baton.standin.ephemerals("U0CAI"))
    assert "Only @ana" in baton.standin.render([], baton.standin.ephemerals("U0CAI")[-1]["text"])
    assert revise(baton, decided, "U0BEN", {"Another action": "shorter opener"}).text == ""
    wait_for(lambda: baton.standin.calls_to("chat.update"), count=2)
    shown = baton.standin.render(thread(baton)[0]["blocks"])
    assert "Decided: Revise: shorter opener, decided by @ben" in shown
    assert "Changed from: Repeat, decided by @ana" in shown
    with baton.services.db.read() as session:
        row = session.exec(select(Publish)).one()
    assert (row.decision, row.decision_action, row.decided_by) == (
        "revise",
        "shorter opener",
        "U0BEN",
    )


def test_only_readings_from_the_window_on_count(published: RunningBaton) -> None:
    """The window opens 11:00 UTC on the 24th; a reading from before it is listed, not used."""
    baton = published
    log_in_window(baton, "engagement_rate=0.01 at=2026-11-24T09:00Z")
    log_in_window(baton, "reach=1500 at=2026-11-24T12:00Z")
    advance_to(baton, DECISION_DUE)
    prompt = baton.standin.render(thread(baton)[0]["blocks"])
    assert "Before the window (ignored): engagement_rate 0.01" in prompt
    assert "engagement_rate < 0.02 (is no reading) ?" in prompt
    assert "rewrite the hook: not triggered" in prompt
    assert "Missing KPIs: click_through_rate, engagement_rate" in prompt


def test_an_open_decision_reminds_the_owner_then_the_backup_owner(
    published: RunningBaton,
) -> None:
    baton = published
    log_in_window(baton, "reach=1500 engagement_rate=0.03 click_through_rate=0.02")
    advance_to(baton, DECISION_DUE)
    assert baton.standin.dms("U0ANA") == []  # nothing missing: no DM
    advance_to(baton, DECISION_DUE + timedelta(hours=24))
    ana = [baton.standin.render(m["blocks"], m["text"]) for m in baton.standin.dms("U0ANA")]
    assert len(ana) == 1 and "needs a Repeat / Revise / Stop decision" in ana[0]
    prompt_ts = thread(baton)[0]["ts"].replace(".", "")
    link = f"<https://acme.slack.com/archives/C0LAUNCH/p{prompt_ts}|the publish thread>"
    assert link in baton.standin.dms("U0ANA")[0]["text"] and "in #launch" in ana[0]
    assert baton.standin.dms("U0BEN") == []
    advance_to(baton, DECISION_DUE + timedelta(hours=48))
    ben = [baton.standin.render(m["blocks"], m["text"]) for m in baton.standin.dms("U0BEN")]
    assert len(ben) == 1 and "it is yours" in ben[0]
    advance_to(baton, DECISION_DUE + timedelta(hours=96))
    assert len(baton.standin.dms("U0ANA")) == 1 and len(baton.standin.dms("U0BEN")) == 1


def ingest(baton: RunningBaton, body: Any, token: str | None = INGEST_TOKEN) -> requests.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return requests.post(f"{baton.slack.base_url}/kpi", json=body, headers=headers, timeout=5)


def reading(**changes: Any) -> dict[str, Any]:
    return {
        "channel": "C0LAUNCH",
        "publish": "spring launch",
        "metric": "reach",
        "value": 2000,
        "observed_at": "2026-11-24T20:00:00Z",
        "source": "ga4",
        **changes,
    }


def test_post_kpi_takes_readings_all_or_nothing(published: RunningBaton) -> None:
    baton = published
    advance_to(baton, datetime(2026, 11, 24, 21, 0, tzinfo=UTC))  # after the reading below
    assert ingest(baton, reading(), token=None).status_code == 401
    assert ingest(baton, reading(), token="wrong").status_code == 401
    bad = ingest(
        baton, [reading(), reading(metric="engagement_rate", value=7), reading(observed_at=None)]
    )
    assert bad.status_code == 422
    fields = {(e["index"], e["field"]) for e in bad.json()["errors"]}
    assert (1, "value") in fields and (2, "observed_at") in fields
    unknown = ingest(baton, reading(publish="nope"))
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "publish"
    ok = ingest(baton, [reading(), reading(metric="engagement_rate", value=0.05)])
    assert ok.status_code == 201 and ok.json() == {"recorded": 2}
    advance_to(baton, DECISION_DUE)
    prompt = baton.standin.render(thread(baton)[0]["blocks"])
    assert "reach 2000" in prompt and "engagement_rate 0.05" in prompt


def test_post_kpi_is_off_without_a_token(baton_factory: Any) -> None:
    baton: RunningBaton = baton_factory()
    assert ingest(baton, reading()).status_code == 404


def test_the_weekly_digest_goes_to_the_strategy_channel_once(published: RunningBaton) -> None:
    baton = published
    log_in_window(baton, "reach=1500 engagement_rate=0.012")
    advance_to(baton, DECISION_DUE)
    revise(baton, thread(baton)[0], "U0ANA", {"Another action": "shorter opener"})
    wait_for(lambda: baton.standin.calls_to("chat.update"))
    monday = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    advance_to(baton, monday - timedelta(minutes=1))
    assert posts_in(baton, "C0STRATEGY") == []
    advance_to(baton, monday)
    advance_to(baton, monday + timedelta(hours=1))
    digests = posts_in(baton, "C0STRATEGY")
    assert len(digests) == 1
    text = baton.standin.render(digests[0]["blocks"], digests[0]["text"])
    assert "LinkedIn: 1 publish" in text
    assert "rewrite the hook ×1" in text
    assert "Revise: shorter opener, decided by @ana" in text
    # Every observation carries a candidate action, or says no rule covers it.
    assert (
        "engagement_rate median 0.012 (no baseline) → engagement_rate < 0.02 in 1 of 1 "
        "LinkedIn publishes → “rewrite the hook” (rule of “spring launch”)"
    ) in text
    assert "reach median 1500 (no baseline) → no rule on it fired" in text
    assert "Cycle time (can the next person move immediately?)" in text
    assert "Publishes by owner\n• @ana: 1 publish" in text
    on_demand = command(baton, "/digest", "2", user="U0CAI")
    assert "LinkedIn: 1 publish" in on_demand


def test_publish_offers_the_surfaces_of_surfaces_yml(
    baton_factory: Any, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "surfaces.yml").write_text("Mastodon:\n  max_chars: 500\nLinkedIn: {}\n")
    monkeypatch.chdir(tmp_path)
    baton: RunningBaton = baton_factory()
    view = open_publish(baton)
    [surface] = [b for b in view["blocks"] if b.get("block_id") == "surface"]
    assert [o["value"] for o in surface["element"]["options"]] == ["Mastodon", "LinkedIn"]
    assert publish(baton, Surface="Mastodon").text == ""
