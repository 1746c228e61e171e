"""Terse builders for core values, so each test states only what it is about: one builder per
value, with keyword defaults, for every test folder (core, notify, ui, the tray app)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from inbox.core.items import InboxItem
from inbox.core.model import (
    Acknowledgment,
    AudienceEntry,
    Decision,
    Event,
    Feedback,
    Person,
    Reason,
    Revision,
    Role,
    Snapshot,
    State,
)

T0 = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)
NOW = T0 + timedelta(days=3)
TOMORROW = NOW + timedelta(days=1)
YESTERDAY = NOW - timedelta(days=1)

DEFAULT_PEOPLE: Mapping[str, Iterable[str]] = {
    "ana": ["backend"],
    "bo": ["backend"],
    "fred": ["frontend"],
    "fatima": ["frontend"],
    "mo": ["mobile"],
    "solo": [],
}


def rev(
    number: int = 1,
    title: str = "Token refresh policy",
    body: str = "",
    assertions: Mapping[str, str] | None = None,
    *,
    minor: bool = False,
    summary: str = "",
    author: str = "ana",
) -> Revision:
    return Revision(
        number=number,
        title=title,
        body=body,
        summary=summary,
        minor=minor,
        author=author,
        created_at=T0 + timedelta(hours=number),
        assertions=dict(assertions or {}),
    )


def entry(spec: str, role: Role | str) -> AudienceEntry:
    kind, _, name = spec.partition(":")
    assert kind in ("team", "person"), spec
    return AudienceEntry(kind, name, Role(role))


def decision(
    key: str = "D-1",
    *,
    owner: str = "ana",
    team: str | None = "backend",
    state: State | str = State.FINALIZED,
    revisions: Iterable[Revision] | None = None,
    title: str = "Token refresh policy",
    assertions: Mapping[str, str] | None = None,
    ack: Iterable[str] = (),
    consult: Iterable[str] = (),
    inform: Iterable[str] = (),
    acks: Iterable[tuple[str, int]] = (),
    feedback: Iterable[tuple[str, int] | tuple[str, int, bool]] = (),
    deadline: datetime | None = None,
    superseded_by: str | None = None,
) -> Decision:
    """A decision; audience given as ``team:NAME``/``person:HANDLE`` lists per role."""
    revs = tuple(revisions) if revisions is not None else (rev(1, title, "", assertions),)
    audience = (
        tuple(entry(s, Role.ACK) for s in ack)
        + tuple(entry(s, Role.CONSULT) for s in consult)
        + tuple(entry(s, Role.INFORM) for s in inform)
    )
    return Decision(
        key=key,
        owner=owner,
        team=team,
        state=State(state),
        version=len(revs),
        deadline=deadline,
        superseded_by=superseded_by,
        created_at=T0,
        revisions=revs,
        audience=audience,
        acknowledgments=tuple(_ack(p, n) for p, n in acks),
        feedback=tuple(_feedback(f) for f in feedback),
    )


def _ack(person: str, number: int) -> Acknowledgment:
    return Acknowledgment(f"ack-{person}-{number}", person, number, T0 + timedelta(hours=number))


def _feedback(spec: tuple[str, int] | tuple[str, int, bool]) -> Feedback:
    person, number = spec[0], spec[1]
    objection = bool(spec[2]) if len(spec) > 2 else False
    return Feedback(f"fb-{person}-{number}", person, number, "ok", objection, T0)


def revise(
    d: Decision,
    *,
    title: str | None = None,
    body: str | None = None,
    assertions: Mapping[str, str] | None = None,
    minor: bool = False,
) -> Decision:
    """``d`` with one more revision; unspecified parts carry over from the current one."""
    cur = d.current
    new = rev(
        cur.number + 1,
        cur.title if title is None else title,
        cur.body if body is None else body,
        dict(cur.assertions) if assertions is None else assertions,
        minor=minor,
    )
    return replace(d, revisions=(*d.revisions, new), version=d.version + 1)


def with_ack(d: Decision, person: str, number: int | None = None) -> Decision:
    n = d.revision if number is None else number
    return replace(d, acknowledgments=(*d.acknowledgments, _ack(person, n)))


def with_feedback(d: Decision, person: str, number: int | None = None) -> Decision:
    n = d.revision if number is None else number
    return replace(d, feedback=(*d.feedback, _feedback((person, n))))


def with_state(d: Decision, state: State | str, deadline: datetime | None = None) -> Decision:
    return replace(d, state=State(state), deadline=deadline if deadline else d.deadline)


def snapshot(*decisions: Decision, people: Mapping[str, Iterable[str]] | None = None) -> Snapshot:
    directory = DEFAULT_PEOPLE if people is None else people
    return Snapshot(
        decisions=decisions,
        people={h: Person(h, h.title(), frozenset(t)) for h, t in directory.items()},
    )


def event(
    kind: str,
    key: str | None,
    revision: int | None,
    at: datetime,
    *,
    seq: int = 0,
    actor: str = "ana",
    **data: object,
) -> Event:
    return Event(seq=seq, kind=kind, decision=key, revision=revision, actor=actor, at=at, data=data)


def inbox_item(
    key: str | int = "D-1",
    reason: Reason = Reason.NEEDS_ACK,
    revision: int = 1,
    title: str = "",
    deadline: datetime | None = None,
    *,
    state: State | str | None = None,
    owner: str = "ana",
    team: str | None = "backend",
    **fields: Any,
) -> InboxItem:
    """An item of an inbox, built directly (no snapshot, no rules): decision ``key`` (``3`` is
    ``D-3``) of ana's in backend, titled ``Decision D-3`` unless ``title`` says otherwise. Its
    state follows the reason (open while feedback is requested, else finalized). ``fields``
    are InboxItem's other fields (``acked_revision``, ``diff``, ``missing`` …)."""
    key = f"D-{key}" if isinstance(key, int) else key
    if state is None:
        state = State.OPEN if reason is Reason.FEEDBACK_REQUESTED else State.FINALIZED
    return InboxItem(
        key=key,
        title=title or f"Decision {key}",
        reason=reason,
        revision=revision,
        state=str(State(state)),
        owner=owner,
        team=team,
        deadline=deadline,
        **fields,
    )
