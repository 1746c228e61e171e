"""The incremental inbox equals the full computation after any sequence of events."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from inbox.core.delta import item_id
from inbox.core.inbox import compute_inbox
from inbox.core.live_inbox import LiveInbox
from inbox.core.model import CodeCheck, CodeValue, Decision, Person, Snapshot, State
from inbox.core.reliance import latest_checks
from inbox.core.scope import kept_of
from tests.core.builders import (
    DEFAULT_PEOPLE,
    NOW,
    TOMORROW,
    decision,
    revise,
    snapshot,
    with_ack,
    with_feedback,
    with_state,
)
from tests.core.test_inbox_properties import (
    ASSERT_KEYS,
    TEAMS,
    ack_who_st,
    assertions_st,
    bodies_st,
    deadline_st,
    other_who_st,
    people_st,
    titles_st,
)

USERS = ("fred", "ana", "mo", "solo")
pick_st = st.integers(0, 1000)  # which existing decision, modulo how many there are

create_st = st.tuples(
    st.just("create"),
    people_st,
    ack_who_st,
    other_who_st,
    other_who_st,
    assertions_st,
    st.sampled_from([State.DRAFT, State.OPEN, State.FINALIZED]),
    deadline_st,
)
STATUSES = ("holds", "drift", "conflict", "proposed", "no_decision", "unresolved")
# One value of a code check: key, value found, status, which decision it was checked against
# (None: none) and at which revision (current, or the first).
code_value_st = st.tuples(
    st.sampled_from(ASSERT_KEYS),
    st.sampled_from(["15", "60"]),
    st.sampled_from(STATUSES),
    st.none() | pick_st,
    st.booleans(),
)
report_st = st.tuples(
    st.just("report"),
    st.sampled_from(TEAMS),
    st.sampled_from(["web", "app"]),
    st.lists(code_value_st, min_size=0, max_size=3),
)
users_st = st.sampled_from(USERS)  # memberships of the users themselves change their roles
op_st = st.one_of(
    create_st,
    st.tuples(
        st.just("revise"), pick_st, st.none() | assertions_st, st.booleans(), bodies_st, titles_st
    ),
    st.tuples(st.just("open"), pick_st, deadline_st),
    st.tuples(st.just("finalize"), pick_st),
    st.tuples(st.just("supersede"), pick_st, pick_st),
    st.tuples(st.just("withdraw"), pick_st),
    st.tuples(st.just("ack"), pick_st, people_st, st.booleans()),
    st.tuples(st.just("feedback"), pick_st, people_st),
    st.tuples(st.just("join"), people_st | users_st, st.sampled_from(TEAMS)),
    st.tuples(st.just("leave"), people_st | users_st, st.sampled_from(TEAMS)),
    st.tuples(st.just("time"), st.integers(-6, 30)),
    report_st,
    report_st,
)


class World:
    """The full truth the incremental inboxes are compared against."""

    def __init__(self) -> None:
        self.decisions: dict[str, Decision] = {}
        self.people = dict(snapshot().people)
        self.now = NOW - timedelta(hours=12)
        self.checks: list[CodeCheck] = []
        self.checks_changed = False

    def snapshot(self) -> Snapshot:
        return Snapshot(
            tuple(self.decisions.values()), dict(self.people), latest_checks(self.checks)
        )

    def report(self, team: str, repo: str, values: list[tuple[Any, ...]]) -> None:
        """A code check; an empty one (a repository that binds nothing any more) too."""
        found = []
        for key, value, status, pick, current in values:
            d = None if pick is None else self.pick(pick)
            revision = None if d is None else (d.revision if current else 1)
            found.append(CodeValue(key, value, status, d.key if d else None, revision))
        self.checks.append(CodeCheck(team, repo, None, "fred", self.now, tuple(found)))
        self.checks_changed = True

    def pick(self, n: int) -> Decision | None:
        keys = list(self.decisions)
        return self.decisions[keys[n % len(keys)]] if keys else None

    def apply(self, op: tuple[Any, ...]) -> tuple[str | None, bool]:
        """Apply one event; (the decision it touched, whether the directory changed)."""
        kind = op[0]
        if kind == "create":
            _, owner, ack, consult, inform, assertions, state, deadline = op
            key = f"D-{len(self.decisions) + 1}"
            self.decisions[key] = decision(
                key,
                owner=owner,
                state=state,
                assertions=assertions,
                ack=ack,
                consult=consult,
                inform=inform,
                deadline=deadline if state is State.OPEN else None,
            )
            return key, False
        if kind in ("join", "leave"):
            _, handle, team = op
            person = self.people[handle]
            teams = person.teams | {team} if kind == "join" else person.teams - {team}
            self.people[handle] = Person(person.handle, person.name, frozenset(teams))
            return None, True
        if kind == "time":
            self.now += timedelta(hours=op[1])
            return None, False
        if kind == "report":
            self.report(*op[1:])
            return None, False
        d = self.pick(op[1])
        if d is None:
            return None, False
        if kind == "revise":
            _, _, assertions, minor, body, title = op
            d = revise(d, title=title, body=body, assertions=assertions, minor=minor)
        elif kind == "open" and d.state is State.DRAFT:
            d = with_state(d, State.OPEN, op[2])
        elif kind == "finalize" and d.state in (State.DRAFT, State.OPEN):
            d = with_state(d, State.FINALIZED)
        elif kind == "supersede" and d.state in (State.DRAFT, State.OPEN, State.FINALIZED):
            by = self.pick(op[2])
            d = replace(d, state=State.SUPERSEDED, superseded_by=by.key if by else None)
        elif kind == "withdraw" and d.state in (State.DRAFT, State.OPEN, State.FINALIZED):
            d = with_state(d, State.WITHDRAWN)
        elif kind == "ack" and d.state in (State.OPEN, State.FINALIZED):
            _, _, person, current = op
            d = with_ack(d, person, d.revision if current else 1)
        elif kind == "feedback" and d.state is State.OPEN:
            d = with_feedback(d, op[2])
        else:
            return None, False
        self.decisions[d.key] = d
        return d.key, False


@settings(max_examples=400, deadline=None)
@given(
    initial=st.lists(create_st, min_size=2, max_size=8),
    steps=st.lists(st.lists(op_st, min_size=1, max_size=3), min_size=1, max_size=12),
)
def test_the_incremental_inbox_equals_the_full_computation(
    initial: list[tuple[Any, ...]], steps: list[list[tuple[Any, ...]]]
) -> None:
    world = World()
    for op in initial:
        world.apply(op)
    live = {user: LiveInbox(user, world.snapshot(), world.now) for user in USERS}
    for user, inbox in live.items():
        assert list(inbox.items()) == compute_inbox(user, world.snapshot(), world.now)
    for batch in steps:
        touched: set[str] = set()
        directory = False
        world.checks_changed = False
        for op in batch:
            key, people = world.apply(op)
            touched |= {key} if key else set()
            directory |= people
        truth = world.snapshot()
        checks = truth.code_checks if world.checks_changed else None
        for user, inbox in live.items():
            before = {item_id(i): i for i in inbox.items()}
            changed = inbox.update(
                [world.decisions[k] for k in touched],
                truth.people if directory else None,
                world.now,
                checks,
            )
            expected = compute_inbox(user, truth, world.now)
            assert list(inbox.items()) == expected, (user, batch)
            after = {item_id(i): i for i in expected}
            assert changed == {
                k for k in before.keys() | after.keys() if before.get(k) != after.get(k)
            }, (user, batch)
            assert inbox.owned() == {d.key for d in truth.decisions if d.owner == user}
            for identity, item in after.items():
                assert inbox.get(identity) == item


def test_a_passing_deadline_turns_feedback_overdue_without_any_event() -> None:
    pending = decision("D-1", state=State.OPEN, consult=["person:fred"], deadline=TOMORROW)
    late = decision("D-2", owner="fred", state=State.OPEN, deadline=TOMORROW)
    world = snapshot(pending, late)
    inbox = LiveInbox("fred", world, NOW)
    assert [i.overdue for i in inbox.items()] == [False]
    later: datetime = TOMORROW + timedelta(minutes=1)
    changed = inbox.update([], None, later)
    assert list(inbox.items()) == compute_inbox("fred", world, later)
    assert {(k, r) for k, r, _ in changed} == {
        ("D-1", "feedback_requested"),
        ("D-2", "deadline_passed"),
    }


def test_leaving_a_team_takes_away_what_the_team_was_asked() -> None:
    world = snapshot(decision("D-1", ack=["team:frontend"]))
    inbox = LiveInbox("fred", world, NOW)
    assert [i.key for i in inbox.items()] == ["D-1"]
    people = dict(world.people)
    people["fred"] = Person("fred", "Fred", frozenset())
    changed = inbox.update([], people, NOW)
    assert inbox.items() == () and changed == {("D-1", "needs_ack", None)}


def test_time_running_backwards_recomputes_the_deadlines() -> None:
    world = snapshot(decision("D-1", owner="fred", state=State.OPEN, deadline=NOW))
    inbox = LiveInbox("fred", world, TOMORROW)
    assert [str(i.reason) for i in inbox.items()] == ["deadline_passed"]
    inbox.update([], None, NOW - timedelta(hours=1))
    assert inbox.items() == ()


def test_a_membership_change_of_an_audience_team_recounts_the_owners_awaiting_item() -> None:
    owned = decision("D-1", owner="ana", ack=["team:frontend"])
    world = snapshot(owned)
    inbox = LiveInbox("ana", world, NOW)
    (awaiting,) = inbox.items()
    assert awaiting.missing == ("fatima", "fred")
    people = {h: Person(h, h, frozenset(t)) for h, t in DEFAULT_PEOPLE.items()}
    people["mo"] = Person("mo", "Mo", frozenset({"mobile", "frontend"}))
    inbox.update([], people, NOW)
    (awaiting,) = inbox.items()
    assert awaiting.missing == ("fatima", "fred", "mo")


@settings(max_examples=300, deadline=None)
@given(
    initial=st.lists(create_st, min_size=2, max_size=8),
    steps=st.lists(st.lists(op_st, min_size=1, max_size=3), min_size=1, max_size=12),
)
def test_an_inbox_kept_to_its_scope_equals_the_full_computation_over_the_whole_store(
    initial: list[tuple[Any, ...]], steps: list[list[tuple[Any, ...]]]
) -> None:
    """Each person's inbox sees only what a client of theirs keeps (inbox.core.scope: their
    scope whole, the other live decisions as their index) and follows it as it moves, with
    decisions dropped when they leave it; its items are those of the whole store."""
    world = World()
    for op in initial:
        world.apply(op)
    held = {user: {d.key: d for d in kept_of(world.snapshot(), user)} for user in USERS}
    live = {
        user: LiveInbox(
            user, replace(world.snapshot(), decisions=tuple(held[user].values())), world.now
        )
        for user in USERS
    }
    for user, inbox in live.items():
        assert list(inbox.items()) == compute_inbox(user, world.snapshot(), world.now)
    for batch in steps:
        directory = False
        world.checks_changed = False
        for op in batch:
            _, people = world.apply(op)
            directory |= people
        truth = world.snapshot()
        checks = truth.code_checks if world.checks_changed else None
        for user, inbox in live.items():
            kept = {d.key: d for d in kept_of(truth, user)}
            changed = [d for k, d in kept.items() if held[user].get(k) != d]
            gone = set(held[user]) - set(kept)
            held[user] = kept
            inbox.update(
                changed, truth.people if directory else None, world.now, checks, removed=gone
            )
            assert list(inbox.items()) == compute_inbox(user, truth, world.now), (user, batch)
            assert inbox.owned() == {d.key for d in truth.decisions if d.owner == user}
