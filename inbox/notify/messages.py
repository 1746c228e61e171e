"""The words of a popup: what happened and what is owed, in a title and a short body.

Pure functions of their arguments. Times are shown in the wall time of ``tz`` (``None``: the
system's local zone) with fixed English day and month names, so the same inputs always give the
same text whatever the process locale. A relative part ("in 23 h") is only written when the
caller passes ``now``; a popup that is held back by quiet hours is worded without one, because
it is shown later and "in 23 h" would then be wrong.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from datetime import datetime, timedelta, tzinfo

from inbox.core.diff import format_diff
from inbox.core.items import InboxItem
from inbox.core.model import Event

MAX_TITLE = 100
MAX_BODY = 200
SUMMARY_LISTED = 5
ELLIPSIS = "…"

_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

Words = tuple[str, str]  # (title, body)


def clip(text: str, limit: int) -> str:
    """``text`` on one line, cut to at most ``limit`` characters with a trailing "…"."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[: max(limit - 1, 0)].rstrip() + ELLIPSIS


def local(moment: datetime, tz: tzinfo | None) -> datetime:
    return moment.astimezone(tz) if tz is not None else moment.astimezone()


def wall(moment: datetime, tz: tzinfo | None) -> str:
    """``Sun 29 Nov 17:00`` in the wall time of ``tz``."""
    t = local(moment, tz)
    return f"{_DAYS[t.weekday()]} {t.day} {_MONTHS[t.month - 1]} {t:%H:%M}"


