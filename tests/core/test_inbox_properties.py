"""Properties of the inbox rules and diffs over generated snapshots."""

from __future__ import annotations

import json
import random
from collections import Counter
from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from inbox.core.conflicts import find_conflicts
from inbox.core.diff import apply_assertion_changes, diff_revisions
from inbox.core.inbox import Rules, compute_inbox
from inbox.core.items import REASON_ORDER, InboxItem, display_order
from inbox.core.lifecycle import latest_material, material_revisions
from inbox.core.model import LIVE_STATES, Decision, Reason, Revision, Snapshot, State
from tests.core.builders import DEFAULT_PEOPLE, NOW, decision, rev, snapshot

HANDLES = sorted(DEFAULT_PEOPLE)
TEAMS = ["backend", "frontend", "mobile"]
WHO = [f"team:{t}" for t in TEAMS] + [f"person:{h}" for h in HANDLES]
ASSERT_KEYS = ["a.x", "a.y", "b"]
VALUES = ["1", "2"]

# strategies are built once: building them inside the composites dominated the run time
assertions_st = st.dictionaries(st.sampled_from(ASSERT_KEYS), st.sampled_from(VALUES), max_size=3)
titles_st = st.sampled_from(["T", "U"])
bodies_st = st.sampled_from(["", "a\nb\n", "a\nc"])
people_st = st.sampled_from(HANDLES)
teams_st = st.sampled_from([*TEAMS, None])
states_st = st.sampled_from(list(State))
who_st = st.sampled_from(WHO)
ack_who_st = st.lists(who_st, max_size=3)
other_who_st = st.lists(who_st, max_size=2)
pins_st = st.lists(st.tuples(people_st, st.integers(1, 3)), max_size=4)
deadline_st = st.none() | st.integers(-48, 48).map(lambda h: NOW + timedelta(hours=h))


@st.composite
def revisions_st(draw: st.DrawFn) -> tuple[Revision, ...]:
    count = draw(st.integers(1, 3))
    return tuple(
        rev(
            n,
            title=draw(titles_st),
            body=draw(bodies_st),
            assertions=draw(assertions_st),
            minor=draw(st.booleans()),
        )
        for n in range(1, count + 1)
    )


