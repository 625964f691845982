"""An escalation policy put in words (pure): in one line for people (the settings read-back,
a handoff's post and DM), and as the editable lines it was written in."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta

from bot.kernel.mrkdwn import Mrkdwn, join, md, mention
from bot.policies.policy import Policy, Step, Target, TargetKind

_UNITS = (("d", 86400), ("h", 3600), ("m", 60))


def delay_text(delay: timedelta) -> str:
    """`2h`, `1d`, `90m`, `30s`: the largest unit that says it exactly (parsed back as is)."""
    seconds = delay.total_seconds()
    for unit, size in _UNITS:
        if seconds >= size and seconds % size == 0:
            return f"{int(seconds // size)}{unit}"
    if seconds == 0:
        return "0m"
    return f"{seconds:g}s"


def target_text(target: Target) -> str:
    """The target as an editor writes it."""
    if target.kind == TargetKind.PERSON:
        return f"@{target.handle}" if target.handle else f"<@{target.ref}>"
    if target.kind == TargetKind.GROUP:
        return f"@{target.handle}" if target.handle else f"<!subteam^{target.ref}>"
    return target.kind.value


def policy_text(policy: Policy | None) -> str:
    """A stored policy as the lines that would write it again ("" for none)."""
    if policy is None:
        return ""
    rows = [
        f"{_when(index, step)}: {target_text(step.target)}"
        for index, step in enumerate(policy.steps)
    ]
    if policy.repeat:
        rows.append(f"repeat {policy.repeat}")
    return "\n".join(rows)


def _when(index: int, step: Step) -> str:
    first_at_act_by = index == 0 and step.delay == timedelta(0)
    return "at act-by" if first_at_act_by else f"+{delay_text(step.delay)}"


def describe(policy: Policy, who: Mapping[TargetKind, str | None] | None = None) -> Mrkdwn:
    """ "Escalation: @ben at act-by → @cai +2h → owners +1d, repeats 2×". `who` names the people
    a handoff gives the roles (next owner, backup, author: a user id, or None for nobody);
    without it, the roles are named (the settings read-back)."""
    steps = join(" → ", [_step(index, step, who) for index, step in enumerate(policy.steps)])
    again = f", repeats {policy.repeat}×" if policy.repeat else ""
    return md("Escalation: ", steps, again)


def _step(index: int, step: Step, who: Mapping[TargetKind, str | None] | None) -> Mrkdwn:
    if step.delay == timedelta(0):
        when = "at act-by" if index == 0 else "at once"
    else:
        when = f"+{delay_text(step.delay)}" + (" after act-by" if index == 0 else "")
    return md(_target(step.target, who), " ", when)


def _target(target: Target, who: Mapping[TargetKind, str | None] | None) -> Mrkdwn:
    if target.kind == TargetKind.PERSON and target.ref:
        # Their handle as text: a channel post naming the plan must not ping them each time.
        return md(f"@{target.handle}") if target.handle else mention(target.ref)
    if target.kind == TargetKind.GROUP:
        # Never `<!subteam^…>`: that would notify the whole group.
        return md(f"@{target.handle or target.ref}")
    if who is not None and target.kind in who:
        person = who[target.kind]
        return mention(person) if person else md(f"{target.kind.value} (none named)")
    return md(target.kind.value)


def handoff_plan(policy: Policy, *, next_owner: str, backup: str | None, author: str) -> Mrkdwn:
    """The plan of one handoff, with its people in the roles."""
    who: dict[TargetKind, str | None] = {
        TargetKind.NEXT_OWNER: next_owner,
        TargetKind.BACKUP: backup,
        TargetKind.AUTHOR: author,
    }
    return describe(policy, who)
