"""Lifecycle rules: who may do what, in which state, and what counts as material."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from collections.abc import Set as AbstractSet
from datetime import UTC, datetime

from inbox.core import fields
from inbox.core.errors import FieldError, LifecycleError, ValidationError
from inbox.core.fields import BODY_MAX, TITLE_MAX
from inbox.core.model import Decision, Revision, Role, Snapshot, State

__all__ = ["BODY_MAX", "TITLE_MAX"]  # where the dialogs and older callers find them
# \Z, not $: $ also matches before a trailing newline, so 'ana\n' would pass as a look-alike.
ASSERTION_KEY = re.compile(r"^[a-z0-9_]+(\.[a-z0-9_]+)*\Z", re.IGNORECASE)
HANDLE = re.compile(r"^[a-z][a-z0-9_.-]{0,62}\Z")
TEAM = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,62}\Z", re.IGNORECASE)

# action -> states it may start from, and the state it leads to (None: unchanged)
TRANSITIONS: Mapping[str, tuple[frozenset[State], State | None]] = {
    "revise": (frozenset({State.DRAFT, State.OPEN, State.FINALIZED}), None),
    "open": (frozenset({State.DRAFT}), State.OPEN),
    "finalize": (frozenset({State.DRAFT, State.OPEN}), State.FINALIZED),
    "supersede": (frozenset({State.DRAFT, State.OPEN, State.FINALIZED}), State.SUPERSEDED),
    "withdraw": (frozenset({State.DRAFT, State.OPEN, State.FINALIZED}), State.WITHDRAWN),
    # An acknowledgment says "I have read revision N of the finalized decision and will build on
    # it"; while a decision is open the answer is feedback (docs/decisions/0010).
    "acknowledge": (frozenset({State.FINALIZED}), None),
    "feedback": (frozenset({State.OPEN}), None),
}


def check_transition(
    key: str,
    state: State,
    action: str,
    *,
    revision: int | None = None,
    deadline: datetime | None = None,
) -> State | None:
    """Return the state ``action`` leads to, or raise a LifecycleError saying why it cannot;
    ``revision`` (the current one) is named when the decision is in that state already,
    ``deadline`` (an open decision's) in the sentence refusing its acknowledgment."""
    allowed, target = TRANSITIONS[action]
    if state not in allowed:
        if state is target:
            raise LifecycleError(key, str(state), action, already(key, state, revision))
        if action == "acknowledge" and state is State.OPEN:
            sentence = open_ack_sentence(key, deadline)
        elif action == "feedback":
            sentence = f"{key} is {state}; feedback is taken only while a decision is open."
        else:
            sentence = f"{key} is {state}; it cannot {_verb(action)}."
        raise LifecycleError(key, str(state), action, sentence)
    return target


def already(key: str, state: State, revision: int | None) -> str:
    """The sentence for a move into the state the decision is in already, and what one can do."""
    at = f" at r{revision}" if revision is not None else ""
    if state is State.FINALIZED:
        return (
            f"{key} is already finalized{at}; to change it, revise it (`decision-inbox revise "
            f"{key}`) or replace it (`decision-inbox supersede {key} --by KEY`)."
        )
    if state is State.OPEN:
        return f"{key} is already open for feedback{at}; finalize it when the feedback is in."
    return f"{key} is already {state}{at}; nothing changes."


def open_ack_sentence(key: str, deadline: datetime | None) -> str:
    """Why an open decision is not acknowledged, and what to do instead."""
    until = "" if deadline is None else f" until {deadline.astimezone(UTC):%Y-%m-%d %H:%M} UTC"
    return (
        f"{key} is open for feedback{until}; acknowledge it once it is finalized, or give "
        f"feedback with `decision-inbox feedback {key} --text …`."
    )


def owning_team(handle: str, teams: Iterable[str], given: str | None) -> str:
    """The team a new decision of ``handle`` belongs to: ``given`` when it is one of their
    ``teams``, their only team when none is given; else a sentence saying how to choose."""
    mine = sorted(set(teams))
    if given is not None and given in mine:
        return given
    if given is None and len(mine) == 1:
        return mine[0]
    if not mine:
        raise ValidationError(
            f"{handle} is in no team, and a decision belongs to its owner's team; an admin can "
            f"add them to one with `decision-inbox person add {handle} --team NAME`."
        )
    listed = _and(mine)
    if given is None:
        raise ValidationError(
            f"{handle} is in {listed}; choose the team that owns this decision with --team NAME."
        )
    return _refuse_team(handle, given, listed, len(mine))


def _refuse_team(handle: str, given: str, listed: str, count: int) -> str:
    which = "team is" if count == 1 else "teams are"
    raise ValidationError(
        f"{handle} is not in {given}, and a decision belongs to one of its owner's teams; "
        f"{handle}'s {which} {listed}: give one with --team NAME."
    )


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _verb(action: str) -> str:
    return {
        "revise": "be revised",
        "open": "be opened for feedback (only a draft can)",
        "finalize": "be finalized",
        "supersede": "be superseded",
        "withdraw": "be withdrawn",
        "acknowledge": "be acknowledged",
    }[action]


def is_material_change(
    minor: bool, before: Mapping[str, str] | None, after: Mapping[str, str]
) -> bool:
    """A revision needs re-acknowledgment unless it is minor and changed no assertion; the first
    revision (nothing ``before``) always does."""
    if before is None:
        return True
    return not minor or dict(before) != dict(after)


def is_material(previous: Revision | None, revision: Revision) -> bool:
    before = None if previous is None else dict(previous.assertions)
    return is_material_change(revision.minor, before, dict(revision.assertions))


def material_revisions(decision: Decision) -> tuple[int, ...]:
    """Numbers of the revisions that need re-acknowledgment, oldest first; r1 always is one."""
    numbers: list[int] = []
    previous: Revision | None = None
    for rev in decision.revisions:
        if is_material(previous, rev):
            numbers.append(rev.number)
        previous = rev
    return tuple(numbers)


def latest_material(decision: Decision) -> int:
    """Number of the newest revision that an acknowledgment must cover: the last of
    :func:`material_revisions`, found walking back from the current revision, which is
    nearly always where it stops (asked for every finalized decision of an inbox)."""
    revisions = decision.revisions
    for at in range(len(revisions) - 1, 0, -1):
        revision = revisions[at]
        if not revision.minor or revision.assertions != revisions[at - 1].assertions:
            return revision.number
    return revisions[0].number


ROLE_BITS: Mapping[Role, int] = {Role.ACK: 1, Role.CONSULT: 2, Role.INFORM: 4}
"""Each role as one bit of :func:`role_bits`."""


def role_bits(decision: Decision, handle: str, teams: AbstractSet[str]) -> int:
    """Every role ``handle`` (in ``teams``) holds in the decision's audience, directly or
    through a team, as the :data:`ROLE_BITS` of those roles: asked for every decision of an
    inbox, where building a set of roles each time was a fifth of the rules."""
    roles = 0
    for entry in decision.audience:
        if entry.name == handle if entry.kind == "person" else entry.name in teams:
            roles |= ROLE_BITS[entry.role]
    return roles


def roles_of(decision: Decision, handle: str, teams: Iterable[str]) -> frozenset[Role]:
    """Every role ``handle`` holds in the decision's audience, directly or through a team."""
    bits = role_bits(decision, handle, teams if isinstance(teams, AbstractSet) else set(teams))
    return frozenset(role for role, bit in ROLE_BITS.items() if bits & bit)


def members_with_role(decision: Decision, snapshot: Snapshot, role: Role) -> frozenset[str]:
    """Handles holding ``role``, teams expanded to their members; the owner is never counted."""
    people: set[str] = set()
    for entry in decision.audience:
        if entry.role is not role:
            continue
        if entry.kind == "person":
            people.add(entry.name)
        else:
            people |= snapshot.members_of(entry.name)
    people.discard(decision.owner)
    return frozenset(people)


def acked_revision(decision: Decision, handle: str) -> int | None:
    """The newest revision ``handle`` acknowledged, or None."""
    acked = None
    for ack in decision.acknowledgments:  # a loop, not max() of a list: asked per inbox item
        if ack.person == handle and (acked is None or ack.revision > acked):
            acked = ack.revision
    return acked


def missing_acks(decision: Decision, handles: Iterable[str], revision: int) -> tuple[str, ...]:
    """Those of ``handles`` with no acknowledgment of ``revision`` or a later one, sorted."""
    return tuple(sorted(h for h in handles if (acked_revision(decision, h) or 0) < revision))


def check_title(title: str) -> str:
    title = title.strip()
    if not title:
        raise FieldError("title", "empty", "The title is empty; give a short title.")
    return fields.check_length("title", "title", title, TITLE_MAX, one_line=True)


def check_body(body: str, *, field: str = "body") -> str:
    """A body, or feedback (``field``): at most 1 MB, and no control character but newlines
    and tabs."""
    if len(body.encode("utf-8")) > BODY_MAX:
        raise FieldError(
            field,
            "too_long",
            f"The {field} is larger than 1 MB; link to a longer document instead.",
            limit=BODY_MAX,
        )
    return fields.check_characters(field, field, body)


def parse_assertion(text: str) -> tuple[str, str]:
    """Parse ``key=value`` (dotted key, any text value) or raise a usage sentence."""
    key, sep, value = text.partition("=")
    key = key.strip()
    if sep and ASSERTION_KEY.match(key):
        check_assertion_key(key)
        return key, fields.check_assertion_value(key, value.strip())
    shown = text if len(text) <= 80 else text[:40] + "…"  # the start says which one
    raise FieldError(
        "assertion",
        "malformed",
        f"The assertion {shown!r} is malformed; write it as KEY=VALUE with a dotted key, "
        "like auth.token.refresh_minutes=60.",
        value=text,
    )


def check_assertion_key(key: str) -> str:
    if len(key) > fields.ASSERTION_KEY_MAX:
        raise FieldError(
            "assertion",
            "too_long",
            f"The assertion key {key[:40]!r}… has {len(key):,} characters; use "
            f"{fields.ASSERTION_KEY_MAX} or fewer.",
            limit=fields.ASSERTION_KEY_MAX,
        )
    if not ASSERTION_KEY.match(key):
        raise FieldError(
            "assertion",
            "malformed",
            f"The assertion key {key!r} is malformed; use a dotted name like auth.token.ttl.",
            value=key,
        )
    return key


def check_handle(handle: str) -> str:
    fields.check_handle_length("handle", "handle", handle)
    if not HANDLE.match(handle):
        raise FieldError(
            "handle",
            "malformed",
            f"The handle {handle!r} is not valid; use lower-case letters, digits, '.', '_' "
            "or '-', starting with a letter.",
            value=handle,
        )
    return handle


def check_team_name(name: str) -> str:
    fields.check_handle_length("team", "team name", name)
    if not TEAM.match(name):
        raise FieldError(
            "team",
            "malformed",
            f"The team name {name!r} is not valid; use letters, digits, '.', '_' or '-'.",
            value=name,
        )
    return name
