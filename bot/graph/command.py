"""/blocked: list, show, declare a dependency, or mark an item done. Answers are ephemeral."""

from __future__ import annotations

from typing import Any

from slack_bolt import Respond

from bot.container import Services
from bot.graph import messages as views
from bot.graph.blocked_command import (
    USAGE,
    DeclareEdge,
    ListBlocked,
    MarkDone,
    ShowItem,
    Unparseable,
    parse_blocked,
)
from bot.graph.declaring import CycleRefused
from bot.graph.resolving import DoneRefused
from bot.guardrails.failures import LABELS, classifiable, classify, label_of
from bot.guardrails.recording import Failure
from bot.kernel.mrkdwn import Mrkdwn, bold, code, join, md, mention
from bot.slack.acked import acked_first
from bot.slack.respond import ephemeral


@acked_first
def blocked(services: Services, command: dict[str, Any], respond: Respond) -> None:
    channel = command["channel_id"]
    user = command["user_id"]
    now = services.clock.now()
    request = parse_blocked(command.get("text") or "")

    def say(text: Mrkdwn, blocks: list[dict[str, Any]] | None = None) -> None:
        ephemeral(respond, text, blocks)

    def no_such_item(item: str) -> Mrkdwn:
        return md("No item called “", item, "” in this channel.")

    if isinstance(request, Unparseable):
        say(views.usage(request.problem))
    elif isinstance(request, ListBlocked):
        reports, total = services.graph.blocked_in_channel(channel)
        soon = services.publishes.blocked_in_channel(channel)
        message = views.channel_list(reports, total, now=now, publishes=soon)
        say(message.text, message.blocks)
    elif isinstance(request, ShowItem):
        report = services.graph.report(channel, request.item)
        if report is None:
            say(md(no_such_item(request.item), "\n", USAGE))
        else:
            message = views.report_message(report, now=now)
            say(message.text, message.blocks)
    elif isinstance(request, MarkDone):
        resolved = services.graph.mark_done(
            channel, request.item, by=user, is_admin=services.people.is_admin
        )
        if resolved is None:
            say(no_such_item(request.item))
        elif isinstance(resolved, DoneRefused):
            say(views.done_refused(resolved.item, resolved.rights))
        else:
            say(views.done_confirmation(resolved.report, len(resolved.notify_keys)))
    elif isinstance(request, DeclareEdge):
        # Already acked: the owner named here is known (zone included) before any message
        # is planned for them.
        services.people.learn([request.owner_id, user])
        result = services.graph.declare(
            channel,
            request.item,
            request.dependency,
            kind=request.kind,
            owner_id=request.owner_id,
            reason=request.reason,
            declared_by=user,
        )
        if isinstance(result, CycleRefused):
            say(
                md(
                    "That would make a cycle: ",
                    join(" → ", result.names),
                    ". Nothing was changed.",
                )
            )
            return
        verb = "Updated" if result.updated else "Noted"
        how = "must wait for" if result.kind == "hard" else "proceeds, assuming"
        owner = md(" (owner ", mention(request.owner_id), ")") if request.owner_id else md("")
        noted = md("")
        if request.reason and not classifiable(request.reason):
            noted = md(
                " Not counted as a failure: say why in words to count it, e.g. ",
                code("because no UTM labels"),
                ".",
            )
        elif request.reason:
            class_id = classify(request.reason)
            services.guardrails.record(
                Failure(
                    channel_id=channel,
                    class_id=class_id,
                    ref=f"blocked:{result.item.casefold()}:{result.dependency.casefold()}"
                    f":{class_id}",
                    where=md(
                        "/blocked “",
                        result.item,
                        "” on “",
                        result.dependency,
                        "” by ",
                        mention(user),
                        ": ",
                        request.reason,
                    ),
                    at=now,
                    people=tuple(p for p in (user, request.owner_id) if p),
                    words=request.reason,
                )
            )
            named = (
                md(label_of(class_id))
                if class_id in LABELS
                else md(request.reason.strip()[:80], " (a class of this channel's own)")
            )
            noted = md(" Recorded as a failure: ", bold(named), ".")
        say(
            md(
                f"{verb}: ",
                bold(result.item),
                f" {how} ",
                bold(result.dependency),
                owner,
                f" — {result.kind}.",
                noted,
            )
        )
