"""The notification policy (docs/architecture.md, "Notifications"): which changes deserve a
popup, and each one exactly once.

Pure: no clock, no I/O. Time comes in as ``now`` (timezone-aware; a naive value is read as UTC)
and everything the policy remembers lives in a :class:`PolicyState` the caller persists (its
``to_json`` is JSON-safe) and hands back on the next call, across restarts.

Three entry points return the new state and the popups to show now, in display order:
:func:`decide` after every sync, with its :class:`~inbox.core.delta.InboxDelta`;
:func:`reminders_due` on a timer, with the inbox at ``now`` (deadline reminders, an owner's
passed deadline); :func:`release` on a timer, for popups held by quiet hours or a pause
(``decide`` and ``reminders_due`` release too).

Identity: every popup has an ``id`` built from stable facts (user, reason, decision or assertion
key, revision, deadline, feedback id). An id in ``state.notified`` never pops again; an id
already held is not held twice. Rules where the brief left room, chosen here:

- A reason the person muted (``Settings.muted``) or missing from ``Settings.reasons`` is marked
  notified silently, not held, so unmuting it later does not replay history (see ``Settings``).
- An item that moved to a new revision only by minor revisions (the sync's ``revised`` events all
  say ``material: false``) is marked, not shown: a typo fix asks nothing new of anyone.
- Objection and all-acknowledged popups come from feed events; on a first sync these are history,
  not news, and are marked silently.
- Who owns a decision: ``owned`` (the keys the caller's cache says ``user`` owns) plus every item
  of the delta whose ``owner`` is ``user``. The items alone miss the usual case, because an owner
  has no inbox item for an open decision before its deadline, so callers should pass ``owned``.
- A held popup whose item was removed (acknowledged elsewhere, withdrawn, resolved) or that is
  replaced by fresher news on the same topic (r3 after r2, the 1 h reminder after the 24 h one),
  or a held reminder whose deadline passed, is dropped and marked notified: nothing owed is lost,
  nothing stale is shown.
- A feedback request shown on its own already states the deadline, so the reminders whose window
  has been reached at that moment are marked notified.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from datetime import datetime, timedelta, tzinfo
from itertools import chain

from inbox.core.delta import InboxDelta
from inbox.core.items import InboxItem
from inbox.core.keys import decision_sort_key
from inbox.core.model import Event, Reason, State
from inbox.core.times import as_utc, iso_utc
from inbox.notify import messages
from inbox.notify.values import (
    ALL_ACKNOWLEDGED,
    OBJECTION,
    PAUSED_INDEFINITELY,
    POPUP_ORDER,
    POPUP_REASONS,
    REMINDER_1H,
    REMINDER_24H,
    STATE_VERSION,
    SUMMARY,
    PolicyState,
    Popup,
    Settings,
)

_RANK = {reason: index for index, reason in enumerate(POPUP_ORDER)}
REMIND_FIRST = timedelta(hours=24)
REMIND_LAST = timedelta(hours=1)

# Popups whose id names a revision, so that a new revision is a new event.
_BY_REVISION = frozenset(
    str(r)
    for r in (
        Reason.NEEDS_ACK,
        Reason.CHANGED_SINCE_ACK,
        Reason.FEEDBACK_REQUESTED,
        Reason.INFORMED,
    )
)
# A removed inbox item makes held popups of these reasons (same subject) moot.
_MOOT: Mapping[str, frozenset[str]] = {
    **{reason: frozenset({reason}) for reason in _BY_REVISION | {"conflict", "deadline_passed"}},
    str(Reason.FEEDBACK_REQUESTED): frozenset({"feedback_requested", REMINDER_24H, REMINDER_1H}),
}


# Complexity C (radon): one sync's popups in the policy's order (held ones released, items
# appearing or moving, owners' events, then the offer with summarising); split, the order that
# is the rule would no longer read top to bottom.
def decide(
    state: PolicyState,
    delta: InboxDelta,
    user: str,
    now: datetime,
    settings: Settings,
    *,
    owned: Collection[str] = (),
) -> tuple[PolicyState, list[Popup]]:
    """The popups one sync deserves. ``owned``: keys of the decisions ``user`` owns."""
    now = as_utc(now)
    run = _Run(state, settings, now)
    run.drop_held(lambda p: _moot(p, delta, user))
    run.release()
    clock = None if settings.holding(now) else now
    offers: list[Popup] = []
    requests: dict[str, InboxItem] = {}  # feedback requests offered, by popup id
    for item, moved in chain(((i, False) for i in delta.added), ((i, True) for i in delta.changed)):
        popup = _item_popup(item, user, clock, settings.tz, delta.events)
        if popup is None:
            continue
        if moved and popup.reason in _BY_REVISION and _minor_move(item, delta.events):
            run.silence(popup.id)
            continue
        offers.append(popup)
        if item.reason is Reason.FEEDBACK_REQUESTED:
            requests[popup.id] = item
    for popup in _event_popups(delta, user, owned):
        if delta.first_sync:
            run.silence(popup.id)
        else:
            offers.append(popup)
    shown = run.offer(offers, summarise=delta.first_sync or delta.after_offline)
    for popup_id in shown & requests.keys():
        for reminder_id in _reminders_reached(requests[popup_id], user, now):
            run.silence(reminder_id)
    return run.result()


# Complexity C (radon): two reminder windows for each unanswered feedback request (only the
# nearer speaks when both are reached), and the owner's passed deadlines.
def reminders_due(
    state: PolicyState, items: Sequence[InboxItem], user: str, now: datetime, settings: Settings
) -> tuple[PolicyState, list[Popup]]:
    """Deadline reminders 24 h and 1 h before, for unanswered feedback requests, and the owner's
    passed deadlines. ``items``: the user's inbox computed at ``now``."""
    now = as_utc(now)
    run = _Run(state, settings, now)
    run.release()
    clock = None if settings.holding(now) else now
    offers: list[Popup] = []
    for item in items:
        if item.reason is Reason.FEEDBACK_REQUESTED and item.deadline is not None:
            deadline = as_utc(item.deadline)
            reached = _reminders_reached(item, user, now)
            if now >= deadline or not reached:
                continue
            if len(reached) == 2:  # both windows at once: only the 1 h one speaks
                run.silence(reached[0])
            reason = REMINDER_1H if len(reached) == 2 else REMINDER_24H
            title, body = messages.reminder(item, clock, settings.tz)
            offers.append(
                Popup(
                    reached[-1], item.key, title, body, reason, item.revision, item.title, deadline
                )
            )
        elif item.reason is Reason.DEADLINE_PASSED:
            popup = _item_popup(item, user, clock, settings.tz, ())
            if popup is not None:
                offers.append(popup)
    run.offer(offers, summarise=False)
    return run.result()


