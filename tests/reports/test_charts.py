"""Charts: valid PNGs of the promised size whose data is the report's and the digest's, and
the stand-in's files_upload_v2 methods checked as Slack checks them."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest
from PIL import Image
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.reports.charts import SIZE, cycle_spec, describe, kpi_spec, render
from bot.reports.cycle_time import WeekPoint
from bot.slack_standin import SlackStandIn
from tests.conftest import BOT_TOKEN, RunningBaton
from tests.handoffs.test_handoff_flow import wait_for
from tests.publishing.test_publish_flow import (
    FORM,
    advance_to,
    baton,
    command,
    log_in_window,
    open_publish,
)
from tests.reports.test_report_flow import hand_to_ben

__all__ = ["baton"]
MONDAY = datetime(2026, 11, 2, 9, tzinfo=UTC)
PNG = b"\x89PNG\r\n\x1a\n"


def image(data: bytes) -> Image.Image:
    assert data.startswith(PNG)
    picture = Image.open(io.BytesIO(data))
    picture.verify()
    return Image.open(io.BytesIO(data))


def test_a_cycle_time_chart_is_a_png_of_the_size_with_the_reports_numbers() -> None:
    points = [
        WeekPoint(MONDAY, 1.0, 3.0, None, None),
        WeekPoint(MONDAY + timedelta(weeks=1), 6.0, 6.0, 10.0, 12.0),
    ]
    spec = cycle_spec(points)
    assert image(render(spec)).size == SIZE
    assert spec["ack_p50"] == [1.0, 6.0] and spec["done_p90"] == [None, 12.0]
    words = describe(spec)
    assert "ack p50 (h): 11-02 1, 11-09 6" in words and "done p50 (h): 11-02 —, 11-09 10" in words


def test_a_kpi_chart_draws_each_surface_and_says_the_same_in_words() -> None:
    weeks = [MONDAY, MONDAY + timedelta(weeks=1)]
    spec = kpi_spec(weeks, {"LinkedIn": {"reach": [None, 1500.0]}, "X": {"reach": [90.0, 120.0]}})
    assert image(render(spec)).size == SIZE
    assert "LinkedIn reach: 11-02 —, 11-09 1500" in describe(spec)
    empty = kpi_spec(weeks, {})
    assert image(render(empty)).size == SIZE


@pytest.fixture
def slack(standin: SlackStandIn) -> WebClient:
    return WebClient(token=BOT_TOKEN, base_url=standin.url)


def test_uploads_are_checked_as_slack_checks_them(standin: SlackStandIn, slack: WebClient) -> None:
    with pytest.raises(SlackApiError, match="invalid_arguments"):
        slack.files_getUploadURLExternal(filename="chart.png", length=0)
    with pytest.raises(SlackApiError, match="file_not_found"):
        slack.files_completeUploadExternal(files=[{"id": "F404"}], channel_id="C0LAUNCH")
    short = slack.files_getUploadURLExternal(filename="chart.png", length=10)
    with pytest.raises(SlackApiError, match="invalid_arguments"):  # nothing uploaded
        slack.files_completeUploadExternal(files=[{"id": short["file_id"]}], channel_id="C0LAUNCH")
    posted = slack.chat_postMessage(channel="C0LAUNCH", text="digest")
    sent = slack.files_upload_v2(
        channel="C0LAUNCH", thread_ts=posted["ts"], file=PNG + b"rest", filename="c.png", title="c"
    )
    assert sent["file"]["title"] == "c"
    [shared] = standin.uploaded_files()
    assert shared["data"] == PNG + b"rest" and shared["thread_ts"] == posted["ts"]
    reply = [m for m in standin.messages("C0LAUNCH") if m.get("files")]
    assert reply[0]["thread_ts"] == posted["ts"]
    standin.remove_scope("files:write")
    with pytest.raises(SlackApiError, match="missing_scope"):
        slack.files_getUploadURLExternal(filename="chart.png", length=10)


def test_the_digest_and_report_charts_arrive_after_the_text(baton: RunningBaton) -> None:
    assert baton.slack.submit(open_publish(baton), FORM, user="U0ANA").text == ""
    log_in_window(baton, "reach=1500 engagement_rate=0.012")
    advance_to(baton, datetime(2026, 11, 30, 9, 0, tzinfo=UTC))
    advance_to(baton, datetime(2026, 11, 30, 9, 1, tzinfo=UTC))  # the charts wait for it
    [digest] = [m for m in baton.standin.messages("C0STRATEGY") if not m.get("thread_ts")]
    thread = [f for f in baton.standin.uploaded_files() if f["channel"] == "C0STRATEGY"]
    assert {f["thread_ts"] for f in thread} == {digest["ts"]} and len(thread) == 2
    for chart in thread:
        assert image(chart["data"]).size == SIZE
    [kpis] = [f for f in thread if f["name"] == "kpi_medians.png"]
    assert "LinkedIn reach: " in str(kpis["alt_txt"]) and "11-23 1500" in str(kpis["alt_txt"])
    # One week of data: the chart starts there and says a trend needs two; the rule that
    # fired is marked on its publish.
    assert str(kpis["alt_txt"]).startswith("KPI medians by week. LinkedIn engagement_rate: 11-23")
    assert kpis["title"] == "KPI medians per surface, week of 11-23 only (a trend needs two weeks)"
    fired = "rule fired on spring launch: engagement_rate 0.012 → rewrite the hook"
    assert fired in str(kpis["alt_txt"])
    text = baton.standin.render(digest["blocks"])
    assert "reach median 1500" in text  # the same number, in words

    baton.clock.set(datetime(2026, 12, 1, 9, 0, tzinfo=UTC))
    hand_to_ben(baton, "copy")
    said = command(baton, "/report", "", user="U0CAI")
    assert "The chart comes in your DM with Baton" in said
    wait_for(lambda: [f for f in baton.standin.uploaded_files() if f["channel"] == "DU0CAI"])
    [mine] = [f for f in baton.standin.uploaded_files() if f["channel"] == "DU0CAI"]
    assert image(mine["data"]).size == SIZE and mine["thread_ts"] is None
    on_demand = command(baton, "/digest", "2", user="U0DEE")
    assert "LinkedIn: 1 publish" in on_demand  # the text is whole without the chart
    wait_for(lambda: [f for f in baton.standin.uploaded_files() if f["channel"] == "DU0DEE"])
    [kpi_chart] = [f for f in baton.standin.uploaded_files() if f["channel"] == "DU0DEE"]
    assert kpi_chart["name"] == "kpi_medians.png" and image(kpi_chart["data"]).size == SIZE