def span(length: timedelta) -> str:
    """A rough length for people: ``40 min``, ``23 h``, ``3 d`` (rounded down, at least 1 min)."""
    minutes = max(int(abs(length.total_seconds()) // 60), 1)
    if minutes < 60:
        return f"{minutes} min"
    hours = minutes // 60
    if hours < 48:
        return f"{hours} h"
    return f"{hours // 24} d"


def relative(moment: datetime, now: datetime) -> str:
    """``in 23 h`` or ``3 h ago`` (``just now`` within a minute either side)."""
    if abs((moment - now).total_seconds()) < 60:
        return "just now"
    return f"in {span(moment - now)}" if moment > now else f"{span(now - moment)} ago"


def _words(title: str, body: str) -> Words:
    return clip(title, MAX_TITLE), clip(body, MAX_BODY)


def happened(item: InboxItem, events: Iterable[Event]) -> str:
    """``Finalized at r2 by ana`` / ``Revised to r3 by ana``, from this sync's events if they say.

    Without a matching event (first sync, audience change) the owner is named: only the owner
    (or a store admin) finalizes or revises a decision.
    """
    kinds = {
        e.kind: e.actor
        for e in events
        if e.decision == item.key and e.revision == item.revision and e.kind in _HAPPENED
    }
    for kind in _HAPPENED:  # finalizing says more than the revision that preceded it
        if kind in kinds:
            return _HAPPENED[kind].format(rev=item.revision, who=kinds[kind])
    return _HAPPENED["finalized"].format(rev=item.revision, who=item.owner)


_HAPPENED = {"finalized": "Finalized at r{rev} by {who}", "revised": "Revised to r{rev} by {who}"}


def needs_ack(item: InboxItem, what: str) -> Words:
    return _words(f"{item.key} needs your acknowledgment: {item.title}", f"{what}.{_relied(item)}")


def _relied(item: InboxItem) -> str:
    """Why someone outside the audience is asked: the keys their team's code relies on."""
    return f" You rely on {', '.join(item.relies_on)}." if item.relies_on else ""


def drift_tag(item: InboxItem) -> str:
    """What makes a drift popup new: which repository holds which value for which key."""
    return ",".join(f"{d.team}/{d.repo}/{d.key}={d.found}" for d in item.drifts)


def code_drift(item: InboxItem) -> Words:
    """``frontend · web @ 3f2a9c1: auth.token.refresh_minutes is 15 in the code; D-1 says 60.``"""
    said = [
        f"{d.where}: {d.key} is {d.found} in the code; {item.key} says {d.expected}"
        for d in item.drifts
    ]
    return _words(f"{item.key}: the code disagrees: {item.title}", _sentence("; ".join(said)))


Revised = tuple[int, str, str]  # (revision, author, summary)
MAX_WHO = 100  # of the body, for who revised and why; the facts get the rest


def revisions_since(item: InboxItem, events: Iterable[Event]) -> tuple[Revised, ...]:
    """Who made each revision since the one ``item``'s person acknowledged, and why (the
    revision's summary), newest first, as far as this sync's ``revised`` events tell."""
    since = item.acked_revision or 0
    found: dict[int, tuple[str, str]] = {}
    for e in events:
        number = e.revision if e.kind == "revised" and e.decision == item.key else None
        if number is not None and since < number <= item.revision:
            summary = e.data.get("summary")
            found[number] = (e.actor, summary if isinstance(summary, str) else "")
    return tuple((number, *found[number]) for number in sorted(found, reverse=True))


# Complexity C (radon): one clause per fact a change popup may carry (who and why, title, each
# assertion, what was acknowledged).
def changed_since_ack(item: InboxItem, revisions: Sequence[Revised] = ()) -> Words:
    """Who changed it and why (``revisions``, from :func:`revisions_since`), the title and
    assertion changes (the facts people build on), then what the person acknowledged."""
    suffix = "" if item.acked_revision is None else f" You acknowledged r{item.acked_revision}."
    said = [
        f"r{number} by {author}" + (f": {clip(why, 60).rstrip('.')}" if why.strip() else "")
        for number, author, why in revisions
    ]
    who = _sentence(clip("; ".join(said), MAX_WHO)) if said else ""
    if item.diff is None:
        changes = "" if who else f"Now at r{item.revision}"
    else:
        facts = format_diff(item.diff.without_body())
        changes = "; ".join(facts) if facts else "The text changed"
    room = MAX_BODY - len(suffix) - (len(who) + 1 if who else 0) - 1
    changes = _sentence(clip(changes, room)) if changes else ""
    body = " ".join(part for part in (who, changes) if part) + suffix + _relied(item)
    return _words(f"{item.key} changed: {item.title}", body)


def _sentence(text: str) -> str:
    return text if text.endswith((ELLIPSIS, ".")) else text + "."


def _deadline(deadline: datetime | None, now: datetime | None, tz: tzinfo | None) -> str:
    if deadline is None:
        return "No deadline set."
    late = now is not None and deadline <= now
    text = f"Deadline {'was ' if late else ''}{wall(deadline, tz)}"
    return f"{text} ({relative(deadline, now)})." if now is not None else f"{text}."


def feedback_requested(item: InboxItem, now: datetime | None, tz: tzinfo | None) -> Words:
    return _words(
        f"{item.key} wants your feedback: {item.title}", _deadline(item.deadline, now, tz)
    )


def reminder(item: InboxItem, now: datetime | None, tz: tzinfo | None) -> Words:
    due = "soon"
    if item.deadline is not None:
        due = relative(item.deadline, now) if now is not None else wall(item.deadline, tz)
        due = due if due.startswith("in ") else f"by {due}"
    body = f"{_deadline(item.deadline, now, tz)} You have not answered r{item.revision} yet."
    return _words(f"{item.key} feedback due {due}: {item.title}", body)


def conflict(item: InboxItem) -> Words:
    says = [f"{item.key} says {clip(item.value or '', 40)}"]
    says += [f"{peer.key} says {clip(peer.value, 40)}" for peer in item.conflicts_with]
    return _words(f"Conflict on {item.conflict_key}", ", ".join(says) + ".")


def deadline_passed(item: InboxItem, now: datetime | None, tz: tzinfo | None) -> Words:
    if item.deadline is None:
        closed = "Feedback closed"
    elif now is None:
        closed = f"Feedback closed {wall(item.deadline, tz)}"
    else:
        closed = f"Feedback closed {relative(item.deadline, now)}"
    return _words(
        f"Deadline passed: {item.key} {item.title}", f"{closed}; finalize, extend or withdraw it."
    )


def informed(item: InboxItem, what: str) -> Words:
    return _words(f"For your information: {item.key} {item.title}", f"{what}. Nothing is owed.")


def objection(key: str, title: str, actor: str, revision: int | None) -> Words:
    on = "" if revision is None else f" to r{revision}"
    return _words(f"Objection on {key}{': ' + title if title else ''}", f"{actor} objected{on}.")


def all_acknowledged(key: str, title: str, revision: int) -> Words:
    return _words(
        f"All acknowledged: {key}{' ' + title if title else ''}",
        f"Everyone acknowledged r{revision}.",
    )


def summary(entries: Sequence[tuple[str, str]], informed: Collection[str] = ()) -> Words:
    """One popup for many: ``entries`` are (decision key, decision title), in display order;
    ``informed``: the keys whose only news is for the person's information, which ask nothing
    of them, so they are not counted as needing them."""
    keys: dict[str, str] = {}
    for key, title in entries:
        keys.setdefault(key, title)
    count = len(keys)
    only_told = len(set(informed) & keys.keys())
    needs = count - only_told
    noun = "1 decision needs you" if needs == 1 else f"{needs} decisions need you"
    if only_told:
        told = f"{only_told} for your information"
        noun = f"{noun}, {told}" if needs else told
    listed = [f"{key} {clip(title, 26)}".strip() for key, title in keys.items()]
    body = "; ".join(listed[:SUMMARY_LISTED])
    if count > SUMMARY_LISTED:
        body += f"; …and {count - SUMMARY_LISTED} more"
    return noun, clip(body + ".", MAX_BODY)
