"""The /draft modal (a template stating the surface's constraints) and the durable draft post."""

from __future__ import annotations

from collections.abc import Mapping

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    HeaderBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    SectionBlock,
    StaticSelectElement,
    UrlInputElement,
)
from slack_sdk.models.views import View

from bot.domain.surfaces import Surface, constraints_text
from bot.ids import Action, Callback, DraftBlock
from bot.views.handoff_messages import Message
from bot.views.handoff_modal import ModalContext
from bot.views.text import SECTION_TEXT_LIMIT, escape, mention
from store.models import Draft

MAX_INPUT = 3000  # Slack's plain_text_input limit
HEADER_LIMIT = 150


def draft_modal(
    *, context: ModalContext, surfaces: Mapping[str, Surface], chosen: Surface | None, name: str
) -> dict[str, object]:
    shown = [chosen] if chosen else list(surfaces.values())
    constraints = "\n".join(f"• {escape(constraints_text(s))}" for s in shown)
    options = [Option(text=s, value=s) for s in surfaces]
    initial = next((o for o in options if chosen and o.value == chosen.name), None)
    blocks: list[Block] = [
        SectionBlock(text=f"*Constraints*\n{constraints}"[:SECTION_TEXT_LIMIT]),
        InputBlock(
            block_id=DraftBlock.NAME,
            label="Name",
            hint="Name it in a Done bullet (draft: <name>), or /publish under this name.",
            element=PlainTextInputElement(
                action_id=Action.VALUE, initial_value=name[:200] or None, max_length=200
            ),
        ),
        InputBlock(
            block_id=DraftBlock.SURFACE,
            label="Surface",
            element=StaticSelectElement(
                action_id=Action.VALUE,
                placeholder="Where it goes out",
                options=options,
                initial_option=initial,
            ),
        ),
        InputBlock(
            block_id=DraftBlock.SUBJECT,
            label="Subject",
            optional=True,
            hint="Newsletters and blog posts: the subject line or title.",
            element=PlainTextInputElement(action_id=Action.VALUE, max_length=500),
        ),
        InputBlock(
            block_id=DraftBlock.COPY,
            label="Copy",
            element=PlainTextInputElement(
                action_id=Action.VALUE, multiline=True, max_length=MAX_INPUT
            ),
        ),
        InputBlock(
            block_id=DraftBlock.LINK,
            label="Link",
            optional=True,
            element=UrlInputElement(action_id=Action.VALUE, placeholder="https://…"),
        ),
    ]
    view = View(
        type="modal",
        callback_id=Callback.DRAFT_MODAL,
        title="Draft",
        submit="Check and post",
        close="Cancel",
        private_metadata=context.dump(),
        blocks=blocks,
    )
    return view.to_dict()


def draft_post(draft: Draft) -> Message:
    quoted = "\n".join(f"> {line}" for line in escape(draft.copy_text).splitlines() or [""])
    blocks: list[Block] = [HeaderBlock(text=f"Draft: {draft.name}"[:HEADER_LIMIT])]
    details = [f"*Surface:* {escape(draft.surface)}"]
    if draft.subject:
        details.append(f"*Subject:* {escape(draft.subject)}")
    if draft.link:
        details.append(f"*Link:* <{draft.link}|open>")
    blocks.append(SectionBlock(text="\n".join(details)))
    blocks.append(SectionBlock(text=quoted[:SECTION_TEXT_LIMIT]))
    blocks.append(
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text=f"Checked against {escape(draft.surface)}'s constraints. Recorded by "
                    f"{mention(draft.created_by)}; name it in a Done bullet as "
                    f"`draft: {escape(draft.name)}`."
                )
            ]
        )
    )
    text = f"Draft recorded: {draft.name} ({draft.surface})"
    return Message(text=text, blocks=[b.to_dict() for b in blocks])
