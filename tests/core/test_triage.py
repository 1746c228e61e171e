"""Local triage (docs/architecture.md, "The inbox rules"): snooze and done hide an item, and a
new revision brings it back."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from functools import partial

from inbox.core.model import Reason
from inbox.core.triage import Snooze, Triage
from tests.core.builders import inbox_item

NOW = datetime(2026, 11, 28, 12, tzinfo=UTC)
HOUR = timedelta(hours=1)
# Triage works the same for every reason; these tests use informational items.
informed = partial(inbox_item, reason=Reason.INFORMED)


def test_a_timed_snooze_hides_until_the_time_passes() -> None:
    triage = Triage().snooze(informed(), NOW + HOUR)
    assert triage.hides(informed(), NOW)
    assert triage.hides(informed(), NOW + HOUR - timedelta(seconds=1))
    assert not triage.hides(informed(), NOW + HOUR)
    assert triage.next_change(NOW) == NOW + HOUR
    assert triage.next_change(NOW + HOUR) is None


def test_a_new_revision_ends_any_snooze_early() -> None:
    timed = Triage().snooze(informed(), NOW + 24 * HOUR)
    until_change = Triage().snooze(informed(), None)
    for triage in (timed, until_change):
        assert triage.hides(informed(revision=1), NOW)
        assert not triage.hides(informed(revision=2), NOW)
    assert until_change.hides(informed(), NOW + timedelta(days=3650))


def test_done_hides_until_the_decision_gets_a_new_revision() -> None:
    triage = Triage().done(informed(revision=3))
    assert triage.hides(informed(revision=3), NOW + timedelta(days=365))
    assert not triage.hides(informed(revision=4), NOW)


def test_triage_is_per_item_not_per_decision() -> None:
    triage = Triage().done(inbox_item("D-1", Reason.INFORMED))
    assert not triage.hides(inbox_item("D-1", Reason.NEEDS_ACK), NOW)
    assert not triage.hides(inbox_item("D-2", Reason.INFORMED), NOW)
    conflict = inbox_item("D-1", Reason.CONFLICT)._replace(conflict_key="auth.token")
    other = conflict._replace(conflict_key="auth.grace")
    snoozed = Triage().snooze(conflict, None)
    assert snoozed.hides(conflict, NOW) and not snoozed.hides(other, NOW)


def test_changes_return_new_values_and_replace_each_other() -> None:
    empty = Triage()
    snoozed = empty.snooze(informed(), None)
    assert not empty and not empty.hides(informed(), NOW)
    done = snoozed.done(informed())
    assert dict(done.snoozed) == {} and dict(done.done_at) == {("D-1", "informed", None): 1}
    again = done.snooze(informed(), NOW + HOUR)
    assert dict(again.done_at) == {}
    assert not again.restore(informed()).hides(informed(), NOW)
    assert again.restore(informed()) == Triage()
    assert snoozed.hides(informed(), NOW)  # the earlier value did not change


def test_a_caller_dict_changing_later_does_not_change_the_value() -> None:
    entries = {("D-1", "informed", None): 1}
    triage = Triage(done_at=entries)
    entries.clear()
    assert triage.hides(informed(), NOW)
    assert hash(triage) == hash(Triage().done(informed()))


def test_prune_drops_entries_that_can_never_hide_again() -> None:
    gone, moved_on, kept = informed("D-1"), informed("D-2"), informed("D-3")
    triage = Triage().done(gone).snooze(moved_on, None).snooze(kept, NOW + HOUR)
    pruned = triage.prune([moved_on._replace(revision=2), kept, informed("D-4")])
    assert pruned == Triage().snooze(kept, NOW + HOUR)


def test_json_round_trip() -> None:
    conflict = inbox_item("D-7", Reason.CONFLICT, revision=2)._replace(conflict_key="auth.token")
    triage = (
        Triage()
        .snooze(informed("D-1"), NOW + HOUR)
        .snooze(conflict, None)
        .done(inbox_item("D-2", Reason.NEEDS_ACK, revision=4))
    )
    text = json.dumps(triage.to_json())
    again = Triage.from_json(json.loads(text))
    assert again == triage
    assert again.snoozed[("D-1", "informed", None)] == Snooze(1, NOW + HOUR)
    assert again.hides(conflict, NOW) and again.hides(inbox_item("D-2", Reason.NEEDS_ACK, 4), NOW)


def test_from_json_drops_bad_entries_and_keeps_good_ones() -> None:
    good = {"key": "D-1", "reason": "informed", "conflict_key": None, "revision": 2}
    data = {
        "version": 1,
        "snoozed": [
            {**good, "until": "2026-11-28T13:00:00"},  # naive: taken as UTC
            {**good, "key": "D-2", "until": "tomorrow"},
            {**good, "key": "D-3", "until": 5},
            {**good, "key": "D-4", "reason": "bored", "until": None},
            {**good, "key": "D-5", "revision": "2", "until": None},
            {**good, "key": "D-6", "revision": 0, "until": None},
            {**good, "key": "", "until": None},
            "not an entry",
        ],
        "done": [
            good,
            {**good, "key": "D-8", "revision": True},
            {**good, "key": "D-9", "conflict_key": 7},
            {"key": "D-10"},
            None,
        ],
    }
    triage = Triage.from_json(data)
    assert dict(triage.snoozed) == {("D-1", "informed", None): Snooze(2, NOW + HOUR)}
    assert dict(triage.done_at) == {("D-1", "informed", None): 2}


def test_from_json_of_something_else_is_empty() -> None:
    for junk in (None, [], "triage", 3, {"snoozed": {"a": 1}, "done": "x"}):
        assert Triage.from_json(junk) == Triage()
