"""The people a submitted form names, for its 3-second answer: one step every form shares."""

from __future__ import annotations

from slack_bolt import Ack

from bot.container import Services
from bot.people.person import Person
from bot.people.service import PeopleUnavailable

SLACK_DID_NOT_ANSWER = "Slack did not answer who this is; try again."


def people_or_refuse(
    services: Services, ack: Ack, user_ids: list[str | None], *, block: str
) -> dict[str, Person] | None:
    """The people Baton knows (looked up when they were picked); None once the form was
    answered at `block` that Slack has not said who someone is: they are looked up now, after
    the answer, and the person submits again."""
    try:
        return services.people.for_submission(user_ids)
    except PeopleUnavailable as unknown:
        ack(response_action="errors", errors={block: SLACK_DID_NOT_ANSWER})
        missing = list(unknown.args)
        services.after_ack(lambda: services.people.learn(missing))
        return None
