"""Each inbox reason (docs/architecture.md, "The inbox rules"): its positive case and every
condition that turns it off."""

from __future__ import annotations

from datetime import timedelta

import pytest

from inbox.core.inbox import compute_inbox
from inbox.core.items import InboxItem, reason_label
from inbox.core.model import Reason, Snapshot, State
from tests.core.builders import (
    NOW,
    TOMORROW,
    YESTERDAY,
    decision,
    rev,
    revise,
    snapshot,
    with_ack,
    with_feedback,
    with_state,
)

R = Reason


def inbox(user: str, snap: Snapshot, **kw: object) -> list[InboxItem]:
    return compute_inbox(user, snap, NOW, **kw)  # type: ignore[arg-type]


def pairs(user: str, snap: Snapshot, **kw: object) -> list[tuple[str, Reason]]:
    return [(i.key, i.reason) for i in inbox(user, snap, **kw)]


# --- needs_ack -------------------------------------------------------------------------------


class TestNeedsAck:
    def test_team_ack_member_needs_ack(self) -> None:
        snap = snapshot(decision(ack=["team:frontend"]))
        assert pairs("fred", snap) == [("D-1", R.NEEDS_ACK)]
        item = inbox("fred", snap)[0]
        assert (item.revision, item.state, item.owner, item.team) == (
            1,
            "finalized",
            "ana",
            "backend",
        )
        assert item.to_json() == {
            "key": "D-1",
            "title": "Token refresh policy",
            "reason": "needs_ack",
            "revision": 1,
            "state": "finalized",
            "owner": "ana",
            "team": "backend",
        }

    def test_direct_person_ack(self) -> None:
        snap = snapshot(decision(ack=["person:mo"]))
        assert pairs("mo", snap) == [("D-1", R.NEEDS_ACK)]
        assert pairs("fred", snap) == []

    def test_not_in_audience_gets_nothing(self) -> None:
        snap = snapshot(decision(ack=["team:frontend"]))
        assert pairs("mo", snap) == []

    def test_owner_in_ack_team_gets_no_needs_ack(self) -> None:
        snap = snapshot(decision(ack=["team:backend"]))
        assert R.NEEDS_ACK not in [r for _, r in pairs("ana", snap)]
        assert pairs("bo", snap) == [("D-1", R.NEEDS_ACK)]

    @pytest.mark.parametrize("state", ["draft", "open", "superseded", "withdrawn"])
    def test_only_finalized(self, state: str) -> None:
        snap = snapshot(decision(state=state, ack=["team:frontend"], deadline=TOMORROW))
        assert pairs("fred", snap) == []

    @pytest.mark.parametrize("role", ["consult", "inform"])
    def test_other_roles_do_not_need_ack(self, role: str) -> None:
        snap = snapshot(decision(**{role: ["team:frontend"]}))  # type: ignore[arg-type]
        assert R.NEEDS_ACK not in [r for _, r in pairs("fred", snap)]

    def test_acked_current_revision_clears_it(self) -> None:
        snap = snapshot(decision(ack=["team:frontend"], acks=[("fred", 1)]))
        assert pairs("fred", snap) == []

    def test_someone_elses_ack_does_not_count(self) -> None:
        snap = snapshot(decision(ack=["team:frontend"], acks=[("fatima", 1)]))
        assert pairs("fred", snap) == [("D-1", R.NEEDS_ACK)]

    def test_ack_made_while_open_counts_once_finalized(self) -> None:
        d = decision(state="open", ack=["team:frontend"], deadline=TOMORROW)
        d = with_state(with_ack(d, "fred"), "finalized")
        assert pairs("fred", snapshot(d)) == []

    def test_ack_via_team_and_direct_is_one_item(self) -> None:
        snap = snapshot(decision(ack=["team:frontend", "person:fred"]))
        assert pairs("fred", snap) == [("D-1", R.NEEDS_ACK)]

    def test_person_in_no_team_only_direct(self) -> None:
        snap = snapshot(decision(ack=["team:frontend", "person:solo"]))
        assert pairs("solo", snap) == [("D-1", R.NEEDS_ACK)]

    def test_unknown_person_has_no_teams(self) -> None:
        snap = snapshot(decision(ack=["team:frontend"]))
        assert pairs("ghost", snap) == []


# --- changed_since_ack -----------------------------------------------------------------------


