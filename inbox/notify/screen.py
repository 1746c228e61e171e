"""Which popups are still on screen, and which ones the truth has overtaken.

The policy (:mod:`inbox.notify.policy`) decides what deserves a popup once; this module decides
how long it may stay. Two rules, both pure (no clock, no I/O):

- **Replace, do not stack.** A popup about a decision that already has one on screen takes its
  place (:func:`place` sets :attr:`Popup.replaces`); conflicts are about an assertion key across
  decisions, so a conflict replaces the popup about the same conflict only. Summaries replace
  nothing: they are about several decisions.
- **Withdraw what was answered.** A popup about an inbox item stands while that item is in the
  inbox; once the item is gone (acknowledged here, in the tray, on the command line or on
  another machine, feedback given, the decision withdrawn or superseded, snoozed or done)
  :func:`withdrawals` returns it so the notifier can close it. Owners' news (an objection, all
  acknowledged) asks nothing, so nothing can answer it: it stands until replaced. A summary
  stands while anything it covers stands.

The screen lives in memory for one run of the app: after a restart the previous run's popups
are left to the notification server's own timeout (their server ids died with the run).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from inbox.core.items import InboxItem
from inbox.core.model import Reason
from inbox.notify.values import (
    ALL_ACKNOWLEDGED,
    OBJECTION,
    REMINDER_1H,
    REMINDER_24H,
    SUMMARY,
    Popup,
)

# The inbox reason whose item keeps a popup of this kind standing.
_STANDS_ON: Mapping[str, str] = {
    **{
        str(r): str(r)
        for r in (
            Reason.NEEDS_ACK,
            Reason.CHANGED_SINCE_ACK,
            Reason.FEEDBACK_REQUESTED,
            Reason.INFORMED,
            Reason.DEADLINE_PASSED,
            Reason.CONFLICT,
            Reason.CODE_DRIFT,
        )
    },
    REMINDER_24H: str(Reason.FEEDBACK_REQUESTED),
    REMINDER_1H: str(Reason.FEEDBACK_REQUESTED),
}
_NEWS = frozenset({OBJECTION, ALL_ACKNOWLEDGED})


@dataclass(frozen=True)
class Screen:
    """The popups shown in this run and neither replaced nor withdrawn since, oldest first."""

    popups: tuple[Popup, ...] = ()


def place(screen: Screen, popup: Popup) -> tuple[Screen, Popup]:
    """The screen once ``popup`` is shown, and ``popup`` to show: with ``replaces`` naming the
    popup on the same topic it takes the place of, if one is on screen."""
    topic = _topic(popup)
    replaced = (
        None if topic is None else next((p for p in screen.popups if _topic(p) == topic), None)
    )
    shown = replace(popup, replaces=None if replaced is None else replaced.id)
    kept = tuple(p for p in screen.popups if p is not replaced and p.id != popup.id)
    return Screen((*kept, replace(shown, replaces=None))), shown


def withdrawals(screen: Screen, items: Iterable[InboxItem]) -> tuple[Screen, list[Popup]]:
    """The screen without the popups ``items`` (the whole inbox now) no longer backs, and those
    popups, to be closed, oldest first."""
    standing = {(str(i.reason), _subject(i)) for i in items}
    gone = [p for p in screen.popups if not _stands(p, standing)]
    if not gone:
        return screen, []
    return Screen(tuple(p for p in screen.popups if p not in gone)), gone


def _stands(popup: Popup, standing: set[tuple[str, str]]) -> bool:
    if popup.reason == SUMMARY:
        return any(_id_stands(covered, standing) for covered in popup.covers)
    return _id_stands(popup.id, standing)


def _id_stands(popup_id: str, standing: set[tuple[str, str]]) -> bool:
    """By the id alone (a summary knows only the ids it covers): ``user|reason|subject|…``."""
    parts = popup_id.split("|", 3)
    if len(parts) < 3 or parts[1] in _NEWS or parts[1] not in _STANDS_ON:
        return True  # nothing in the inbox answers it: never withdrawn, only replaced
    return (_STANDS_ON[parts[1]], parts[2]) in standing


def _subject(item: InboxItem) -> str:
    return (item.conflict_key or "") if item.reason is Reason.CONFLICT else item.key


def _topic(popup: Popup) -> tuple[str, str] | None:
    if popup.reason == SUMMARY or popup.key is None:
        return None
    if popup.reason == str(Reason.CONFLICT):
        parts = popup.id.split("|", 3)
        return ("conflict", parts[2] if len(parts) > 2 else popup.key)
    return ("decision", popup.key)