@st.composite
def decision_st(draw: st.DrawFn, number: int) -> Decision:
    revs = draw(revisions_st())
    # acknowledgments and feedback are pinned to revisions that exist
    pins = [(person, min(n, len(revs))) for person, n in draw(pins_st)]
    return decision(
        f"D-{number}",
        owner=draw(people_st),
        team=draw(teams_st),
        state=draw(states_st),
        revisions=revs,
        ack=draw(ack_who_st),
        consult=draw(other_who_st),
        inform=draw(other_who_st),
        acks=pins[: len(pins) // 2 + 1],
        feedback=pins[len(pins) // 2 + 1 :],
        deadline=draw(deadline_st),
    )


# Numbers whose text order is not their order (D-10 before D-9 as text), as
# the inbox walks decisions in key order rather than sorting its items at the end.
numbers_st = st.lists(st.sampled_from([1, 2, 3, 9, 10, 11, 100]), unique=True, max_size=6)


@st.composite
def snapshot_st(draw: st.DrawFn) -> Snapshot:
    return snapshot(*(draw(decision_st(n)) for n in draw(numbers_st)))


users = st.sampled_from([*HANDLES, "ghost"])
# generation dominates the cost, so one generated snapshot feeds every inbox invariant
fast = settings(max_examples=80, deadline=None)


@fast
@given(snapshot_st(), users, st.randoms(use_true_random=False))
def test_inbox_invariants(snap: Snapshot, user: str, rnd: random.Random) -> None:
    items = compute_inbox(user, snap, NOW)
    check_only_live_decisions(snap, items)
    check_no_duplicates(items)
    check_owner_never_owes(snap, user, items)
    check_awaiting_coverage(user, items)
    check_sorted_and_serialisable(items)
    check_deterministic(snap, user, items, rnd)
    check_dismissing_informed(snap, user, items)
    check_same_as_sorting_every_item(snap, user, items)


def check_only_live_decisions(snap: Snapshot, items: list[InboxItem]) -> None:
    # drafts never, superseded and withdrawn no more
    states = {d.key: d.state for d in snap.decisions}
    for item in items:
        assert states[item.key] in LIVE_STATES
        assert item.state == states[item.key]


def check_no_duplicates(items: list[InboxItem]) -> None:
    # a decision meets a reason once; conflicts are one per assertion key, on one anchor
    plain = Counter((i.key, i.reason) for i in items if i.reason is not Reason.CONFLICT)
    assert all(n == 1 for n in plain.values())
    conflict_keys = [i.conflict_key for i in items if i.reason is Reason.CONFLICT]
    assert None not in conflict_keys
    assert len(conflict_keys) == len(set(conflict_keys))


def check_owner_never_owes(snap: Snapshot, user: str, items: list[InboxItem]) -> None:
    owners = {d.key: d.owner for d in snap.decisions}
    owed = {Reason.NEEDS_ACK, Reason.CHANGED_SINCE_ACK, Reason.FEEDBACK_REQUESTED, Reason.INFORMED}
    for item in items:
        if item.reason in owed:
            assert owners[item.key] != user
        if item.reason in (Reason.AWAITING_ACKS, Reason.DEADLINE_PASSED):
            assert owners[item.key] == user


def check_awaiting_coverage(user: str, items: list[InboxItem]) -> None:
    for item in items:
        if item.reason is Reason.AWAITING_ACKS:
            assert user not in item.missing
            assert item.missing and list(item.missing) == sorted(item.missing)
            assert item.acked_count is not None and item.audience_count is not None
            assert item.acked_count + len(item.missing) == item.audience_count


def check_sorted_and_serialisable(items: list[InboxItem]) -> None:
    ranks = [REASON_ORDER.index(i.reason) for i in items]
    assert ranks == sorted(ranks)
    for item in items:
        data = json.loads(json.dumps(item.to_json()))
        assert data["reason"] == str(item.reason)
        assert {"key", "title", "reason", "revision", "state", "owner", "team"} <= set(data)


def check_deterministic(
    snap: Snapshot, user: str, items: list[InboxItem], rnd: random.Random
) -> None:
    assert compute_inbox(user, snap, NOW) == items
    shuffled = list(snap.decisions)
    rnd.shuffle(shuffled)
    assert compute_inbox(user, Snapshot(tuple(shuffled), snap.people), NOW) == items


def check_same_as_sorting_every_item(snap: Snapshot, user: str, items: list[InboxItem]) -> None:
    # What compute_inbox's single ordered pass must equal: every decision's own items and every
    # conflict's item (found the plain way), sorted by display_order.
    rules = Rules(user, snap.teams_of(user), snap, NOW)
    by_key = {d.key: d for d in snap.decisions}
    expected = [item for d in snap.decisions for item in rules.items(d)]
    for conflict in find_conflicts(snap.decisions):
        pairs = [(by_key[key], value) for key, value in conflict.values]
        item = rules.conflict_item(conflict.assertion_key, pairs)
        if item is not None:
            expected.append(item)
    assert items == sorted(expected, key=display_order)


def check_dismissing_informed(snap: Snapshot, user: str, items: list[InboxItem]) -> None:
    by_key = {d.key: d for d in snap.decisions}
    dismissed = frozenset(
        (i.key, latest_material(by_key[i.key])) for i in items if i.reason is Reason.INFORMED
    )
    after = compute_inbox(user, snap, NOW, dismissed)
    assert after == [i for i in items if i.reason is not Reason.INFORMED]


@settings(max_examples=50, deadline=None)
@given(revisions_st())
def test_diff_with_itself_is_empty(revs: tuple[Revision, ...]) -> None:
    for r in revs:
        assert diff_revisions(r, r).is_empty()


@settings(max_examples=50, deadline=None)
@given(revisions_st(), revisions_st())
def test_applying_assertion_changes_yields_new(
    olds: tuple[Revision, ...], news: tuple[Revision, ...]
) -> None:
    old, new = olds[-1], news[-1]
    diff = diff_revisions(old, new)
    assert apply_assertion_changes(old.assertions, diff.assertions) == dict(new.assertions)
    assert [c.key for c in diff.assertions] == sorted(c.key for c in diff.assertions)
    assert diff.is_empty() == (
        old.title == new.title and old.body == new.body and old.assertions == new.assertions
    )


@settings(max_examples=100, deadline=None)
@given(revisions_st())
def test_the_latest_material_revision_is_the_last_of_the_material_ones(
    revs: tuple[Revision, ...],
) -> None:
    d = decision("D-1", owner="ana", revisions=revs)
    assert latest_material(d) == material_revisions(d)[-1]
