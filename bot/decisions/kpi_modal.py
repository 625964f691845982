"""The /kpi modal (what /kpi without text opens): a publish, its readings, when observed."""

from __future__ import annotations

from slack_sdk.models.blocks import DateTimePickerElement, InputBlock, PlainTextInputElement
from slack_sdk.models.views import View

from bot.ids import Action, Callback, KpiBlock
from bot.slack.modal_context import ModalContext


def kpi_modal(*, context: ModalContext) -> dict[str, object]:
    blocks = [
        InputBlock(
            block_id=KpiBlock.PUBLISH,
            label="Publish",
            element=PlainTextInputElement(action_id=Action.VALUE, placeholder="Its name"),
        ),
        InputBlock(
            block_id=KpiBlock.READINGS,
            label="Readings",
            hint="metric=value, one per line or space-separated, e.g. reach=1200",
            element=PlainTextInputElement(action_id=Action.VALUE, multiline=True),
        ),
        InputBlock(
            block_id=KpiBlock.OBSERVED_AT,
            label="Observed at",
            optional=True,
            hint="Left empty: now.",
            element=DateTimePickerElement(action_id=Action.VALUE),
        ),
    ]
    view = View(
        type="modal",
        callback_id=Callback.KPI_MODAL,
        title="Log KPIs",
        submit="Log",
        close="Cancel",
        private_metadata=context.dump(),
        blocks=blocks,
    )
    return view.to_dict()