class TestChangedSinceAck:
    def test_material_revision_after_ack(self) -> None:
        d = revise(
            decision(ack=["team:frontend"], assertions={"a": "15"}, acks=[("fred", 1)]),
            assertions={"a": "60"},
            title="New title",
            body="new body",
        )
        items = inbox("fred", snapshot(d))
        assert [(i.key, i.reason) for i in items] == [("D-1", R.CHANGED_SINCE_ACK)]
        item = items[0]
        assert item.acked_revision == 1
        assert item.revision == 2
        assert item.diff is not None
        assert (item.diff.from_revision, item.diff.to_revision) == (1, 2)
        assert [(c.key, c.old, c.new) for c in item.diff.assertions] == [("a", "15", "60")]
        assert item.diff.title == ("Token refresh policy", "New title")
        data = item.to_json()
        assert data["acked_revision"] == 1
        assert data["diff"]["assertions"] == [{"key": "a", "old": "15", "new": "60"}]
        assert set(data) == {
            "key",
            "title",
            "reason",
            "revision",
            "state",
            "owner",
            "team",
            "acked_revision",
            "diff",
        }

    def test_non_minor_body_edit_is_material(self) -> None:
        d = revise(decision(ack=["team:frontend"], acks=[("fred", 1)]), body="clarified")
        assert pairs("fred", snapshot(d)) == [("D-1", R.CHANGED_SINCE_ACK)]

    def test_minor_revision_does_not_retrigger(self) -> None:
        d = revise(decision(ack=["team:frontend"], acks=[("fred", 1)]), body="typo", minor=True)
        assert pairs("fred", snapshot(d)) == []

    def test_minor_flag_with_assertion_change_is_material(self) -> None:
        d = decision(ack=["team:frontend"], assertions={"a": "1"}, acks=[("fred", 1)])
        d = revise(d, assertions={"a": "2"}, minor=True)
        assert pairs("fred", snapshot(d)) == [("D-1", R.CHANGED_SINCE_ACK)]

    def test_minor_flag_with_added_assertion_is_material(self) -> None:
        d = decision(ack=["team:frontend"], assertions={"a": "1"}, acks=[("fred", 1)])
        d = revise(d, assertions={"a": "1", "b": "2"}, minor=True)
        assert pairs("fred", snapshot(d)) == [("D-1", R.CHANGED_SINCE_ACK)]

    def test_minor_after_material_still_owes_and_diff_spans_to_current(self) -> None:
        d = decision(ack=["team:frontend"], assertions={"a": "1"}, acks=[("fred", 1)])
        d = revise(d, assertions={"a": "2"})
        d = revise(d, body="typo fix", minor=True)
        item = inbox("fred", snapshot(d))[0]
        assert item.reason is R.CHANGED_SINCE_ACK
        assert item.revision == 3
        assert item.diff is not None
        assert (item.diff.from_revision, item.diff.to_revision) == (1, 3)
        assert item.diff.body.splitlines()[:2] == ["--- r1", "+++ r3"]

    def test_ack_of_latest_material_but_not_current_is_enough(self) -> None:
        d = decision(ack=["team:frontend"], acks=[("fred", 1)])
        d = revise(revise(d, body="x"), body="y", minor=True)
        d = with_ack(d, "fred", 2)
        assert pairs("fred", snapshot(d)) == []

    def test_ack_of_older_revision_among_several(self) -> None:
        d = decision(ack=["team:frontend"], acks=[("fred", 1)])
        d = revise(revise(d, body="x"), body="y")
        d = with_ack(d, "fred", 2)
        item = inbox("fred", snapshot(d))[0]
        assert (item.reason, item.acked_revision, item.revision) == (R.CHANGED_SINCE_ACK, 2, 3)

    def test_newest_ack_wins_over_older_ones(self) -> None:
        d = revise(decision(ack=["team:frontend"]), body="x")
        d = with_ack(with_ack(d, "fred", 2), "fred", 1)
        assert pairs("fred", snapshot(d)) == []

    def test_owner_never_changed_since_ack(self) -> None:
        d = revise(decision(ack=["team:backend"], acks=[("ana", 1), ("bo", 1)]), body="x")
        assert R.CHANGED_SINCE_ACK not in [r for _, r in pairs("ana", snapshot(d))]
        assert pairs("bo", snapshot(d)) == [("D-1", R.CHANGED_SINCE_ACK)]

    @pytest.mark.parametrize("role", ["consult", "inform"])
    def test_needs_ack_role(self, role: str) -> None:
        d = revise(decision(**{role: ["team:frontend"]}, acks=[("fred", 1)]), body="x")  # type: ignore[arg-type]
        assert R.CHANGED_SINCE_ACK not in [r for _, r in pairs("fred", snapshot(d))]

    @pytest.mark.parametrize("state", ["superseded", "withdrawn"])
    def test_dead_decisions_ask_nothing(self, state: str) -> None:
        d = revise(decision(ack=["team:frontend"], acks=[("fred", 1)]), body="x")
        assert pairs("fred", snapshot(with_state(d, state))) == []

    def test_open_decision_with_changes_is_not_changed_since_ack(self) -> None:
        d = decision(state="open", ack=["team:frontend"], acks=[("fred", 1)], deadline=TOMORROW)
        assert pairs("fred", snapshot(revise(d, body="x"))) == []