def release(
    state: PolicyState, now: datetime, settings: Settings
) -> tuple[PolicyState, list[Popup]]:
    """Held popups, once quiet hours and pause are over: one summary if more than the threshold."""
    run = _Run(state, settings, as_utc(now))
    run.release()
    return run.result()


class _Run:
    """One call's working copy of the state and the popups it shows."""

    def __init__(self, state: PolicyState, settings: Settings, now: datetime) -> None:
        self.notified = set(state.notified)
        self.held = list(state.held)
        self.settings = settings
        self.now = now
        self.shown: list[Popup] = []

    def known(self, popup_id: str) -> bool:
        return popup_id in self.notified or any(p.id == popup_id for p in self.held)

    def silence(self, popup_id: str) -> None:
        """Never show this id (a held one stays held: it is owed a showing)."""
        if not any(p.id == popup_id for p in self.held):
            self.notified.add(popup_id)

    def drop_held(self, which: Callable[[Popup], bool]) -> None:
        self.notified.update(p.id for p in self.held if which(p))
        self.held = [p for p in self.held if not which(p)]

    def release(self) -> None:
        if not self.held or self.settings.holding(self.now):
            return
        self.drop_held(
            lambda p: (
                not self.settings.wants(p.reason)
                or (p.expires is not None and p.expires <= self.now)
            )
        )
        held, self.held = self.held, []
        self._show(held, summarise=True)

    def offer(self, popups: Iterable[Popup], *, summarise: bool) -> set[str]:
        """Show or hold what is new; returns the ids shown on their own."""
        fresh: dict[str, Popup] = {}
        for popup in popups:
            if popup.id in fresh or self.known(popup.id):
                continue
            if not self.settings.wants(popup.reason):
                self.notified.add(popup.id)
            else:
                fresh[popup.id] = popup
        if not self.settings.holding(self.now):
            return self._show(list(fresh.values()), summarise=summarise)
        for popup in fresh.values():
            self._hold(popup)
        return set()

    def _hold(self, popup: Popup) -> None:
        topic = _topic(popup)
        self.drop_held(lambda p: _topic(p) == topic)  # fresher news on the same topic
        self.held.append(popup)

    def _show(self, popups: list[Popup], *, summarise: bool) -> set[str]:
        popups = sorted(popups, key=_order)
        self.notified.update(p.id for p in popups)
        if summarise and popups and len(popups) > self.settings.summary_threshold:
            summary = _summary(popups)
            self.notified.add(summary.id)
            self.shown.append(summary)
            return set()
        self.shown.extend(popups)
        return {p.id for p in popups}

    def result(self) -> tuple[PolicyState, list[Popup]]:
        return PolicyState(frozenset(self.notified), tuple(self.held)), self.shown


