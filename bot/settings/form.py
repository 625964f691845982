"""The /baton settings modal's submission: checked at the field, saved, confirmed. A changed
escalation policy is read back first (a modal pushed over the form), and saved with the rest
of the form by that modal's Save."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.container import Services
from bot.ids import SettingsBlock
from bot.kernel.channel_roles import ChannelRoles, check_owners, parse_delay
from bot.kernel.durations import format_duration
from bot.kernel.mrkdwn import Mrkdwn, channel, join, md, mention
from bot.people.service import PeopleUnavailable
from bot.rotations.service import RotationPick
from bot.settings.modal import SettingsContext
from bot.settings.policy_field import Changed, Refused, read_policy_field
from bot.settings.policy_modal import PendingSave, plan_words, read_back_modal
from bot.settings.rotation_fields import read_rotation, refusal, rotation_people
from bot.settings.service import NotAnOwner, PolicyChange
from bot.slack.form_state import value_of

NOT_AN_OWNER = "Only this channel's owners change its settings."


def submit_settings(
    services: Services, ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient
) -> None:
    context = SettingsContext.load(view.get("private_metadata"))
    if context is None:
        ack(
            response_action="errors",
            errors={SettingsBlock.OWNERS: "This form lost its channel: run /baton settings."},
        )
        return
    errors: dict[str, str] = {}
    owners = check_owners(value_of(view, SettingsBlock.OWNERS) or [])
    if isinstance(owners, str):
        errors[SettingsBlock.OWNERS] = owners
    in_turn = rotation_people(view)
    errors |= _people_errors(services, owners if not isinstance(owners, str) else (), in_turn)
    delay = parse_delay(value_of(view, SettingsBlock.DECISION_DELAY))
    if isinstance(delay, str):
        errors[SettingsBlock.DECISION_DELAY] = delay
    policy = read_policy_field(
        services,
        value_of(view, SettingsBlock.ESCALATION_POLICY),
        services.channel_settings.policy(context.channel_id),
    )
    if isinstance(policy, Refused):
        errors[SettingsBlock.ESCALATION_POLICY] = policy.message
    if errors or isinstance(owners, str) or isinstance(delay, str):
        ack(response_action="errors", errors=errors)
        return
    strategy = value_of(view, SettingsBlock.STRATEGY_CHANNEL)
    user = body["user"]["id"]
    roles = ChannelRoles(owners, strategy, delay)
    rotation = read_rotation(view, in_turn)
    if isinstance(policy, Changed):
        # Read back in words before anything is saved; that modal's Save saves it all.
        if not services.channel_settings.may_change(
            context.channel_id, user, is_admin=context.admin
        ):
            ack(response_action="errors", errors={SettingsBlock.OWNERS: NOT_AN_OWNER})
            return
        pending = PendingSave(context.channel_id, context.admin, roles, policy.policy, rotation)
        ack(response_action="push", view=read_back_modal(pending))
        return
    pending = PendingSave(context.channel_id, context.admin, roles, None, rotation)
    save(services, ack, client, pending, user)


def confirm_settings(
    services: Services, ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient
) -> None:
    """Save on the read-back: the form and its escalation policy, then every modal closes."""
    pending = PendingSave.load(view.get("private_metadata"))
    if pending is None:
        ack(response_action="clear")
        return
    save(services, ack, client, pending, body["user"]["id"], policy=PolicyChange(pending.policy))


def save(
    services: Services,
    ack: Ack,
    client: WebClient,
    pending: PendingSave,
    user: str,
    *,
    policy: PolicyChange | None = None,
) -> None:
    saved = services.channel_settings.save(
        pending.channel_id,
        pending.roles,
        by=user,
        is_admin=pending.admin,
        rotation=pending.rotation,
        policy=policy,
    )
    if isinstance(saved, NotAnOwner):
        if policy is None:
            ack(response_action="errors", errors={SettingsBlock.OWNERS: NOT_AN_OWNER})
        else:  # the read-back has no field: the form under it does
            ack(response_action="clear")
            services.after_ack(lambda: tell(client, pending.channel_id, user, md(NOT_AN_OWNER)))
        return
    if policy is not None:
        ack(response_action="clear")  # the read-back and the form under it
    else:
        ack()
    effective = services.channel_settings.fill(saved)
    where = channel(effective.strategy_channel) if effective.strategy_channel else md("nowhere")
    text = md(
        "Settings saved for ",
        channel(pending.channel_id),
        ": owners ",
        join(", ", [mention(o) for o in saved.owners]) or md("none"),
        "; weekly digest to ",
        where,
        f"; decision prompt {format_duration(effective.decision_delay)} after a window opens",
        rotation_said(pending.rotation),
        ".",
    )
    if policy is not None:
        text = md(text, " New handoffs here: ", plan_words(policy.policy), ".")
    services.after_ack(lambda: tell(client, pending.channel_id, user, text))


def tell(client: WebClient, channel_id: str, user: str, text: Mrkdwn) -> None:
    client.chat_postEphemeral(channel=channel_id, user=user, text=text)


def rotation_said(rotation: RotationPick | None) -> Mrkdwn:
    if rotation is None:
        return md("; no backup rotation")
    people = join(" → ", [mention(p) for p in rotation.people])
    return md("; backup rotation ", people, f", changing {rotation.changes}")


def _people_errors(
    services: Services, owners: tuple[str, ...], in_turn: list[str]
) -> dict[str, str]:
    """The owners and the rotation's people, known from memory (picks are looked up as made):
    each field's error, if any."""
    errors: dict[str, str] = {}
    try:
        people = services.people.for_submission([*owners, *in_turn])
    except PeopleUnavailable as unknown:
        missing = set(unknown.args)
        services.after_ack(lambda: services.people.learn(list(missing)))
        retry = "Slack did not answer who they are; try again."
        if missing & set(owners):
            errors[SettingsBlock.OWNERS] = retry
        if missing & set(in_turn):
            errors[SettingsBlock.ROTATION] = retry
        elif len(in_turn) == 1:
            errors[SettingsBlock.ROTATION] = refusal(in_turn, {}) or retry
        return errors
    for owner in owners:
        person = people.get(owner)
        if person is None or person.is_bot or person.deleted:
            errors[SettingsBlock.OWNERS] = "Owners are people: no bots or deactivated accounts."
    refused = refusal(in_turn, people)
    if refused:
        errors[SettingsBlock.ROTATION] = refused
    return errors