# --- feedback_requested ----------------------------------------------------------------------


class TestFeedbackRequested:
    def test_consult_member_of_open_decision(self) -> None:
        snap = snapshot(decision(state="open", consult=["team:frontend"], deadline=TOMORROW))
        items = inbox("fred", snap)
        assert [(i.key, i.reason) for i in items] == [("D-1", R.FEEDBACK_REQUESTED)]
        assert items[0].deadline == TOMORROW
        assert items[0].overdue is False
        data = items[0].to_json()
        assert data["deadline"] == TOMORROW.isoformat()
        assert data["deadline"].endswith("+00:00")
        assert data["overdue"] is False
        assert "acked_revision" not in data and "missing" not in data

    def test_overdue_flag(self) -> None:
        snap = snapshot(decision(state="open", consult=["person:fred"], deadline=YESTERDAY))
        item = inbox("fred", snap)[0]
        assert item.overdue is True
        assert item.to_json()["overdue"] is True

    def test_deadline_exactly_now_is_not_overdue(self) -> None:
        snap = snapshot(decision(state="open", consult=["person:fred"], deadline=NOW))
        assert inbox("fred", snap)[0].overdue is False

    def test_no_deadline_is_not_overdue(self) -> None:
        snap = snapshot(decision(state="open", consult=["person:fred"]))
        item = inbox("fred", snap)[0]
        assert (item.reason, item.overdue, item.to_json()["deadline"]) == (
            R.FEEDBACK_REQUESTED,
            False,
            None,
        )

    def test_feedback_on_current_revision_clears_it(self) -> None:
        d = with_feedback(
            decision(state="open", consult=["person:fred"], deadline=TOMORROW), "fred"
        )
        assert pairs("fred", snapshot(d)) == []

    def test_feedback_on_older_revision_does_not(self) -> None:
        d = with_feedback(
            decision(state="open", consult=["person:fred"], deadline=TOMORROW), "fred"
        )
        assert pairs("fred", snapshot(revise(d, body="v2"))) == [("D-1", R.FEEDBACK_REQUESTED)]

    def test_objection_counts_as_feedback(self) -> None:
        d = decision(state="open", consult=["person:fred"], feedback=[("fred", 1, True)])
        assert pairs("fred", snapshot(d)) == []

    def test_someone_elses_feedback_does_not_count(self) -> None:
        d = decision(state="open", consult=["team:frontend"], feedback=[("fatima", 1)])
        assert pairs("fred", snapshot(d)) == [("D-1", R.FEEDBACK_REQUESTED)]

    def test_owner_not_asked(self) -> None:
        d = decision(state="open", consult=["team:backend"], deadline=TOMORROW)
        assert pairs("ana", snapshot(d)) == []
        assert pairs("bo", snapshot(d)) == [("D-1", R.FEEDBACK_REQUESTED)]

    @pytest.mark.parametrize("state", ["draft", "finalized", "superseded", "withdrawn"])
    def test_only_open(self, state: str) -> None:
        d = decision(state=state, consult=["person:fred"], deadline=TOMORROW)
        assert R.FEEDBACK_REQUESTED not in [r for _, r in pairs("fred", snapshot(d))]

    @pytest.mark.parametrize("role", ["ack", "inform"])
    def test_other_roles_not_asked_while_open(self, role: str) -> None:
        d = decision(state="open", deadline=TOMORROW, **{role: ["person:fred"]})  # type: ignore[arg-type]
        assert pairs("fred", snapshot(d)) == []

    def test_sorted_by_deadline_then_number_none_last(self) -> None:
        ds = [
            decision("D-1", state="open", consult=["person:fred"]),
            decision("D-2", state="open", consult=["person:fred"], deadline=TOMORROW),
            decision("D-3", state="open", consult=["person:fred"], deadline=YESTERDAY),
            decision("D-10", state="open", consult=["person:fred"], deadline=YESTERDAY),
            decision("D-4", state="open", consult=["person:fred"], deadline=YESTERDAY),
        ]
        assert [i.key for i in inbox("fred", snapshot(*ds))] == ["D-3", "D-4", "D-10", "D-2", "D-1"]