# Complexity C (radon): one branch per inbox reason that deserves a popup.
def _item_popup(
    item: InboxItem, user: str, clock: datetime | None, tz: tzinfo | None, events: Iterable[Event]
) -> Popup | None:
    """The popup an inbox item appearing deserves, or None (awaiting_acks: the owner's own)."""
    reason = str(item.reason)
    tag = f"r{item.revision}"
    if item.reason is Reason.NEEDS_ACK:
        words = messages.needs_ack(item, messages.happened(item, events))
    elif item.reason is Reason.CHANGED_SINCE_ACK:
        words = messages.changed_since_ack(item, messages.revisions_since(item, events))
    elif item.reason is Reason.FEEDBACK_REQUESTED:
        words = messages.feedback_requested(item, clock, tz)
    elif item.reason is Reason.INFORMED:
        words = messages.informed(item, messages.happened(item, events))
    elif item.reason is Reason.DEADLINE_PASSED and item.owner == user:
        words = messages.deadline_passed(item, clock, tz)
        tag = _iso(item.deadline)
    elif item.reason is Reason.CODE_DRIFT:  # one popup per disagreement (repo, key, value)
        words, tag = messages.code_drift(item), messages.drift_tag(item)
    elif item.reason is Reason.CONFLICT and item.conflict_key is not None:
        values = [(item.key, item.value or "")] + [(p.key, p.value) for p in item.conflicts_with]
        words = messages.conflict(item)
        ident = f"{user}|conflict|{item.conflict_key}|" + ",".join(
            sorted(f"{k}={v}" for k, v in values)
        )
        return Popup(ident, item.key, *words, reason, item.revision, item.title)
    else:
        return None
    return Popup(
        f"{user}|{reason}|{item.key}|{tag}", item.key, *words, reason, item.revision, item.title
    )


# Complexity C (radon): one branch per event kind an owner hears of (objection, last
# acknowledgment), with the guards each needs.
def _event_popups(delta: InboxDelta, user: str, owned: Collection[str]) -> list[Popup]:
    """Objections by others on the user's decisions, and the last acknowledgment arriving."""
    everything = list(chain(delta.items, delta.added, delta.changed, delta.removed))
    owner_of = set(owned) | {i.key for i in everything if i.owner == user}
    titles = {i.key: i.title for i in reversed(everything)}  # current items win
    out: list[Popup] = []
    for event in delta.events:
        key = event.decision
        if (
            key is not None
            and event.kind == "feedback"
            and event.data.get("objection") is True
            and key in owner_of
            and event.actor != user
        ):
            title = titles.get(key, "")
            ident = f"{user}|{OBJECTION}|{key}|{event.data.get('id') or f'seq{event.seq}'}"
            words = messages.objection(key, title, event.actor, event.revision)
            out.append(Popup(ident, key, *words, OBJECTION, event.revision, title))
    for item in delta.removed:
        if item.reason is Reason.AWAITING_ACKS and item.owner == user:
            revision = _all_acknowledged(item, delta)
            if revision is not None:
                words = messages.all_acknowledged(item.key, titles.get(item.key, ""), revision)
                ident = f"{user}|{ALL_ACKNOWLEDGED}|{item.key}|r{revision}"
                out.append(Popup(ident, item.key, *words, ALL_ACKNOWLEDGED, revision, item.title))
    return out


