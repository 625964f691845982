"""The handoff post's notification text reads as sentences: a status that already ends in a
full stop gets no second one ("ready for approval.." was what Slack showed)."""

from __future__ import annotations

from bot.kernel.words import counted, sentence
from tests.conftest import RunningBaton
from tests.handoffs.test_handoff_flow import GOOD_FORM, open_modal, wait_for


def test_a_status_ending_in_a_full_stop_gets_no_second_one(baton: RunningBaton) -> None:
    form = {**GOOD_FORM, "Status": "Copy ready for approval."}
    assert baton.slack.submit(open_modal(baton), form, user="U0CAI").status_code == 200
    wait_for(lambda: baton.standin.messages("C0LAUNCH"))
    post = baton.standin.messages("C0LAUNCH")[0]
    assert post["text"].startswith(
        "Handoff: launch copy. Status: Copy ready for approval. Next owner <@U0ANA>"
    ), post["text"]
    assert ".." not in post["text"]


def test_a_sentence_ends_in_one_mark() -> None:
    assert sentence("ready for approval") == "ready for approval."
    assert sentence("ready for approval. ") == "ready for approval."
    assert sentence("shipped!") == "shipped!" and sentence("waiting…") == "waiting…"


def test_a_count_names_one_or_many() -> None:
    assert counted(1, "publish", "publishes") == "1 publish"
    assert counted(2, "publish", "publishes") == "2 publishes"
    assert counted(0, "nudge") == "0 nudges" and counted(1, "nudge") == "1 nudge"