class TestMultipleRoles:
    def test_ack_via_team_and_consult_directly_while_open(self) -> None:
        d = decision(
            state="open", ack=["team:frontend"], consult=["person:fred"], deadline=TOMORROW
        )
        assert pairs("fred", snapshot(d)) == [("D-1", R.FEEDBACK_REQUESTED)]

    def test_ack_via_team_and_consult_directly_once_finalized(self) -> None:
        d = decision(ack=["team:frontend"], consult=["person:fred"])
        assert pairs("fred", snapshot(d)) == [("D-1", R.NEEDS_ACK)]

    def test_ack_and_inform_gives_only_ack_item(self) -> None:
        d = decision(ack=["person:fred"], inform=["team:frontend"])
        assert pairs("fred", snapshot(d)) == [("D-1", R.NEEDS_ACK)]
        assert pairs("fred", snapshot(with_ack(d, "fred"))) == []

    def test_owner_who_is_also_audience_gets_owner_items_only(self) -> None:
        d = decision(ack=["team:backend", "person:fred"], inform=["person:ana"])
        assert pairs("ana", snapshot(d)) == [("D-1", R.AWAITING_ACKS)]


# --- awaiting_acks ---------------------------------------------------------------------------


class TestAwaitingAcks:
    def test_owner_sees_missing_and_coverage(self) -> None:
        d = decision(ack=["team:frontend", "person:mo"], acks=[("fatima", 1)])
        items = inbox("ana", snapshot(d))
        assert [(i.key, i.reason) for i in items] == [("D-1", R.AWAITING_ACKS)]
        item = items[0]
        assert item.missing == ("fred", "mo")
        assert (item.acked_count, item.audience_count) == (1, 3)
        data = item.to_json()
        assert data["missing"] == ["fred", "mo"]
        assert data["coverage"] == {"acked": 1, "total": 3}

    def test_complete_coverage_no_item(self) -> None:
        d = decision(ack=["team:frontend"], acks=[("fred", 1), ("fatima", 1)])
        assert pairs("ana", snapshot(d)) == []

    def test_empty_ack_audience_no_item(self) -> None:
        assert pairs("ana", snapshot(decision(inform=["team:frontend"]))) == []
        assert pairs("ana", snapshot(decision())) == []

    def test_team_with_no_members_no_item(self) -> None:
        assert pairs("ana", snapshot(decision(ack=["team:empty"]))) == []

    def test_owner_never_in_missing(self) -> None:
        d = decision(ack=["team:backend", "person:ana"])
        item = inbox("ana", snapshot(d))[0]
        assert item.missing == ("bo",)
        assert item.audience_count == 1

    def test_stale_ack_counts_as_missing_after_material_revision(self) -> None:
        d = revise(decision(ack=["team:frontend"], acks=[("fred", 1), ("fatima", 1)]), body="x")
        d = with_ack(d, "fatima", 2)
        item = inbox("ana", snapshot(d))[0]
        assert (item.missing, item.acked_count, item.audience_count) == (("fred",), 1, 2)

    def test_minor_revision_keeps_coverage(self) -> None:
        d = decision(ack=["team:frontend"], acks=[("fred", 1), ("fatima", 1)])
        assert pairs("ana", snapshot(revise(d, body="typo", minor=True))) == []

    def test_not_for_non_owner(self) -> None:
        d = decision(ack=["team:frontend"])
        assert R.AWAITING_ACKS not in [r for _, r in pairs("bo", snapshot(d))]

    @pytest.mark.parametrize("state", ["draft", "open", "superseded", "withdrawn"])
    def test_only_finalized(self, state: str) -> None:
        d = decision(state=state, ack=["team:frontend"], deadline=TOMORROW)
        assert R.AWAITING_ACKS not in [r for _, r in pairs("ana", snapshot(d))]


# --- deadline_passed -------------------------------------------------------------------------


