"""The /publish and /kpi modals."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import (
    InputBlock,
    Option,
    PlainTextInputElement,
    StaticSelectElement,
    UrlInputElement,
    UserMultiSelectElement,
    UserSelectElement,
)
from slack_sdk.models.views import View

from bot.decisions.cycles import Earlier, preselect
from bot.decisions.rules import GRAMMAR
from bot.ids import Action, Callback, PublishBlock
from bot.publishing.rules import MAX_NAME, SURFACES, PublishField
from bot.slack.modal_context import ModalContext

WINDOW_EXAMPLE = "2026-11-24 18:00-20:00"
OPTION_TEXT = 75  # Slack's limit on an option's text
MAX_OPTIONS = 100  # Slack's limit on a static select's options


def _follows_block(earlier: Sequence[Earlier], preselected: Earlier | None) -> InputBlock:
    def option(publish: Earlier) -> Option:
        return Option(
            text=f"{publish.name} ({publish.surface})"[:OPTION_TEXT], value=str(publish.id)
        )

    return InputBlock(
        block_id=PublishBlock.FOLLOWS,
        label=PublishField.FOLLOWS.value,
        optional=True,
        hint="The earlier publish of the same surface this cycle follows: its decision and KPIs "
        "are compared with this one's.",
        element=StaticSelectElement(
            action_id=Action.VALUE,
            placeholder="The cycle before",
            options=[option(p) for p in earlier[:MAX_OPTIONS]],
            initial_option=option(preselected) if preselected else None,
        ),
    )


def publish_modal(
    *,
    context: ModalContext,
    name: str,
    zone_name: str,
    surfaces: tuple[str, ...] = SURFACES,
    earlier: Sequence[Earlier] = (),
) -> dict[str, object]:
    blocks = [
        InputBlock(
            block_id=PublishBlock.NAME,
            label=PublishField.NAME.value,
            hint="Unique in this channel; /kpi and the decision prompt use it.",
            element=PlainTextInputElement(
                action_id=Action.VALUE,
                initial_value=name[:MAX_NAME] or None,
                max_length=MAX_NAME,
                placeholder="e.g. spring launch LinkedIn post",
            ),
        ),
        InputBlock(
            block_id=PublishBlock.LINK,
            label=PublishField.LINK.value,
            element=UrlInputElement(action_id=Action.VALUE, placeholder="https://…"),
        ),
        InputBlock(
            block_id=PublishBlock.SURFACE,
            label=PublishField.SURFACE.value,
            element=StaticSelectElement(
                action_id=Action.VALUE,
                placeholder="Where it goes out",
                options=[Option(text=surface, value=surface) for surface in surfaces],
            ),
        ),
        InputBlock(
            dispatch_action=True,  # a pick is looked up before Submit
            block_id=PublishBlock.OWNER,
            label=PublishField.OWNER.value,
            element=UserSelectElement(action_id=Action.VALUE, placeholder="Decides on the KPIs"),
        ),
        InputBlock(
            dispatch_action=True,  # a pick is looked up before Submit
            block_id=PublishBlock.BACKUP_OWNER,
            label=PublishField.BACKUP_OWNER.value,
            element=UserSelectElement(action_id=Action.VALUE, placeholder="Decides if they can't"),
        ),
        InputBlock(
            dispatch_action=True,  # a pick is looked up before Submit
            block_id=PublishBlock.APPROVERS,
            label=PublishField.APPROVERS.value,
            optional=True,
            hint="Owners of brand and product context: each gets a DM to approve or request "
            "changes.",
            element=UserMultiSelectElement(
                action_id=Action.VALUE, placeholder="Who signs off", max_selected_items=10
            ),
        ),
        InputBlock(
            block_id=PublishBlock.WINDOW,
            label=PublishField.WINDOW.value,
            hint=f"YYYY-MM-DD HH:MM-HH:MM in your time zone ({zone_name}); "
            "an end before the start means the next day.",
            element=PlainTextInputElement(action_id=Action.VALUE, placeholder=WINDOW_EXAMPLE),
        ),
        InputBlock(
            block_id=PublishBlock.RULES,
            label=PublishField.RULES.value,
            hint=GRAMMAR[:2000],
            element=PlainTextInputElement(
                action_id=Action.VALUE,
                multiline=True,
                placeholder="engagement_rate < 0.02 -> rewrite the hook",
            ),
        ),
        InputBlock(
            block_id=PublishBlock.TRACKING,
            label=PublishField.TRACKING.value,
            optional=True,
            hint="key=value pairs, e.g. utm_source=linkedin utm_campaign=spring",
            element=PlainTextInputElement(
                action_id=Action.VALUE, placeholder="utm_source=linkedin utm_campaign=spring"
            ),
        ),
    ]
    if earlier:
        blocks.append(_follows_block(earlier, preselect(name, earlier)))
    view = View(
        type="modal",
        callback_id=Callback.PUBLISH_MODAL,
        title="Publish",
        submit="Record",
        close="Cancel",
        private_metadata=context.dump(),
        blocks=blocks,
    )
    return view.to_dict()
