"""/report over signed HTTP shows only what the asker can read: a public channel or one they
are in, in the ephemeral and in the chart DM alike. Its header names the channel as Slack
shows it, and odd numbers get the usage, not "Baton could not do that"."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlmodel import col, select

from store.models import OutboxMessage
from tests.conftest import RunningBaton
from tests.handoffs.test_handoff_flow import GOOD_FORM, wait_for
from tests.publishing.test_publish_flow import FORM, command

SECRET = "C0SECRET"


def hand_to_ana(baton: RunningBaton, channel: str, item: str) -> dict[str, Any]:
    """Cai hands `item` to Ana in `channel`; Ana's DM with the handoff."""
    opened = len(baton.standin.calls_to("views.open"))
    dms = len(baton.standin.dms("U0ANA"))
    assert baton.slack.command("/handoff", item, user="U0CAI", channel=channel).status_code == 200
    wait_for(lambda: baton.standin.calls_to("views.open"), count=opened + 1)
    form = {**GOOD_FORM, "Work item": item, "Backup owner": None}
    answer = baton.slack.submit(
        baton.slack.last_view(), {k: v for k, v in form.items() if v is not None}, user="U0CAI"
    )
    assert answer.text == "", answer.text
    wait_for(lambda: baton.standin.dms("U0ANA"), count=dms + 1)
    return baton.standin.dms("U0ANA")[-1]


def with_a_secret(baton: RunningBaton) -> None:
    """Ana's handoffs: one in #secret (Ana and Cai only), acknowledged after 5h, and one in
    #launch (public), acknowledged after 1h."""
    baton.standin.add_channel(
        SECRET, "secret", is_private=True, members={"U0ANA", "U0CAI"}, bot_member=True
    )
    secret = hand_to_ana(baton, SECRET, "acquisition plan")
    public = hand_to_ana(baton, "C0LAUNCH", "launch copy")
    baton.clock.advance(timedelta(hours=1))
    baton.slack.click(public, "Acknowledge", user="U0ANA", channel=public["channel"])
    baton.clock.advance(timedelta(hours=4))
    baton.slack.click(secret, "Acknowledge", user="U0ANA", channel=secret["channel"])


def charts_for(baton: RunningBaton, user: str) -> list[OutboxMessage]:
    with baton.services.db.read() as session:
        return list(
            session.exec(
                select(OutboxMessage)
                .where(col(OutboxMessage.idempotency_key).startswith(f"chart:{user}:"))
                .order_by(col(OutboxMessage.id))
            ).all()
        )


def chart_spec(baton: RunningBaton, user: str) -> dict[str, Any]:
    spec: dict[str, Any] = charts_for(baton, user)[-1].blocks[0]
    return spec


def test_a_persons_report_leaves_out_private_channels_the_asker_is_not_in(
    baton: RunningBaton,
) -> None:
    with_a_secret(baton)
    said = command(baton, "/report", "<@U0ANA|ana>", user="U0DEE")
    assert "#launch: 1 handoff;" in said, said
    assert "secret" not in said and SECRET not in said
    assert "@ana: 1 handoff;" in said
    # The chart DM obeys the same filter: Ana's public handoff alone, acknowledged after 1h.
    assert [v for v in chart_spec(baton, "U0DEE")["ack_p90"] if v is not None] == [1.0]
    # Someone in #secret sees both, and its chart counts both (p90 of 1h and 5h: 5h).
    both = command(baton, "/report", "<@U0ANA|ana>", user="U0CAI")
    assert "#secret: 1 handoff;" in both and "#launch: 1 handoff;" in both, both
    assert [v for v in chart_spec(baton, "U0CAI")["ack_p90"] if v is not None] == [5.0]


def test_a_private_channel_named_by_someone_outside_it_is_not_reported(
    baton: RunningBaton,
) -> None:
    with_a_secret(baton)
    said = command(baton, "/report", f"<#{SECRET}|secret>", user="U0DEE")
    assert "public channel or of a channel you are in" in said, said
    assert "handoff" not in said
    assert charts_for(baton, "U0DEE") == []  # and no chart of it either
    inside = command(baton, "/report", f"<#{SECRET}|secret>", user="U0ANA")
    assert "#secret: 1 handoff;" in inside, inside
    assert len(charts_for(baton, "U0ANA")) == 1


def test_the_header_names_the_channel_and_the_person_as_slack_shows_them(
    baton: RunningBaton,
) -> None:
    here = command(baton, "/report", "", user="U0CAI")
    assert here.splitlines()[0] == "Cycle-time report: #launch, 4 weeks", here
    person = command(baton, "/report", "2 <@U0BEN|ben>", user="U0CAI")
    assert person.splitlines()[0] == "Cycle-time report: @ben, 2 weeks", person


def test_digits_that_are_not_ascii_get_the_usage(baton: RunningBaton) -> None:
    for text in ("²", "٣", "1" * 5000):
        said = command(baton, "/report", text, user="U0CAI")
        assert "Usage: `/report" in said, (text[:10], said)


def test_the_chart_title_names_the_scope_as_slack_named_it(baton: RunningBaton) -> None:
    def title_after(text: str) -> str:
        command(baton, "/report", text, user="U0CAI")
        baton.services.settle()
        return str(baton.standin.uploaded_files()[-1]["title"])

    assert title_after("") == "Time to acknowledge and to done, #launch"
    assert title_after("<@U0BEN|ben>") == "Time to acknowledge and to done, @ben"
    assert title_after("<#C0LAUNCH|launch>") == "Time to acknowledge and to done, #launch"


def test_an_open_handoff_far_past_act_by_in_a_private_channel_stays_in_it(
    baton: RunningBaton,
) -> None:
    baton.standin.add_channel(
        SECRET, "secret", is_private=True, members={"U0ANA", "U0CAI"}, bot_member=True
    )
    hand_to_ana(baton, SECRET, "acquisition plan")
    hand_to_ana(baton, "C0LAUNCH", "launch copy")
    baton.clock.advance(timedelta(days=3))  # neither acknowledged: both far past act-by
    outside = command(baton, "/report", "<@U0ANA|ana>", user="U0DEE")
    assert "@ana owns “launch copy”, still open" in outside, outside
    assert "acquisition plan" not in outside
    inside = command(baton, "/report", "<@U0ANA|ana>", user="U0CAI")
    assert "@ana owns “acquisition plan”" in inside and "@ana owns “launch copy”" in inside


def test_digest_on_demand_leaves_out_publishes_of_private_channels_the_asker_is_not_in(
    baton: RunningBaton,
) -> None:
    baton.standin.add_channel(
        SECRET, "secret", is_private=True, members={"U0ANA", "U0CAI"}, bot_member=True
    )
    opened = len(baton.standin.calls_to("views.open"))
    assert baton.slack.command("/publish", "acquisition", user="U0ANA", channel=SECRET).ok
    wait_for(lambda: baton.standin.calls_to("views.open"), count=opened + 1)
    form = {**FORM, "Name": "acquisition"}
    assert baton.slack.submit(baton.slack.last_view(), form, user="U0ANA").text == ""
    baton.clock.advance(timedelta(hours=2))  # its window opened
    outside = command(baton, "/digest", "", user="U0DEE")
    assert "Nothing was published in this period." in outside, outside
    assert "acquisition" not in outside
    inside = command(baton, "/digest", "", user="U0CAI")
    assert "LinkedIn: 1 publish" in inside, inside