class TestDeadlinePassed:
    def test_owner_of_open_decision_past_deadline(self) -> None:
        d = decision(state="open", consult=["team:frontend"], deadline=YESTERDAY)
        items = inbox("ana", snapshot(d))
        assert [(i.key, i.reason) for i in items] == [("D-1", R.DEADLINE_PASSED)]
        data = items[0].to_json()
        assert data["deadline"] == YESTERDAY.isoformat()
        assert "overdue" not in data

    def test_future_deadline_no_item(self) -> None:
        d = decision(state="open", deadline=TOMORROW)
        assert pairs("ana", snapshot(d)) == []

    def test_deadline_equal_to_now_not_passed(self) -> None:
        assert pairs("ana", snapshot(decision(state="open", deadline=NOW))) == []

    def test_no_deadline_no_item(self) -> None:
        assert pairs("ana", snapshot(decision(state="open"))) == []

    def test_not_for_others(self) -> None:
        d = decision(state="open", inform=["team:frontend"], deadline=YESTERDAY)
        assert pairs("fred", snapshot(d)) == []
        assert pairs("bo", snapshot(d)) == []

    @pytest.mark.parametrize("state", ["draft", "finalized", "superseded", "withdrawn"])
    def test_only_open(self, state: str) -> None:
        d = decision(state=state, deadline=YESTERDAY)
        assert R.DEADLINE_PASSED not in [r for _, r in pairs("ana", snapshot(d))]

    def test_naive_now_is_taken_as_utc(self) -> None:
        d = decision(state="open", deadline=YESTERDAY)
        naive = NOW.replace(tzinfo=None)
        assert [i.reason for i in compute_inbox("ana", snapshot(d), naive)] == [R.DEADLINE_PASSED]


# --- informed --------------------------------------------------------------------------------


class TestInformed:
    def test_inform_role_on_finalized(self) -> None:
        d = decision(inform=["team:mobile"])
        items = inbox("mo", snapshot(d))
        assert [(i.key, i.reason) for i in items] == [("D-1", R.INFORMED)]
        assert set(items[0].to_json()) == {
            "key",
            "title",
            "reason",
            "revision",
            "state",
            "owner",
            "team",
        }

    def test_dismissed_at_latest_material(self) -> None:
        d = decision(inform=["person:mo"])
        assert pairs("mo", snapshot(d), dismissed=frozenset({("D-1", 1)})) == []

    def test_dismissed_comes_back_after_material_revision(self) -> None:
        d = revise(decision(inform=["person:mo"]), body="v2")
        assert pairs("mo", snapshot(d), dismissed=frozenset({("D-1", 1)})) == [("D-1", R.INFORMED)]
        assert pairs("mo", snapshot(d), dismissed=frozenset({("D-1", 2)})) == []

    def test_dismissed_stays_after_minor_revision(self) -> None:
        d = revise(decision(inform=["person:mo"]), body="typo", minor=True)
        assert pairs("mo", snapshot(d), dismissed=frozenset({("D-1", 1)})) == []

    def test_dismissing_another_decision_does_not_hide(self) -> None:
        d = decision(inform=["person:mo"])
        assert pairs("mo", snapshot(d), dismissed=frozenset({("D-2", 1)})) == [("D-1", R.INFORMED)]

    def test_not_with_ack_role(self) -> None:
        d = decision(inform=["person:fred"], ack=["team:frontend"], acks=[("fred", 1)])
        assert pairs("fred", snapshot(d)) == []

    def test_not_for_owner(self) -> None:
        assert pairs("ana", snapshot(decision(inform=["team:backend"]))) == []
        assert pairs("bo", snapshot(decision(inform=["team:backend"]))) == [("D-1", R.INFORMED)]

    @pytest.mark.parametrize("state", ["draft", "open", "superseded", "withdrawn"])
    def test_only_finalized(self, state: str) -> None:
        assert pairs("mo", snapshot(decision(state=state, inform=["person:mo"]))) == []

    def test_consult_only_on_finalized_gets_nothing(self) -> None:
        assert pairs("fred", snapshot(decision(consult=["person:fred"]))) == []


# --- states that ask nothing -----------------------------------------------------------------


class TestDeadStates:
    @pytest.mark.parametrize("state", [State.DRAFT, State.SUPERSEDED, State.WITHDRAWN])
    def test_nothing_for_anyone(self, state: State) -> None:
        d = decision(
            state=state,
            ack=["team:frontend"],
            consult=["team:mobile"],
            inform=["person:solo"],
            deadline=YESTERDAY,
            assertions={"a": "1"},
            superseded_by="D-9" if state is State.SUPERSEDED else None,
        )
        other = decision("D-2", owner="fred", team="frontend", state="draft", assertions={"a": "2"})
        for user in ("ana", "bo", "fred", "fatima", "mo", "solo"):
            assert inbox(user, snapshot(d, other)) == [], user


