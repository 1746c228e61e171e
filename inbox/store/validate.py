"""Reading defensively: what this client cannot interpret is set aside, never a crash loop.

A store is shared with clients of other versions and with whoever holds a superuser login: a
later version may write an event kind or a decision state this one does not know, and a hand
edit may leave a decision without revisions or a feed row whose data is not JSON. The database's
rules stop members from writing such rows (docs/decisions/0009), not everyone. So every load goes
through here: the reader's values are checked, a decision that fails is reported by its key and
cause ("D-7 could not be read: it has no revision") and left out of the inbox, and a feed event
that fails is skipped with one warning and counted. The reader itself stays a plain loader.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from inbox.core.errors import ValidationError
from inbox.core.model import Decision, Event, Snapshot
from inbox.store import reader
from inbox.store.code_checks import load_code_checks
from inbox.store.models import DecisionRow

log = logging.getLogger(__name__)

# Every kind this version writes or reads; a later version's new kind is skipped.
KNOWN_KINDS = frozenset(
    {
        "created", "revised", "opened", "finalized", "superseded", "withdrawn",
        "acknowledged", "feedback", "team_added", "person_added", "member_added",
        "member_removed", "code_checked",
    }
)  # fmt: skip
# Kinds that name a decision revision; the directory's and the code checks' do not.
DECISION_KINDS = KNOWN_KINDS - {
    "team_added", "person_added", "member_added", "member_removed", "code_checked",
}  # fmt: skip
_CHUNK = 500
# What a row this version cannot map raises inside the reader (an unknown state or role, a
# missing column value); anything else is a real fault and is not swallowed here.
UNREADABLE = (ValueError, KeyError, TypeError, IndexError, AssertionError)


def decision_problem(d: Decision) -> str | None:
    """Why ``d`` cannot be shown, or None when it can."""
    if not d.revisions:
        return "it has no revision"
    numbers = [r.number for r in d.revisions]
    if d.partial:  # an index entry (inbox.core.scope) holds its current revision only
        return None if len(numbers) == 1 and numbers[0] >= 1 else "its index is not one revision"
    if numbers != list(range(1, len(numbers) + 1)):
        return f"its revisions are numbered {', '.join(map(str, numbers))}, not 1 to {len(numbers)}"
    for what, answers in (("an acknowledgment", d.acknowledgments), ("feedback", d.feedback)):
        for answer in answers:
            if not 1 <= answer.revision <= len(numbers):
                return f"{what} names revision {answer.revision}, which it does not have"
    return None


def event_problem(e: Event) -> str | None:
    """Why the feed event ``e`` cannot be used by this version, or None when it can."""
    if e.kind not in KNOWN_KINDS:
        return f"its kind {e.kind!r} is not one this version knows"
    if e.problem:
        return e.problem
    if e.kind in DECISION_KINDS and (not isinstance(e.decision, str) or e.revision is None):
        return "it names no decision revision"
    if e.kind in ("acknowledged", "feedback") and not isinstance(e.data.get("id"), str):
        return "its data has no id"
    return None


def usable_events(events: Iterable[Event]) -> tuple[list[Event], int]:
    """The events this version can use, and how many it skipped (each with one warning)."""
    usable: list[Event] = []
    skipped = 0
    for e in events:
        problem = event_problem(e)
        if problem is None:
            usable.append(e)
            continue
        skipped += 1
        log.warning(
            "skipped change-feed event %s (%s): %s; a newer Decision Inbox may read it",
            e.seq,
            e.kind,
            problem,
        )
    return usable, skipped


def split(decisions: Iterable[Decision]) -> tuple[list[Decision], dict[str, str]]:
    """(the decisions that can be shown, key -> cause of those that cannot)."""
    good: list[Decision] = []
    bad: dict[str, str] = {}
    for d in decisions:
        problem = decision_problem(d)
        if problem is None:
            good.append(d)
        else:
            bad[d.key] = problem
    return good, bad


def load_snapshot(session: Session) -> Snapshot:
    """reader.load_snapshot, with what cannot be read set aside in ``unreadable``."""
    try:
        snapshot = reader.load_snapshot(session)
    except UNREADABLE:
        keys = session.scalars(select(DecisionRow.key).order_by(DecisionRow.number)).all()
        people = reader.load_people(session)
        good, bad = load_decisions(session, keys)
        return Snapshot(tuple(good), people, load_code_checks(session), unreadable=bad)
    good, bad = split(snapshot.decisions)
    return Snapshot(tuple(good), snapshot.people, snapshot.code_checks, unreadable=bad)


def load_decisions(
    session: Session, keys: Iterable[str], scope: str | None = None, *, checked: bool = True
) -> tuple[list[Decision], dict[str, str]]:
    """reader.load_decisions (scoped to ``scope``'s person if given), and key -> cause for each
    decision that cannot be read. A row the reader cannot map at all is found by loading its
    chunk one decision at a time. ``checked=False``: the decisions that could be mapped are
    returned unchecked (for :func:`split` after the caller set some aside)."""
    good: list[Decision] = []
    bad: dict[str, str] = {}
    wanted = sorted(set(keys))
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start : start + _CHUNK]
        try:
            loaded = reader.load_decisions(session, chunk, scope)
        except UNREADABLE:
            loaded = []
            for key in chunk:
                try:
                    loaded += reader.load_decisions(session, [key], scope)
                except UNREADABLE as exc:
                    bad[key] = cause_of(exc)
        if not checked:
            good += loaded
            continue
        ok, failed = split(loaded)
        good += ok
        bad |= failed
    return good, bad


def load_decision(session: Session, key: str) -> Decision:
    """One decision, or a sentence naming why it cannot be read."""
    found = reader.find_decision(session, key)
    good, bad = load_decisions(session, [found.key])
    if bad:
        raise ValidationError(f"{unreadable_line(found.key, bad[found.key])}; {NEXT_STEP}")
    return good[0]


NEXT_STEP = "an admin can check it in the store, or a newer Decision Inbox may read it."


def unreadable_line(key: str, cause: str) -> str:
    """How every view names a decision it cannot show."""
    return f"{key} could not be read: {cause}"


def unreadable_lines(unreadable: dict[str, str] | Sequence[tuple[str, str]]) -> list[str]:
    items = unreadable.items() if isinstance(unreadable, dict) else unreadable
    return [unreadable_line(k, c) for k, c in sorted(items)]


def cause_of(exc: BaseException) -> str:
    if isinstance(exc, ValueError) and "is not a valid" in str(exc):
        return f"{str(exc).rstrip('.')}, which this version does not know"  # State('archived')
    return f"a value this version cannot interpret ({type(exc).__name__})"