# Complexity C (radon): each condition of 'everyone acknowledged' is one guard; together they are
# the rule's definition.
def _all_acknowledged(item: InboxItem, delta: InboxDelta) -> int | None:
    """The revision everyone acknowledged, if an acknowledgment (and nothing else) emptied the
    owner's awaiting_acks item: the decision was not superseded or withdrawn and is finalized."""
    events = [e for e in delta.events if e.decision == item.key]
    acks = [e.revision for e in events if e.kind == "acknowledged" and e.revision is not None]
    current = [i for i in delta.items if i.key == item.key]
    if (
        not acks
        or any(e.kind in ("superseded", "withdrawn") for e in events)
        or any(i.state != State.FINALIZED for i in current)
    ):
        return None
    return max([item.revision, *acks, *(i.revision for i in current)])


def _minor_move(item: InboxItem, events: Iterable[Event]) -> bool:
    """The item reached its revision only through minor revisions, by this sync's events."""
    revised = [e for e in events if e.kind == "revised" and e.decision == item.key]
    return any(e.revision == item.revision for e in revised) and all(
        e.data.get("material") is False for e in revised
    )


def _reminders_reached(item: InboxItem, user: str, now: datetime) -> list[str]:
    """Ids of the reminder windows ``now`` is in or past: [], [24 h] or [24 h, 1 h]."""
    if item.deadline is None:
        return []
    deadline = as_utc(item.deadline)
    base = f"|{item.key}|{iso_utc(deadline)}"
    ids = [f"{user}|{REMINDER_24H}{base}"] if now >= deadline - REMIND_FIRST else []
    return [*ids, f"{user}|{REMINDER_1H}{base}"] if now >= deadline - REMIND_LAST else ids


def _moot(popup: Popup, delta: InboxDelta, user: str) -> bool:
    """A held popup whose inbox item the sync removed (and did not bring back)."""

    def about(item: InboxItem) -> bool:
        subject = item.conflict_key if item.reason is Reason.CONFLICT else item.key
        parts = popup.id.split("|", 3)
        return (
            popup.reason in _MOOT.get(str(item.reason), ())
            and parts[:1] == [user]
            and parts[2:3] == [subject]
        )

    return any(about(i) for i in delta.removed) and not any(about(i) for i in delta.items)


def _topic(popup: Popup) -> str:
    """Popups on one topic supersede each other while held; objections each stand alone."""
    parts = popup.id.split("|", 3)
    if popup.reason in (OBJECTION, SUMMARY) or len(parts) < 4:
        return popup.id
    group = "reminder" if popup.reason in (REMINDER_24H, REMINDER_1H) else popup.reason
    return f"{parts[0]}|{group}|{parts[2]}"


def _order(popup: Popup) -> tuple[int, tuple[str, int], str]:
    key = popup.key or ""
    return (_RANK.get(popup.reason, len(_RANK)), decision_sort_key(key), key)


def _summary(popups: Sequence[Popup]) -> Popup:
    covers = tuple(p.id for p in popups)
    user = covers[0].split("|", 1)[0]
    digest = hashlib.sha256("\n".join(sorted(covers)).encode()).hexdigest()[:16]
    asking = {p.key for p in popups if p.reason != str(Reason.INFORMED)}
    told = {p.key for p in popups if p.key is not None and p.key not in asking}
    title, body = messages.summary([(p.key, p.subject) for p in popups if p.key is not None], told)
    return Popup(f"{user}|{SUMMARY}|{digest}", None, title, body, SUMMARY, None, covers=covers)


def _iso(moment: datetime | None) -> str:
    return "none" if moment is None else iso_utc(moment)


__all__ = [
    "ALL_ACKNOWLEDGED",
    "OBJECTION",
    "PAUSED_INDEFINITELY",
    "POPUP_ORDER",
    "POPUP_REASONS",
    "REMINDER_1H",
    "REMINDER_24H",
    "STATE_VERSION",
    "SUMMARY",
    "PolicyState",
    "Popup",
    "Settings",
    "decide",
    "release",
    "reminders_due",
]
