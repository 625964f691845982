"""The /draft modal (a template stating the surface's constraints) and the durable draft post."""

from __future__ import annotations

from collections.abc import Mapping

from slack_sdk.models.blocks import (
    Block,
    HeaderBlock,
    InputBlock,
    Option,
    PlainTextInputElement,
    StaticSelectElement,
    UrlInputElement,
)
from slack_sdk.models.views import View

from bot.drafts.surfaces import Surface, constraints_text
from bot.ids import Action, Callback, DraftBlock
from bot.kernel.mrkdwn import blockquote, bold, code, lines, link, md, mention
from bot.kernel.text import Message, blocks_of, context, section
from bot.slack.modal_context import ModalContext
from store.models import Draft

MAX_INPUT = 3000  # Slack's plain_text_input limit
HEADER_LIMIT = 150


def draft_modal(
    *, context: ModalContext, surfaces: Mapping[str, Surface], chosen: Surface | None, name: str
) -> dict[str, object]:
    shown = [chosen] if chosen else list(surfaces.values())
    constraints = lines(md("• ", constraints_text(s)) for s in shown)
    options = [Option(text=s, value=s) for s in surfaces]
    initial = next((o for o in options if chosen and o.value == chosen.name), None)
    blocks: list[Block] = [
        section(md(bold("Constraints"), "\n", constraints)),
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
    # plain_text header: shown as typed, no escaping.
    blocks: list[Block] = [HeaderBlock(text=f"Draft: {draft.name}"[:HEADER_LIMIT])]
    details = [md(bold("Surface:"), " ", draft.surface)]
    if draft.subject:
        details.append(md(bold("Subject:"), " ", draft.subject))
    if draft.link:
        details.append(md(bold("Link:"), " ", link(draft.link, "open")))
    blocks.append(section(lines(details)))
    blocks.append(section(blockquote(draft.copy_text)))
    blocks.append(
        context(
            md(
                f"Checked against {draft.surface}'s constraints. Recorded by ",
                mention(draft.created_by),
                "; name it in a Done bullet as ",
                code(f"draft: {draft.name}"),
                ".",
            )
        )
    )
    text = md("Draft recorded: ", draft.name, f" ({draft.surface})")
    return Message(text=text, blocks=blocks_of(*blocks))
