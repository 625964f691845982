"""/baton settings over signed HTTP: a decision delay too long for a timedelta, or in digits
that are not ASCII, is answered at the field (the allowed range, or how to write it), never
with "Baton could not do that" or a 500."""

from __future__ import annotations

import pytest

from tests.conftest import RunningBaton
from tests.publishing.test_publish_flow import errors_of
from tests.settings.test_channel_settings_flow import open_settings


@pytest.mark.parametrize(
    ("delay", "answer"),
    [
        ("1000000000d", "Pick a delay from 10m to 30d."),
        ("99999999999999999999999h", "Pick a delay from 10m to 30d."),
        ("1" * 400 + "m", "Pick a delay from 10m to 30d."),
        ("P100000D", "Pick a delay from 10m to 30d."),
        ("0", "Pick a delay from 10m to 30d."),
        ("²h", "Write the delay as e.g. 24h, 2d or 90m."),
    ],
)
def test_a_delay_out_of_range_is_answered_at_the_field(
    baton: RunningBaton, delay: str, answer: str
) -> None:
    response = baton.slack.submit(open_settings(baton), {"Decision delay": delay}, user="U0ANA")
    assert response.status_code == 200, response.text
    assert errors_of(response) == {"decision_delay": answer}
