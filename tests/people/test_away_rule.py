"""The away rule: Slack's status and Do Not Disturb answers, read at a moment."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.people.away import Away, Reason, away_at, away_from, describe, presence_from_slack

AT = datetime(2026, 12, 4, 17, 0, tzinfo=UTC)  # a Friday: the act-by
BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")


def epoch(moment: datetime) -> int:
    return int(moment.timestamp())


def status(text: str = "", emoji: str = "", expires: datetime | None = None) -> dict[str, object]:
    return {
        "status_text": text,
        "status_emoji": emoji,
        "status_expiration": epoch(expires) if expires else 0,
    }


@pytest.mark.parametrize(
    ("emoji", "reason"),
    [
        (":palm_tree:", Reason.VACATION),
        (":beach_with_umbrella:", Reason.VACATION),
        (":airplane:", Reason.TRAVELLING),
        (":face_with_thermometer:", Reason.SICK),
        (":sick:", Reason.SICK),
        (":palm_tree::skin-tone-2:", Reason.VACATION),
    ],
)
def test_an_away_emoji_says_so(emoji: str, reason: Reason) -> None:
    assert away_from(status(emoji=emoji), None, AT) == Away(reason, None)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("OOO", Reason.OUT_OF_OFFICE),
        ("ooo till Monday", Reason.OUT_OF_OFFICE),
        ("Out of office", Reason.OUT_OF_OFFICE),
        ("out of the office, back soon", Reason.OUT_OF_OFFICE),
        ("Vacation!", Reason.VACATION),
        ("Holiday in Lisbon", Reason.HOLIDAY),
        ("sick", Reason.SICK),
        ("Off sick today", Reason.SICK),
        ("On leave", Reason.LEAVE),
        ("parental leave", Reason.LEAVE),
    ],
)
def test_away_words_say_so(text: str, reason: Reason) -> None:
    assert away_from(status(text=text, emoji=":sunny:"), None, AT) == Away(reason, None)


@pytest.mark.parametrize(
    ("text", "emoji"),
    [
        ("In a meeting", ":calendar:"),
        ("Commuting", ":bus:"),
        ("Focus time: booked", ""),
        ("", ""),
        ("Wooo, shipped it", ":tada:"),  # words, not parts of words
    ],
)
def test_other_statuses_are_not_away(text: str, emoji: str) -> None:
    assert away_from(status(text=text, emoji=emoji), None, AT) is None


def test_words_say_more_than_the_emoji() -> None:
    assert away_from(status("Out of office", ":airplane:"), None, AT) == Away(
        Reason.OUT_OF_OFFICE, None
    )


def test_a_status_that_expires_after_the_moment_holds_until_then() -> None:
    back = AT + timedelta(days=3)
    assert away_from(status("OOO", expires=back), None, AT) == Away(Reason.OUT_OF_OFFICE, back)


def test_a_status_that_expires_before_the_moment_does_not() -> None:
    assert away_from(status("OOO", expires=AT - timedelta(minutes=1)), None, AT) is None
    assert away_from(status("OOO", expires=AT), None, AT) is None


def test_a_status_of_the_past_says_nothing_of_now() -> None:
    assert away_from(status(":palm_tree:", expires=AT - timedelta(days=30)), None, AT) is None


def test_dnd_snoozed_past_the_moment_is_away_until_it_ends() -> None:
    ends = AT + timedelta(hours=5)
    dnd = {"snooze_enabled": True, "snooze_endtime": epoch(ends), "snooze_remaining": 18000}
    assert away_from(None, dnd, AT) == Away(Reason.DO_NOT_DISTURB, ends)


def test_dnd_snoozed_until_before_the_moment_is_not() -> None:
    dnd = {"snooze_enabled": True, "snooze_endtime": epoch(AT - timedelta(minutes=5))}
    assert away_from(None, dnd, AT) is None


def test_dnd_scheduled_or_off_is_not_away() -> None:
    # Nightly Do Not Disturb is working hours' business; and snooze_* may be absent (Slack
    # names them only for the token's own user).
    nightly = {
        "dnd_enabled": True,
        "next_dnd_start_ts": epoch(AT - timedelta(hours=1)),
        "next_dnd_end_ts": epoch(AT + timedelta(hours=12)),
    }
    assert away_from(None, nightly, AT) is None
    assert away_from(None, {"dnd_enabled": True, "snooze_enabled": False}, AT) is None


def test_a_status_goes_before_a_snooze() -> None:
    dnd = {"snooze_enabled": True, "snooze_endtime": epoch(AT + timedelta(hours=1))}
    back = AT + timedelta(days=2)
    assert away_from(status("sick", expires=back), dnd, AT) == Away(Reason.SICK, back)


def test_slack_answers_are_kept_as_a_presence() -> None:
    presence = presence_from_slack(
        status("OOO", ":palm_tree:", AT), {"snooze_enabled": False, "snooze_endtime": 5}
    )
    assert presence.status_expires == AT and presence.snoozed_until is None
    assert away_at(presence, AT - timedelta(seconds=1)) == Away(Reason.OUT_OF_OFFICE, AT)


def test_said_with_the_day_they_are_back_in_their_own_zone() -> None:
    # Slack's "until the end of Sunday" in Berlin: 23:59:59 on Sun 6 Dec, Berlin time.
    end_of_sunday = datetime(2026, 12, 6, 23, 59, 59, tzinfo=BERLIN).astimezone(UTC)
    away = Away(Reason.OUT_OF_OFFICE, end_of_sunday)
    assert describe(away, BERLIN) == "is out of office until Mon 7 Dec"
    assert describe(away, NEW_YORK, own=BERLIN) == "is out of office until Mon 7 Dec"
    # Not knowing their zone, the reader's day and time.
    assert describe(away, NEW_YORK) == "is out of office until Sun 6 Dec 17:59"
    midnight_new_york = datetime(2026, 12, 7, tzinfo=NEW_YORK).astimezone(UTC)
    assert describe(Away(Reason.LEAVE, midnight_new_york), NEW_YORK, own=BERLIN) == (
        "is on leave until Mon 7 Dec"
    )


def test_said_with_a_time_when_it_ends_within_a_day() -> None:
    away = Away(Reason.DO_NOT_DISTURB, datetime(2026, 12, 4, 21, 30, tzinfo=UTC))
    assert describe(away, BERLIN) == "has paused notifications until Fri 4 Dec 22:30"
    assert describe(away, BERLIN, own=NEW_YORK) == (
        "has paused notifications until Fri 4 Dec 22:30"
    )
    assert describe(away, ZoneInfo("UTC")) == "has paused notifications until Fri 4 Dec 21:30"


def test_said_without_an_end_when_slack_gave_none() -> None:
    assert describe(Away(Reason.VACATION, None), BERLIN) == "is on vacation"
