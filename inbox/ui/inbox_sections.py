"""The inbox list's sections, without Qt: one per reason, plus "All" and "Snoozed / done",
with the short titles that keep the section list narrow (the full reason is the tooltip)."""

from __future__ import annotations

from inbox.core.items import REASON_ORDER, reason_label
from inbox.core.model import Reason

ALL_SECTION = "all"
TRIAGED_SECTION = "triaged"
SECTIONS = (ALL_SECTION, *map(str, REASON_ORDER), TRIAGED_SECTION)
_SHORT = {
    Reason.NEEDS_ACK: "To acknowledge",
    Reason.CHANGED_SINCE_ACK: "Changed",
    Reason.FEEDBACK_REQUESTED: "Feedback requested",
    Reason.CONFLICT: "Conflicts",
    Reason.CODE_DRIFT: "Code drift",
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


class SectionHeaders:
    """Header rows between the state's rows: view rows are the state's rows with a header just
    above the first row of each reason. ``starts``: (state row a section starts at, reason),
    ascending; empty when the list shows no headers."""

    def __init__(self) -> None:
        self.starts: list[tuple[int, str]] = []

    def __len__(self) -> int:
        return len(self.starts)

    def row(self, view: int) -> int | None:
        """The state's row at view row ``view``; None for a header."""
        for n, (start, _) in enumerate(self.starts):
            if view == start + n:
                return None
            if view < start + n:
                return view - n
        return view - len(self.starts)

    def view_row(self, row: int) -> int:
        """The view row of the state's row ``row``."""
        return row + sum(1 for start, _ in self.starts if start <= row)

    def section_at(self, view: int) -> str | None:
        """The reason whose header view row ``view`` is, or None for a decision's row."""
        for n, (start, reason) in enumerate(self.starts):
            if view == start + n:
                return reason
        return None

    def insert_span(self, row: int, section: str) -> tuple[int, int]:
        """(first, last) view rows that a new state row ``row`` of ``section`` brings: the row,
        and its header just above when the section is new."""
        # Headers above: those of earlier sections, and the section's own when it starts here.
        above = sum(1 for s, r in self.starts if s < row or (s == row and r == section))
        new = all(r != section for _, r in self.starts)
        return row + above, row + above + int(new)

    def remove_span(self, row: int, rows: int) -> tuple[int, int]:
        """(first, last) view rows that removing state row ``row`` (of ``rows``) takes away:
        the row, and its header when it was its section's only row."""
        view = self.view_row(row)
        above = [s for s, _ in self.starts if s <= row]
        if not above:
            return view, view
        below = [s for s, _ in self.starts if s > row]
        alone = above[-1] == row and min(below, default=rows) == row + 1
        return view - int(alone), view
