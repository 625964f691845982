"""User text is shown, never executed: hostile names, links, backticks and typed mentions go
through every surface over signed HTTP, and only Baton's own tokens reach Slack live."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bot.kernel.mrkdwn import BACKTICK_LOOKALIKE, escape
from bot.slack_standin.payloads import typed
from bot.slack_standin.render import live_tokens, mrkdwn_fields
from tests.conftest import RunningBaton
from tests.handoffs.test_handoff_flow import GOOD_FORM, open_modal, wait_for

PING = "<!channel> launch"
DISGUISED = "<https://evil.example|click>"
TICKS = "`rm -rf` & `sudo` <b>"
REASON = "no UTM labels, says <@U0ANA>"  # a mention typed as text, not picked
PEOPLE = {"@U0ANA", "@U0BEN", "@U0CAI", "@U0DEE"}


def blocked(baton: RunningBaton, text: str, *, user: str = "U0CAI") -> dict[str, Any]:
    before = len(baton.standin.ephemerals(user))
    assert baton.slack.command("/blocked", text, user=user).status_code == 200
    wait_for(lambda: baton.standin.ephemerals(user), count=before + 1)
    return baton.standin.ephemerals(user)[-1]


def shown(baton: RunningBaton, message: dict[str, Any]) -> str:
    return baton.standin.render(message.get("blocks") or [], message.get("text") or "")


def tokens_of(message: dict[str, Any]) -> set[str]:
    texts = mrkdwn_fields({"text": message.get("text"), "blocks": message.get("blocks")})
    return {t.split("^")[0] for text in texts for t in live_tokens(text)}


def test_hostile_text_reaches_every_surface_as_text(baton: RunningBaton) -> None:
    # /handoff "<!channel> launch": the modal shows the name as typed (plain_text).
    view = open_modal(baton, text=typed(PING))
    assert view["blocks"][0]["element"]["initial_value"] == PING
    form = {
        **GOOD_FORM,
        "Work item": PING,
        "Status": DISGUISED,
        "Done": f"Notes in {DISGUISED}\n{TICKS}",
        "Open": TICKS,
        "Next action": TICKS,
    }
    assert baton.slack.submit(view, form, user="U0CAI").status_code == 200
    wait_for(lambda: baton.standin.dms("U0ANA"))
    post = baton.standin.messages("C0LAUNCH")[0]
    assert PING in post["blocks"][0]["text"]["text"]  # the header is plain_text: as typed
    assert post["text"].startswith("Handoff: &lt;!channel&gt; launch. Status: &lt;https://evil")
    assert tokens_of(post) == {"@U0ANA", "@U0BEN", "@U0CAI", "!date"}
    assert f"Status: {DISGUISED}" in shown(baton, post) and TICKS in shown(baton, post)

    # /blocked with the same names, and a reason with a typed mention, twice: a proposal.
    blocked(baton, typed(f'"{PING}" on "{TICKS}" because {REASON}'))
    said = blocked(
        baton,
        typed(f'"{DISGUISED}" on "copy review" ') + "<@U0DEE|dee>" + typed(f" because {REASON}"),
    )
    assert f"Noted: {DISGUISED} must wait for copy review (owner @dee)" in shown(baton, said)
    wait_for(lambda: [m for m in baton.standin.messages("C0LAUNCH") if "Enable" in str(m)])
    proposal = baton.standin.messages("C0LAUNCH")[-1]
    assert tokens_of(proposal) == {"@U0CAI", "!date"}  # Baton's own mention is live again
    proposal_text = shown(baton, proposal)
    assert f"/blocked “{PING}” on “{TICKS}” by @cai: {REASON}" in proposal_text
    assert "&lt;@U0ANA&gt;" in proposal["blocks"][0]["text"]["text"]

    # Answers, lists and help as ephemerals.
    assert PING in shown(baton, blocked(baton, typed(f'"{PING}"')))
    listing = blocked(baton, "")
    assert PING in shown(baton, listing) and DISGUISED in shown(baton, listing)
    usage = blocked(baton, typed('"unbalanced'))
    assert "`/blocked &lt;item&gt;`" in usage["text"]

    # Blocker DMs: the ownerless one puts the name in a code span it cannot break out of.
    baton.clock.advance(timedelta(hours=2, minutes=1))
    baton.sweep()
    wait_for(lambda: baton.standin.dms("U0DEE"))
    ownerless = baton.standin.dms("U0CAI")[-1]
    in_code = escape(TICKS.replace("`", BACKTICK_LOOKALIKE))
    assert (
        f'`/blocked &lt;item&gt; on "{in_code}" @owner`' in ownerless["blocks"][0]["text"]["text"]
    )
    assert TICKS in ownerless["text"].replace("&amp;", "&").replace("&lt;", "<").replace(
        "&gt;", ">"
    )

    # App Home: what waits on ana (the handoff) and what cai's items block.
    for user in ("U0ANA", "U0CAI"):
        baton.slack.event({"type": "app_home_opened", "user": user, "tab": "home"})
        wait_for(lambda user=user: [baton.standin.home(user)] if baton.standin.home(user) else [])
    home = baton.standin.home("U0ANA")
    assert home is not None and PING in shown(baton, home)

    # Enabling the proposal (dee owns an item in its failures, so may) updates it in place;
    # /guardrails lists it.
    baton.slack.click(proposal, "Enable", user="U0DEE", channel="C0LAUNCH")
    wait_for(lambda: baton.standin.calls_to("chat.update"))
    assert baton.slack.command("/guardrails", user="U0BEN").status_code == 200
    wait_for(lambda: baton.standin.ephemerals("U0BEN"))
    assert REASON in shown(baton, baton.standin.ephemerals("U0BEN")[-1])

    # Across everything Baton sent: nothing typed by a person became live.
    sent = baton.standin.live_tokens_sent()
    methods = {method for method, _ in sent}
    assert {"chat.postMessage", "chat.update", "response_url", "views.publish"} <= methods
    targets = {token.split("^")[0] for _, token in sent}
    links = {t for t in targets if t.startswith("http")}
    # Its own: the archive address of a post, or the post's permalink (chat.getPermalink).
    own = ("https://slack.com/archives/C0LAUNCH/p", "https://acme.slack.com/archives/C0LAUNCH/p")
    assert links and all(t.startswith(own) for t in links)
    # No <!channel>, no typed <@U0ANA> alone; the channel is named by Baton (DMs say where).
    assert targets - links == PEOPLE | {"!date", "#C0LAUNCH"}


def test_a_publish_name_and_link_are_text_in_the_record_and_prompt(baton: RunningBaton) -> None:
    assert baton.slack.command("/publish", typed(PING), user="U0CAI").status_code == 200
    wait_for(lambda: baton.standin.calls_to("views.open"))
    view = baton.slack.last_view()
    assert view["blocks"][0]["element"]["initial_value"] == PING
    form = {
        "Name": PING,
        "Link": "https://example.com/post?a=1&b=<2>|x",
        "Surface": "LinkedIn",
        "Owner": "U0DEE",
        "Backup owner": "U0BEN",
        "Posting window": "2026-11-24 18:00-20:00",
        "Decision rules": f"reach < 100 -> {TICKS}",
    }
    assert baton.slack.submit(view, form, user="U0CAI").status_code == 200
    wait_for(lambda: baton.standin.messages("C0LAUNCH"))
    record = baton.standin.messages("C0LAUNCH")[0]
    assert tokens_of(record) - {"!date"} == {
        "@U0DEE",
        "@U0BEN",
        "@U0CAI",
        "https://example.com/post?a=1&amp;b=%3C2%3E%7Cx",
    }
    rules = record["blocks"][2]["text"]["text"]
    assert rules.count("`") == 2 and BACKTICK_LOOKALIKE in rules


def test_command_replies_quote_what_was_typed_as_text(baton: RunningBaton) -> None:
    for command, text in (
        ("/draft", PING),
        ("/kpi", f'"{DISGUISED}" reach=5'),
        ("/kpi", f'"{PING}" {TICKS}=1'),
    ):
        before = len(baton.standin.ephemerals("U0CAI"))
        assert baton.slack.command(command, typed(text), user="U0CAI").status_code == 200
        wait_for(lambda: baton.standin.ephemerals("U0CAI"), count=before + 1)
        answer = baton.standin.ephemerals("U0CAI")[-1]
        assert tokens_of(answer) == set(), answer["text"]
    said = [shown(baton, a) for a in baton.standin.ephemerals("U0CAI")]
    assert f"No surface called “{PING}”" in said[0]
    assert f"No publish called “{DISGUISED}”" in said[1]
    assert "/kpi <publish> <metric>=<value>" in said[2]  # the usage, placeholders as text
