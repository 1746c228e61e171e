"""The acceptance scenario (the token-refresh story), step by step, in pure data.

backend: ana; frontend: fred. ana's decision asks frontend to acknowledge and fred to comment,
asserting auth.token.refresh_minutes = 15.
"""

from __future__ import annotations

from inbox.core.inbox import compute_inbox
from inbox.core.items import InboxItem
from inbox.core.model import Decision, Reason, Snapshot
from tests.core.builders import (
    NOW,
    TOMORROW,
    decision,
    revise,
    snapshot,
    with_ack,
    with_state,
)

KEY = "auth.token.refresh_minutes"
PEOPLE = {"ana": ["backend"], "fred": ["frontend"]}


def snap(*ds: Decision) -> Snapshot:
    return snapshot(*ds, people=PEOPLE)


def reasons(items: list[InboxItem]) -> list[str]:
    return [str(i.reason) for i in items]


def test_token_refresh_story() -> None:
    draft = decision(
        "D-1",
        state="draft",
        ack=["team:frontend"],
        consult=["person:fred"],
        assertions={KEY: "15"},
    )
    # a draft asks nothing of anyone
    assert compute_inbox("fred", snap(draft), NOW) == []
    assert compute_inbox("ana", snap(draft), NOW) == []

    # open for feedback with a deadline tomorrow
    opened = with_state(draft, "open", deadline=TOMORROW)
    fred = compute_inbox("fred", snap(opened), NOW)
    assert reasons(fred) == ["feedback_requested"]
    assert fred[0].deadline == TOMORROW and not fred[0].overdue
    assert compute_inbox("ana", snap(opened), NOW) == []

    # finalized: fred owes an acknowledgment, ana waits for fred
    final = with_state(opened, "finalized")
    fred = compute_inbox("fred", snap(final), NOW)
    assert [(i.key, i.reason, i.revision) for i in fred] == [("D-1", Reason.NEEDS_ACK, 1)]
    ana = compute_inbox("ana", snap(final), NOW)
    assert reasons(ana) == ["awaiting_acks"]
    assert ana[0].to_json()["missing"] == ["fred"]
    assert ana[0].to_json()["coverage"] == {"acked": 0, "total": 1}

    # fred acknowledges r1: nothing left for either
    acked = with_ack(final, "fred", 1)
    assert compute_inbox("fred", snap(acked), NOW) == []
    assert compute_inbox("ana", snap(acked), NOW) == []

    # r2 moves the value to 60: fred sees exactly what changed since r1
    r2 = revise(acked, assertions={KEY: "60"})
    fred = compute_inbox("fred", snap(r2), NOW)
    assert reasons(fred) == ["changed_since_ack"]
    data = fred[0].to_json()
    assert (data["revision"], data["acked_revision"]) == (2, 1)
    assert data["diff"]["assertions"] == [{"key": KEY, "old": "15", "new": "60"}]
    ana = compute_inbox("ana", snap(r2), NOW)
    assert reasons(ana) == ["awaiting_acks"]
    assert ana[0].missing == ("fred",)

    # fred's own finalized decision still asserts 15: both see the conflict, each on their own
    freds = decision("D-2", owner="fred", team="frontend", assertions={KEY: "15"})
    fred = compute_inbox("fred", snap(r2, freds), NOW)
    assert [(i.key, str(i.reason)) for i in fred] == [
        ("D-1", "changed_since_ack"),
        ("D-2", "conflict"),
    ]
    conflict = fred[1].to_json()
    assert (conflict["conflict_key"], conflict["value"]) == (KEY, "15")
    assert [(p["key"], p["value"]) for p in conflict["conflicts_with"]] == [("D-1", "60")]

    ana = compute_inbox("ana", snap(r2, freds), NOW)
    assert [(i.key, str(i.reason)) for i in ana] == [("D-1", "conflict"), ("D-1", "awaiting_acks")]
    conflict = ana[0].to_json()
    assert (conflict["conflict_key"], conflict["value"]) == (KEY, "60")
    assert [(p["key"], p["value"]) for p in conflict["conflicts_with"]] == [("D-2", "15")]

    # fred acknowledges r2: his changed item and ana's waiting both go; the conflict stays
    done = with_ack(r2, "fred", 2)
    assert reasons(compute_inbox("fred", snap(done, freds), NOW)) == ["conflict"]
    assert reasons(compute_inbox("ana", snap(done, freds), NOW)) == ["conflict"]
