"""Conflicting assertions between live decisions, and how they reach each person's inbox."""

from __future__ import annotations

import pytest

from inbox.core.conflicts import Conflict, find_conflicts
from inbox.core.inbox import compute_inbox
from inbox.core.items import ConflictPeer
from inbox.core.model import Reason, State
from tests.core.builders import NOW, TOMORROW, decision, revise, snapshot, with_state

KEY = "auth.token.refresh_minutes"


def conflict_items(user: str, *ds: object) -> list[tuple[str, str | None, str | None]]:
    items = compute_inbox(user, snapshot(*ds), NOW)  # type: ignore[arg-type]
    return [(i.key, i.conflict_key, i.value) for i in items if i.reason is Reason.CONFLICT]


class TestFindConflicts:
    def test_two_values_conflict(self) -> None:
        a = decision("D-1", assertions={KEY: "60"})
        b = decision("D-2", owner="fred", team="frontend", assertions={KEY: "15"})
        assert find_conflicts([b, a]) == [Conflict(KEY, (("D-1", "60"), ("D-2", "15")))]

    def test_same_value_is_no_conflict(self) -> None:
        a = decision("D-1", assertions={KEY: "15"})
        b = decision("D-2", assertions={KEY: "15"})
        assert find_conflicts([a, b]) == []

    def test_every_live_asserting_decision_is_listed_even_agreeing_ones(self) -> None:
        ds = [
            decision("D-10", assertions={KEY: "15"}),
            decision("D-2", assertions={KEY: "60"}),
            decision("D-3", state="open", assertions={KEY: "15"}),
        ]
        (c,) = find_conflicts(ds)
        assert c.values == (("D-2", "60"), ("D-3", "15"), ("D-10", "15"))
        assert c.decisions == ("D-2", "D-3", "D-10")
        assert c.value_of("D-3") == "15"
        with pytest.raises(KeyError):
            c.value_of("D-99")

    @pytest.mark.parametrize("state", [State.DRAFT, State.SUPERSEDED, State.WITHDRAWN])
    def test_non_live_decisions_ignored(self, state: State) -> None:
        a = decision("D-1", assertions={KEY: "60"})
        b = decision("D-2", state=state, assertions={KEY: "15"})
        assert find_conflicts([a, b]) == []

    def test_open_and_finalized_are_live(self) -> None:
        a = decision("D-1", state="open", assertions={KEY: "60"})
        b = decision("D-2", assertions={KEY: "15"})
        assert len(find_conflicts([a, b])) == 1

    def test_only_current_revision_counts(self) -> None:
        a = revise(decision("D-1", assertions={KEY: "15"}), assertions={KEY: "60"})
        b = decision("D-2", assertions={KEY: "60"})
        assert find_conflicts([a, b]) == []
        c = revise(decision("D-3", assertions={KEY: "60"}), assertions={})
        assert find_conflicts([a, c]) == []

    def test_sorted_by_assertion_key(self) -> None:
        a = decision("D-1", assertions={"z.k": "1", "a.k": "1", "m.k": "1"})
        b = decision("D-2", assertions={"z.k": "2", "a.k": "2", "m.k": "1"})
        assert [c.assertion_key for c in find_conflicts([a, b])] == ["a.k", "z.k"]

    def test_to_json(self) -> None:
        c = Conflict(KEY, (("D-1", "60"), ("D-2", "15")))
        assert c.to_json() == {
            "assertion_key": KEY,
            "values": [{"decision": "D-1", "value": "60"}, {"decision": "D-2", "value": "15"}],
        }


