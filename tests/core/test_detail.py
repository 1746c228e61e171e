"""build_detail: what the detail pane shows of one decision for one person, and what they may do."""

from __future__ import annotations

from dataclasses import replace

import pytest

from inbox.core.detail import build_detail
from inbox.core.diff import AssertionChange
from inbox.core.errors import NotFoundError
from inbox.core.model import Feedback, Role, State
from tests.core.builders import (
    NOW,
    TOMORROW,
    YESTERDAY,
    decision,
    rev,
    revise,
    snapshot,
    with_ack,
    with_state,
)

PEOPLE = {
    "ana": ["backend"],
    "bo": ["backend"],
    "fred": ["frontend"],
    "fatima": ["frontend"],
    "mia": ["mobile"],
    "mo": ["mobile"],
    "solo": [],
}
OWNER_ALL = {"revise", "open", "finalize", "supersede", "withdraw"}


def token_story():
    """D-1 of the demo: finalized at 15, acknowledged by three of four, then moved to 60."""
    d1 = decision(
        "D-1",
        owner="ana",
        assertions={"auth.token.refresh_minutes": "15"},
        ack=["team:frontend", "team:mobile"],
        acks=[("fred", 1), ("fatima", 1), ("mia", 1)],
    )
    d1 = revise(
        d1,
        body="every 60 minutes",
        assertions={"auth.token.refresh_minutes": "60", "auth.token.grace_minutes": "5"},
    )
    d2 = decision(
        "D-2",
        owner="fatima",
        team="frontend",
        title="Web session timer",
        assertions={"auth.token.refresh_minutes": "15", "web.session.idle_minutes": "30"},
        ack=["team:frontend"],
    )
    return d1, d2


def test_the_user_sees_what_changed_since_their_acknowledgment() -> None:
    d1, d2 = token_story()
    detail = build_detail(snapshot(d1, d2, people=PEOPLE), "D-1", "fred", NOW)
    assert detail.decision is d1 and detail.key == "D-1" and detail.revision == 2
    assert detail.acked_revision == 1 and not detail.is_owner
    assert detail.roles == {Role.ACK}
    assert detail.diff is not None
    assert (detail.diff.from_revision, detail.diff.to_revision) == (1, 2)
    assert set(detail.diff.assertions) == {
        AssertionChange("auth.token.refresh_minutes", "15", "60"),
        AssertionChange("auth.token.grace_minutes", None, "5"),
    }
    assert "+every 60 minutes" in detail.diff.body
    assert detail.actions == {"acknowledge"}


def test_no_diff_without_an_older_acknowledgment() -> None:
    d1, d2 = token_story()
    snap = snapshot(d1, d2, people=PEOPLE)
    assert build_detail(snap, "D-1", "mo", NOW).diff is None  # never acknowledged
    acked = with_ack(d1, "fred", 2)
    current = build_detail(snapshot(acked, d2, people=PEOPLE), "D-1", "fred", NOW)
    assert current.diff is None and current.acked_revision == 2
    assert "acknowledge" not in current.actions


def test_coverage_is_given_per_material_revision() -> None:
    d1, d2 = token_story()
    detail = build_detail(snapshot(d1, d2, people=PEOPLE), "D-1", "ana", NOW)
    assert detail.material_revisions == (1, 2)
    r1, r2 = detail.coverage
    assert (r1.revision, r1.acknowledged, r1.missing) == (1, ("fatima", "fred", "mia"), ("mo",))
    assert r1.label() == "r1: 3/4 acknowledged — missing: mo"
    assert r2.acknowledged == () and r2.missing == ("fatima", "fred", "mia", "mo")
    later = with_ack(with_ack(d1, "fred", 2), "mo", 2)
    detail = build_detail(snapshot(later, d2, people=PEOPLE), "D-1", "ana", NOW)
    r1, r2 = detail.coverage
    assert r1.missing == () and r1.complete  # mo's acknowledgment of r2 covers r1 too
    assert r2.label() == "r2: 2/4 acknowledged — missing: fatima, mia"


def test_a_minor_revision_needs_no_new_acknowledgment_but_still_shows_its_diff() -> None:
    d = decision("D-1", assertions={"a.b": "1"}, ack=["person:fred"], acks=[("fred", 1)])
    d = revise(d, body="typo fixed", minor=True)
    detail = build_detail(snapshot(d, people=PEOPLE), "D-1", "fred", NOW)
    assert detail.material_revisions == (1,) and detail.material_revision == 1
    assert "acknowledge" not in detail.actions
    assert detail.diff is not None and detail.diff.assertions == ()
    assert [c.revision for c in detail.coverage] == [1]


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        (State.DRAFT, OWNER_ALL),
        (State.OPEN, OWNER_ALL - {"open"}),
        (State.FINALIZED, {"revise", "supersede", "withdraw"}),
        (State.SUPERSEDED, set()),
        (State.WITHDRAWN, set()),
    ],
)
def test_owner_actions_follow_the_lifecycle(state: State, expected: set[str]) -> None:
    # the owner is also in the audience: owners still neither acknowledge nor give feedback
    d = decision("D-1", owner="ana", state=state, ack=["team:backend"], consult=["team:backend"])
    snap = snapshot(d, people=PEOPLE)
    assert build_detail(snap, "D-1", "ana", NOW).actions == expected
    others = build_detail(snap, "D-1", "bo", NOW).actions
    assert not others & OWNER_ALL


