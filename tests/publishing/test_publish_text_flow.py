"""The publish loop's own surfaces show user text as text: the approval DMs, the approvals and
readiness lines, a request for changes, the Revise modal and prompt, the digest and /report."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.slack_standin.payloads import typed
from tests.conftest import RunningBaton
from tests.handoffs.test_handoff_flow import wait_for
from tests.handoffs.test_user_text_flow import DISGUISED, PEOPLE, PING, TICKS, shown
from tests.publishing.test_publish_flow import (
    DECISION_DUE,
    IN_WINDOW,
    advance_to,
    baton,  # noqa: F401  (the fixture: a strategy channel and an ingest token)
    command,
    posts_in,
    publish,
    revise,
    thread,
)

LINK = "https://www.linkedin.com/posts/acme-spring"


def test_hostile_text_in_the_publish_loop_stays_text(baton: RunningBaton) -> None:  # noqa: F811
    answer = publish(
        baton,
        Name=PING,
        Approvers=["U0CAI", "U0DEE"],
        **{"Decision rules": f"engagement_rate < 0.02 -> {TICKS}"},
    )
    assert answer.text == "", answer.text
    wait_for(lambda: baton.standin.dms("U0DEE"))
    request = baton.standin.dms("U0DEE")[-1]
    assert f"asks you to approve {PING}" in shown(baton, request)

    # A request for changes in hostile words: back to the owner, and on the post, as text.
    opened = len(baton.standin.calls_to("views.open"))
    baton.slack.click(request, "Request changes", user="U0DEE", channel="DU0DEE")
    wait_for(lambda: baton.standin.calls_to("views.open"), count=opened + 1)
    note = f"{DISGUISED}\n{PING}"
    sent = baton.slack.submit(baton.slack.last_view(), {"What to change": note}, user="U0DEE")
    assert sent.text == ""
    wait_for(lambda: baton.standin.dms("U0ANA"))
    back = shown(baton, baton.standin.dms("U0ANA")[-1])
    assert DISGUISED in back and PING in back
    post = next(m for m in baton.standin.messages("C0LAUNCH") if not m.get("thread_ts"))
    assert DISGUISED in shown(baton, post)

    # The prompt, and Revise with an action in hostile words.
    baton.clock.set(IN_WINDOW)
    command(baton, "/kpi", typed(f'"{PING}" engagement_rate=0.01'))
    advance_to(baton, DECISION_DUE)
    prompt = thread(baton)[0]
    assert f"{TICKS}: triggered" in shown(baton, prompt)
    assert revise(baton, prompt, "U0ANA", {"Another action": DISGUISED}).text == ""
    wait_for(lambda: baton.standin.calls_to("chat.update"))
    assert f"Decided: Revise: {DISGUISED}, decided by @ana" in shown(baton, thread(baton)[0])

    # The digest and the report.
    monday = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    advance_to(baton, monday)
    advance_to(baton, monday + timedelta(hours=1))
    [digest] = posts_in(baton, "C0STRATEGY")
    text = shown(baton, digest)
    assert f"Revise: {DISGUISED}, decided by @ana" in text and TICKS in text
    assert "Cycle-time report" in command(baton, "/report", "", user="U0CAI")

    # Across everything Baton sent: only its own mentions, dates, channels and links are live.
    targets = {token.split("^")[0] for _, token in baton.standin.live_tokens_sent()}
    links = {t for t in targets if t.startswith("http")}
    assert links <= {LINK} | {t for t in links if t.startswith("https://slack.com/archives/")}
    assert targets - links <= PEOPLE | {"!date", "#C0LAUNCH", "#C0STRATEGY"}
