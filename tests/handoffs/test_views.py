"""Block Kit builders whose shortcuts must not change what Slack receives."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from bot.handoffs.modal import _build, handoff_modal
from bot.slack.modal_context import ModalContext


@pytest.mark.parametrize("work_item", ["", "launch copy", "x" * 200])
def test_the_handoff_modal_from_its_template_equals_one_built_afresh(work_item: str) -> None:
    context = ModalContext(channel_id="C0LAUNCH")
    hint = f"Left empty: {datetime(2026, 11, 24, 18, 0, tzinfo=UTC):%a %d %b %H:%M} your time."
    fresh = _build(context=context, work_item=work_item, hint=hint)
    templated = handoff_modal(context=context, work_item=work_item, hint=hint)
    assert templated == json.loads(json.dumps(fresh))