def test_feedback_is_for_anyone_in_the_audience_while_open() -> None:
    d = decision(
        "D-9",
        owner="bo",
        state=State.OPEN,
        deadline=TOMORROW,
        consult=["team:frontend"],
        inform=["person:mo"],
        ack=["person:mia"],
    )
    snap = snapshot(d, people=PEOPLE)
    assert build_detail(snap, "D-9", "fred", NOW).actions == {"feedback"}
    assert build_detail(snap, "D-9", "mo", NOW).actions == {"feedback"}
    # an ack member of an open decision gives feedback; acknowledging waits for finalization
    assert build_detail(snap, "D-9", "mia", NOW).actions == {"feedback"}
    assert build_detail(snap, "D-9", "solo", NOW).actions == frozenset()
    finalized = snapshot(with_state(d, State.FINALIZED), people=PEOPLE)
    assert "feedback" not in build_detail(finalized, "D-9", "fred", NOW).actions
    assert build_detail(finalized, "D-9", "mia", NOW).actions == {"acknowledge"}


def test_no_acknowledgment_is_asked_of_a_superseded_decision() -> None:
    d = decision("D-3", state=State.SUPERSEDED, superseded_by="D-4", ack=["person:fred"])
    assert build_detail(snapshot(d, people=PEOPLE), "D-3", "fred", NOW).actions == frozenset()


def test_conflicts_name_the_other_decisions_and_their_values() -> None:
    d1, d2 = token_story()
    same = decision("D-5", owner="mo", assertions={"auth.token.refresh_minutes": "60"})
    dead = decision(
        "D-6", owner="mo", state=State.WITHDRAWN, assertions={"auth.token.refresh_minutes": "1"}
    )
    snap = snapshot(d1, d2, same, dead, people=PEOPLE)
    (conflict,) = build_detail(snap, "D-1", "fred", NOW).conflicts
    assert (conflict.assertion_key, conflict.value) == ("auth.token.refresh_minutes", "60")
    (other,) = conflict.others  # D-5 agrees, D-6 is withdrawn
    assert (other.key, other.title, other.value, other.owner, other.state) == (
        "D-2",
        "Web session timer",
        "15",
        "fatima",
        State.FINALIZED,
    )
    (back,) = build_detail(snap, "D-2", "fred", NOW).conflicts
    assert back.value == "15" and {o.key for o in back.others} == {"D-1", "D-5"}
    assert build_detail(snap, "D-6", "fred", NOW).conflicts == ()


def test_queued_acknowledgments_are_marked_until_the_store_confirms_them() -> None:
    d1, d2 = token_story()
    acked = with_ack(d1, "fred", 2)  # the outbox's acknowledgment, already in the snapshot
    snap = snapshot(acked, d2, people=PEOPLE)
    detail = build_detail(snap, "D-1", "fred", NOW, queued_acks=[2])
    assert detail.ack_queued and detail.queued_acks == {2}
    r1, r2 = detail.coverage
    assert r1.queued == ()  # r1 was confirmed long ago
    assert r2.queued == ("fred",)
    assert "fred queued — waits for the store" in r2.label()
    confirmed = build_detail(snap, "D-1", "fred", NOW)
    assert not confirmed.ack_queued and confirmed.coverage[1].queued == ()


def test_feedback_thread_is_in_time_order_with_objections_counted() -> None:
    d = decision("D-9", owner="bo", state=State.OPEN, consult=["team:frontend"])
    late = Feedback("f2", "fatima", 1, "No: breaks the web client.", True, NOW)
    early = Feedback("f1", "fred", 1, "Fine by me.", False, YESTERDAY)
    d = replace(d, feedback=(late, early))
    detail = build_detail(snapshot(d, people=PEOPLE), "D-9", "bo", NOW)
    assert detail.feedback == (early, late)
    assert detail.objections == 1


def test_overdue_only_for_an_open_decision_past_its_deadline() -> None:
    d = decision("D-9", owner="bo", state=State.OPEN, deadline=YESTERDAY)
    assert build_detail(snapshot(d), "D-9", "bo", NOW).overdue
    assert not build_detail(snapshot(replace(d, deadline=TOMORROW)), "D-9", "bo", NOW).overdue
    finalized = replace(d, state=State.FINALIZED)
    assert not build_detail(snapshot(finalized), "D-9", "bo", NOW).overdue


def test_an_acknowledged_revision_missing_from_the_snapshot_gives_no_diff() -> None:
    d = decision("D-1", revisions=[rev(2, assertions={"a": "1"}), rev(3, assertions={"a": "2"})])
    d = with_ack(replace(d, audience=()), "fred", 1)
    assert build_detail(snapshot(d), "D-1", "fred", NOW).diff is None


def test_an_unknown_key_is_not_found() -> None:
    with pytest.raises(NotFoundError, match="D-77"):
        build_detail(snapshot(*token_story(), people=PEOPLE), "D-77", "fred", NOW)