# --- ordering and labels ---------------------------------------------------------------------


class TestOrdering:
    def test_reason_order_and_numeric_keys(self) -> None:
        ds = [
            decision("D-10", ack=["person:fred"]),
            decision("D-2", ack=["person:fred"]),
            revise(decision("D-3", ack=["person:fred"], acks=[("fred", 1)]), body="x"),
            decision("D-4", state="open", consult=["person:fred"], deadline=TOMORROW),
            decision("D-5", owner="fred", team="frontend", ack=["person:mo"]),
            decision("D-6", owner="fred", team="frontend", state="open", deadline=YESTERDAY),
            decision("D-7", inform=["person:fred"]),
            decision("D-8", owner="fred", team="frontend", assertions={"k": "1"}),
            decision("D-9", owner="mo", team="mobile", assertions={"k": "2"}),
        ]
        got = pairs("fred", snapshot(*ds))
        assert got == [
            ("D-2", R.NEEDS_ACK),
            ("D-10", R.NEEDS_ACK),
            ("D-3", R.CHANGED_SINCE_ACK),
            ("D-4", R.FEEDBACK_REQUESTED),
            ("D-8", R.CONFLICT),
            ("D-6", R.DEADLINE_PASSED),
            ("D-5", R.AWAITING_ACKS),
            ("D-7", R.INFORMED),
        ]

    def test_input_order_does_not_matter(self) -> None:
        ds = [
            decision("D-1", ack=["person:fred"]),
            decision("D-2", state="open", consult=["person:fred"], deadline=TOMORROW),
            decision("D-3", inform=["person:fred"]),
        ]
        assert inbox("fred", snapshot(*ds)) == inbox("fred", snapshot(*reversed(ds)))

    @pytest.mark.parametrize(
        ("reason", "label"),
        [
            (R.NEEDS_ACK, "needs your acknowledgment"),
            (R.CHANGED_SINCE_ACK, "changed since you acknowledged"),
            (R.FEEDBACK_REQUESTED, "feedback requested"),
            (R.AWAITING_ACKS, "awaiting acknowledgments"),
            (R.DEADLINE_PASSED, "deadline passed"),
            (R.CONFLICT, "conflicting assertion"),
            (R.INFORMED, "for your information"),
        ],
    )
    def test_labels(self, reason: Reason, label: str) -> None:
        assert reason_label(reason) == label


def test_deadline_serialised_in_utc_even_from_other_offset() -> None:
    from datetime import timezone

    plus2 = timezone(timedelta(hours=2))
    local = TOMORROW.astimezone(plus2)
    d = decision(state="open", consult=["person:fred"], deadline=local)
    assert inbox("fred", snapshot(d))[0].to_json()["deadline"] == TOMORROW.isoformat()


def test_revision_helper_is_used_for_current() -> None:
    d = decision(revisions=[rev(1), rev(2, title="Second")], ack=["person:fred"])
    item = inbox("fred", snapshot(d))[0]
    assert (item.title, item.revision) == ("Second", 2)


def test_items_of_one_reason_come_in_number_order_whatever_the_snapshot_order() -> None:
    # D-10 sorts before D-9 as text; the inbox walks decisions in number order.
    keys = ["D-10", "D-9", "D-100", "D-2", "OPS-1"]
    snap = snapshot(*(decision(key, owner="ana", ack=["person:fred"]) for key in keys))
    assert [i.key for i in inbox("fred", snap)] == ["D-2", "D-9", "D-10", "D-100", "OPS-1"]


def test_conflicts_are_shown_in_the_order_of_the_decisions_they_are_shown_on() -> None:
    ask = {"owner": "ana", "ack": ["person:fred"]}
    snap = snapshot(
        decision("D-10", revisions=[rev(1, assertions={"a": "1", "b": "1"})], **ask),
        decision("D-9", revisions=[rev(1, assertions={"a": "2"})], **ask),
        decision("D-2", revisions=[rev(1, assertions={"b": "2"})], **ask),
    )
    conflicts = [(i.key, i.conflict_key) for i in inbox("fred", snap) if i.reason is R.CONFLICT]
    assert conflicts == [("D-2", "b"), ("D-9", "a")]
