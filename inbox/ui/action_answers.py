"""Why a window action cannot act now, as one sentence for the status bar.

A disabled menu entry greys out, but its shortcut then does nothing at all: a person pressing
``f`` on a finalized decision could not tell a dead key from a slow one. The window answers such
a key press with the sentence made here.
"""

from __future__ import annotations

from datetime import datetime

from inbox.core.delta import item_id
from inbox.core.detail import DecisionDetail
from inbox.core.errors import ValidationError
from inbox.core.items import InboxItem, reason_label
from inbox.core.lifecycle import check_transition
from inbox.core.model import Reason, Role, State
from inbox.core.triage import Triage

NOTHING_SELECTED = "Select a decision first (j and k move through the list)."
SNOOZES = frozenset({"snooze", "snooze_hour", "snooze_week", "snooze_change"})


def why_not(
    action: str,
    item: InboxItem | None,
    detail: DecisionDetail | None,
    triage: Triage,
    *,
    loading: str | None = None,
) -> str:
    """Why ``action`` does nothing for the selected ``item`` and the ``detail`` shown.

    ``loading`` is the key whose detail is still on its way, if one is."""
    if action in SNOOZES or action in ("done", "restore"):
        return _triage(action, item, triage)
    if detail is None:
        if loading is not None:
            return f"{loading} is still loading; try again in a moment."
        return NOTHING_SELECTED
    if action == "ack":
        return _acknowledge(detail)
    if action in ("feedback", "object"):
        return _feedback(detail)
    return _owner(action, detail)


def _triage(action: str, item: InboxItem | None, triage: Triage) -> str:
    if item is None:
        return "Select an item of your inbox first; snooze, done and restore work on its rows."
    if action == "done":
        return (
            f"Done is for what you are only told about; {item.key} is here because it is "
            f"{reason_label(item.reason).lower()}. Snooze it instead (s)."
        )
    if action == "restore" and item_id(item) not in triage.ids():
        return f"{item.key} is neither snoozed nor done, so there is nothing to restore."
    return f"{item.key} cannot be changed right now."


def _acknowledge(detail: DecisionDetail) -> str:
    key, decision = detail.key, detail.decision
    if detail.is_owner:
        return f"You own {key}; owners are not asked to acknowledge their own decisions."
    if decision.state is not State.FINALIZED:
        return f"{key} is {decision.state}; only a finalized decision is acknowledged."
    if Role.ACK not in detail.roles:
        return f"You are not asked to acknowledge {key}; nothing is owed."
    if detail.acked_revision is not None:
        return f"You acknowledged r{detail.acked_revision} of {key} already; nothing new to read."
    return f"{key} cannot be acknowledged right now."


def _feedback(detail: DecisionDetail) -> str:
    key, decision = detail.key, detail.decision
    if decision.state is not State.OPEN:
        return f"{key} is {decision.state}; feedback is taken only while a decision is open."
    if detail.is_owner:
        return f"You own {key}; read the feedback others give in the pane."
    return f"You are not in the audience of {key}, so no feedback is asked of you."


def _owner(action: str, detail: DecisionDetail) -> str:
    key = detail.key
    if not detail.is_owner:
        return f"Only the owner of {key} ({detail.decision.owner}) can do that."
    try:
        check_transition(key, detail.decision.state, action)
    except ValidationError as exc:
        return exc.message
    return f"{key} cannot be changed right now."


def snooze_sentence(key: str, until: datetime | None, now: datetime) -> str:
    """What a snooze says it did: when the item returns, in words a person can plan by."""
    if until is None:
        return f"Snoozed {key} until it changes; it comes back with the next revision."
    return (
        f"Snoozed {key} until {returns_at(until, now)}; it comes back earlier if the decision "
        "changes."
    )


def returns_at(until: datetime, now: datetime) -> str:
    """``14:30`` today, ``tomorrow 09:00``, else ``Mon 7 Dec 09:00``, in local time."""
    local, today = until.astimezone(), now.astimezone()
    days = (local.date() - today.date()).days
    if days == 0:
        return f"{local:%H:%M} today"
    if days == 1:
        return f"tomorrow {local:%H:%M}"
    return f"{local:%a} {local.day} {local:%b %H:%M}"


def done_sentence(item: InboxItem) -> str:
    assert item.reason is Reason.INFORMED
    return f"Marked {item.key} done; it comes back if the decision changes."
