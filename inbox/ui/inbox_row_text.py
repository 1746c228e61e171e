"""What one row of the inbox list says, without Qt: the decision's key, title and owner's
name, its reasons as chips (most urgent first), when it last changed and its deadline."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from inbox.core.items import InboxItem
from inbox.core.model import Reason
from inbox.core.times import as_utc
from inbox.core.triage import Triage
from inbox.ui.action_answers import returns_at
from inbox.ui.inbox_rows import REASON_TEXT, deadline_text, span_text

CHIP_LABELS = {
    Reason.NEEDS_ACK: "To acknowledge",
    Reason.CHANGED_SINCE_ACK: "Changed",
    Reason.FEEDBACK_REQUESTED: "Feedback requested",
    Reason.CONFLICT: "Conflict",
    Reason.CODE_DRIFT: "Code disagrees",
    Reason.DEADLINE_PASSED: "Deadline passed",
    Reason.AWAITING_ACKS: "Awaiting others",
    Reason.INFORMED: "For your information",
}


@dataclass(frozen=True)
class RowText:
    """What one row shows: line 1 key, title and owner; line 2 the chips (the reasons, most
    urgent first), when the decision last changed and its deadline."""

    key: str
    title: str
    owner: str  # the display name when known, else the handle
    chips: tuple[str, ...]
    reasons: tuple[str, ...]  # each chip's reason, for its colour
    changed: str  # "changed 2 h ago", or "" when unknown
    deadline: str  # "due in 23 h · …" / "overdue 2 h · …", or ""
    overdue: bool
    unread: bool
    triage: str = ""  # "snoozed until tomorrow 09:00", "marked done", or ""

    @property
    def why(self) -> str:
        return " · ".join(self.chips)

    def sentence(self) -> str:
        """The whole row as one line, for screen readers and tooltips."""
        parts = [f"{self.key} {self.title}", f"owner {self.owner}", self.why]
        parts += [p for p in (self.triage, self.changed, self.deadline) if p]
        return ("Unread: " if self.unread else "") + ", ".join(parts)


def row_text(
    items: Sequence[InboxItem],
    now: datetime,
    names: Mapping[str, str],
    unread: bool,
    triage: Triage | None = None,
) -> RowText:
    """The texts of a row whose items are ``items`` (most urgent first, one decision)."""
    lead = items[0]
    deadline = next((i.deadline for i in items if i.deadline is not None), None)
    late = deadline is not None and as_utc(deadline) <= as_utc(now)
    return RowText(
        key=lead.key,
        title=lead.title,
        owner=names.get(lead.owner) or lead.owner,
        chips=tuple(_chip(i) for i in items),
        reasons=tuple(map(REASON_TEXT, items)),
        changed="" if lead.changed_at is None else f"changed {ago(lead.changed_at, now)}",
        deadline="" if deadline is None else _due(deadline_text(deadline, now), late),
        overdue=late,
        unread=unread,
        triage="" if triage is None else triage_note(lead, triage, now),
    )


def triage_note(item: InboxItem, triage: Triage, now: datetime) -> str:
    """Where ``item`` stands in this machine's triage, for its row in "Snoozed / done"."""
    snooze = triage.snooze_of(item)
    if snooze is not None:
        if snooze.until is None:
            return "snoozed until it changes"
        return f"snoozed until {returns_at(snooze.until, now)}"
    if triage.is_done(item):
        return "marked done"
    return ""


def _chip(item: InboxItem) -> str:
    label = CHIP_LABELS[item.reason]
    if item.reason is Reason.AWAITING_ACKS and item.audience_count:
        return f"{label} ({item.acked_count or 0}/{item.audience_count})"
    return label


def _due(text: str, late: bool) -> str:
    return text if late else f"due {text}"


def ago(moment: datetime, now: datetime) -> str:
    """``just now``, ``5 min ago``, ``3 h ago``, ``2 d ago``; a date past a month."""
    gap = as_utc(now) - as_utc(moment)
    if gap < timedelta(minutes=1):
        return "just now"
    if gap > timedelta(days=31):
        return f"on {as_utc(moment).astimezone().strftime('%Y-%m-%d')}"
    return f"{span_text(gap)} ago"