class TestConflictItems:
    def owner_pair(self) -> tuple[object, object]:
        ana = decision("D-1", ack=["team:frontend"], assertions={KEY: "60"})
        fred = decision("D-2", owner="fred", team="frontend", assertions={KEY: "15"})
        return ana, fred

    def test_each_owner_anchored_on_own_decision(self) -> None:
        ana, fred = self.owner_pair()
        assert conflict_items("ana", ana, fred) == [("D-1", KEY, "60")]
        assert conflict_items("fred", ana, fred) == [("D-2", KEY, "15")]

    def test_item_fields_and_json(self) -> None:
        ana, fred = self.owner_pair()
        items = compute_inbox("fred", snapshot(ana, fred), NOW)  # type: ignore[arg-type]
        (item,) = [i for i in items if i.reason is Reason.CONFLICT]
        assert item.conflicts_with == (
            ConflictPeer("D-1", "Token refresh policy", "60", "ana", "finalized"),
        )
        data = item.to_json()
        assert data["conflict_key"] == KEY
        assert data["value"] == "15"
        assert data["conflicts_with"] == [
            {
                "key": "D-1",
                "title": "Token refresh policy",
                "value": "60",
                "owner": "ana",
                "state": "finalized",
            },
        ]
        assert "missing" not in data and "deadline" not in data

    def test_non_owner_anchored_on_lowest_relevant(self) -> None:
        ds = [
            decision("D-1", owner="mo", team="mobile", assertions={KEY: "1"}),
            decision("D-2", inform=["person:fatima"], assertions={KEY: "2"}),
            decision("D-3", ack=["team:frontend"], assertions={KEY: "3"}),
        ]
        assert conflict_items("fatima", *ds) == [("D-2", KEY, "2")]
        assert conflict_items("fred", *ds) == [("D-3", KEY, "3")]

    def test_owned_beats_lower_numbered_relevant(self) -> None:
        ds = [
            decision("D-1", ack=["person:fred"], assertions={KEY: "1"}),
            decision("D-5", owner="fred", team="frontend", assertions={KEY: "2"}),
            decision("D-7", owner="fred", team="frontend", assertions={KEY: "3"}),
        ]
        assert conflict_items("fred", *ds) == [("D-5", KEY, "2")]

    def test_peers_exclude_agreeing_decisions(self) -> None:
        ds = [
            decision("D-1", assertions={KEY: "15"}),
            decision("D-2", owner="fred", team="frontend", assertions={KEY: "15"}),
            decision("D-3", owner="mo", team="mobile", assertions={KEY: "60"}),
        ]
        items = compute_inbox("ana", snapshot(*ds), NOW)
        (item,) = [i for i in items if i.reason is Reason.CONFLICT]
        assert [p.key for p in item.conflicts_with] == ["D-3"]
        items = compute_inbox("mo", snapshot(*ds), NOW)
        (item,) = [i for i in items if i.reason is Reason.CONFLICT]
        assert [(p.key, p.value) for p in item.conflicts_with] == [("D-1", "15"), ("D-2", "15")]

    def test_not_relevant_user_gets_nothing(self) -> None:
        ana, fred = self.owner_pair()
        assert conflict_items("mo", ana, fred) == []
        assert conflict_items("solo", ana, fred) == []

    def test_relevant_through_team_audience(self) -> None:
        ana, fred = self.owner_pair()
        assert conflict_items("fatima", ana, fred) == [("D-1", KEY, "60")]

    def test_relevant_only_through_non_live_decision_gets_nothing(self) -> None:
        ds = [
            decision("D-1", owner="mo", team="mobile", assertions={KEY: "1"}),
            decision("D-2", owner="bo", assertions={KEY: "2"}),
            decision("D-3", state="draft", ack=["person:fred"], assertions={KEY: "3"}),
            decision("D-4", state="withdrawn", owner="fred", assertions={KEY: "4"}),
        ]
        assert conflict_items("fred", *ds) == []

    def test_one_item_per_assertion_key(self) -> None:
        a = decision("D-1", assertions={"a.k": "1", "b.k": "1"})
        b = decision("D-2", owner="fred", team="frontend", assertions={"a.k": "2", "b.k": "2"})
        assert conflict_items("ana", a, b) == [("D-1", "a.k", "1"), ("D-1", "b.k", "1")]

    def test_owner_gets_conflict_on_open_decision_too(self) -> None:
        a = decision("D-1", state="open", deadline=TOMORROW, assertions={KEY: "1"})
        b = decision("D-2", owner="fred", team="frontend", assertions={KEY: "2"})
        assert conflict_items("ana", a, b) == [("D-1", KEY, "1")]

    def test_resolving_by_superseding_removes_item(self) -> None:
        ana, fred = self.owner_pair()
        assert conflict_items("fred", ana, with_state(fred, "superseded")) == []  # type: ignore[arg-type]
