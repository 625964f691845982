"""The /draft modal's submission: the copy is checked against its surface, at the field."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App

from bot.domain.surfaces import check_copy
from bot.ids import Callback, DraftBlock
from bot.listeners.views.state import value_of
from bot.services.container import Services
from bot.services.drafts import DraftIn
from bot.views.handoff_modal import ModalContext

BLOCK_FOR_LABEL = {"Copy": DraftBlock.COPY, "Subject": DraftBlock.SUBJECT, "Link": DraftBlock.LINK}


def _text(view: dict[str, Any], block: DraftBlock) -> str | None:
    value = value_of(view, block)
    text = str(value).strip() if value is not None else ""
    return text or None


def register(app: App, services: Services) -> None:
    @app.view(Callback.DRAFT_MODAL)
    def submit_draft(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
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
        if surface is None:
            errors[DraftBlock.SURFACE] = "Pick the surface this copy is for."
        if not copy:
            errors[DraftBlock.COPY] = "Paste the copy."
        if surface is not None and copy:
            problems = check_copy(
                surface,
                copy=copy,
                subject=_text(view, DraftBlock.SUBJECT),
                link=_text(view, DraftBlock.LINK),
            )
            errors.update({BLOCK_FOR_LABEL[label]: text for label, text in problems.items()})
        if errors:
            ack(response_action="errors", errors=errors)
            return
        assert surface is not None
        keys = services.drafts.record(
            DraftIn(
                name=name,
                surface=surface.name,
                subject=_text(view, DraftBlock.SUBJECT),
                copy=copy,
                link=_text(view, DraftBlock.LINK),
            ),
            channel_id=context.channel_id,
            author_id=body["user"]["id"],
        )
        ack()
        services.deliverer.deliver_keys(keys)
