"""The /draft modal's submission: the copy is checked against its surface, at the field."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack

from bot.container import Services
from bot.drafts.service import DraftIn
from bot.drafts.surfaces import check_copy
from bot.ids import DraftBlock
from bot.kernel.stored_text import fits
from bot.publishing.rules import MAX_LINK, MAX_NAME
from bot.slack.form_state import value_of
from bot.slack.modal_context import ModalContext

MAX_SUBJECT = 500
BLOCK_FOR_LABEL = {"Copy": DraftBlock.COPY, "Subject": DraftBlock.SUBJECT, "Link": DraftBlock.LINK}


def _text(view: dict[str, Any], block: DraftBlock) -> str | None:
    value = value_of(view, block)
    text = str(value).strip() if value is not None else ""
    return text or None


def submit_draft(services: Services, ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
    context = ModalContext.load(view.get("private_metadata"))
    if context is None:
        ack(
            response_action="errors",
            errors={DraftBlock.NAME: "This form lost its channel: run /draft again."},
        )
        return
    name = " ".join((_text(view, DraftBlock.NAME) or "").split())
    surface = services.drafts.surfaces.get(_text(view, DraftBlock.SURFACE) or "")
    copy = str(value_of(view, DraftBlock.COPY) or "").strip()
    errors: dict[str, str] = {}
    if not name:
        errors[DraftBlock.NAME] = "Name the draft, e.g. “spring launch LinkedIn post”."
    elif not fits(name, MAX_NAME):
        errors[DraftBlock.NAME] = f"Keep the name under {MAX_NAME} characters."
    subject, link = _text(view, DraftBlock.SUBJECT), _text(view, DraftBlock.LINK)
    if subject is not None and len(subject) > MAX_SUBJECT:
        errors[DraftBlock.SUBJECT] = f"Keep the subject under {MAX_SUBJECT} characters."
    if link is not None and len(link) > MAX_LINK:
        errors[DraftBlock.LINK] = f"Keep the link under {MAX_LINK} characters."
    if surface is None:
        errors[DraftBlock.SURFACE] = "Pick the surface this copy is for."
    if not copy:
        errors[DraftBlock.COPY] = "Paste the copy."
    if surface is not None and copy:
        problems = check_copy(
            surface,
            copy=copy,
            subject=subject,
            link=link,
        )
        for label, text in problems.items():
            errors.setdefault(BLOCK_FOR_LABEL[label], text)
    if errors:
        ack(response_action="errors", errors=errors)
        return
    assert surface is not None
    services.drafts.record(
        DraftIn(
            name=name,
            surface=surface.name,
            subject=subject,
            copy=copy,
            link=link,
        ),
        channel_id=context.channel_id,
        author_id=body["user"]["id"],
        view_id=view["id"],
    )
    ack()
