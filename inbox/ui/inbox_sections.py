"""The inbox list's sections, without Qt: one per reason, plus "All" and "Snoozed / done",
with the short titles that keep the section list narrow (the full reason is the tooltip)."""

from __future__ import annotations

from inbox.core.inbox import REASON_ORDER, reason_label
from inbox.core.model import Reason

ALL_SECTION = "all"
TRIAGED_SECTION = "triaged"
SECTIONS = (ALL_SECTION, *map(str, REASON_ORDER), TRIAGED_SECTION)
_SHORT = {
    Reason.NEEDS_ACK: "To acknowledge",
    Reason.CHANGED_SINCE_ACK: "Changed",
    Reason.FEEDBACK_REQUESTED: "Feedback requested",
    Reason.CONFLICT: "Conflicts",
    Reason.DEADLINE_PASSED: "Deadline passed",
    Reason.AWAITING_ACKS: "Awaiting others",
    Reason.INFORMED: "For your information",
}


def section_title(section: str) -> str:
    if section == ALL_SECTION:
        return "All"
    if section == TRIAGED_SECTION:
        return "Snoozed / done"
    return _SHORT[Reason(section)]


def section_tooltip(section: str) -> str:
    if section in (ALL_SECTION, TRIAGED_SECTION):
        return section_title(section)
    label = reason_label(Reason(section))
    return label[:1].upper() + label[1:]
