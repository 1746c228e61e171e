"""The notification policy (docs/architecture.md): what pops up, exactly once, with a fake clock.

Every test drives the pure functions with plain datetimes; "restart" round-trips the state
through JSON text, as the caller persists it between runs.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import replace
from datetime import UTC, datetime, time, timedelta
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from inbox.core.delta import InboxDelta, compare
from inbox.core.diff import AssertionChange, RevisionDiff
from inbox.core.inbox import compute_inbox
from inbox.core.items import ConflictPeer, InboxItem
from inbox.core.model import Event, Reason
from inbox.notify.policy import (
    ALL_ACKNOWLEDGED,
    OBJECTION,
    PAUSED_INDEFINITELY,
    POPUP_REASONS,
    REMINDER_1H,
    REMINDER_24H,
    SUMMARY,
    PolicyState,
    Popup,
    Settings,
    decide,
    release,
    reminders_due,
)
from tests.core.builders import event, inbox_item

NOW = datetime(2026, 11, 28, 18, 0, tzinfo=UTC)  # a Saturday
H = timedelta(hours=1)
UTC_ONLY = Settings(tz=UTC)
NIGHT = Settings(tz=UTC, quiet_start=time(22, 0), quiet_end=time(7, 0))
USER = "fred"

# --- builders -------------------------------------------------------------------------------


# The title the popups below are written for.
item = partial(inbox_item, title="Token refresh policy")


def changed(key: str = "D-1", revision: int = 2, acked: int = 1, **extra: Any) -> InboxItem:
    diff = RevisionDiff(
        acked,
        revision,
        None,
        "",
        (AssertionChange("auth.token.refresh_minutes", "15", "60"),),
    )
    return item(
        key, Reason.CHANGED_SINCE_ACK, revision=revision, acked_revision=acked, diff=diff, **extra
    )


def feedback_item(
    key: str = "D-9", deadline: datetime | None = None, revision: int = 1
) -> InboxItem:
    return item(
        key,
        Reason.FEEDBACK_REQUESTED,
        revision=revision,
        title="Error response format",
        state="open",
        deadline=NOW + 23 * H if deadline is None else deadline,
    )


def conflict_item(key: str = "D-1", value: str = "60", peer_value: str = "15") -> InboxItem:
    peer = ConflictPeer("D-2", "Mobile token handling", peer_value, "mo", "finalized")
    return item(
        key,
        Reason.CONFLICT,
        conflict_key="auth.token.refresh_minutes",
        value=value,
        conflicts_with=(peer,),
    )


def passed_item(key: str = "D-9", deadline: datetime | None = None) -> InboxItem:
    return item(
        key,
        Reason.DEADLINE_PASSED,
        owner=USER,
        state="open",
        title="Error response format",
        deadline=NOW - 3 * H if deadline is None else deadline,
    )


def awaiting_item(key: str = "D-6", owner: str = USER, revision: int = 1) -> InboxItem:
    return item(
        key,
        Reason.AWAITING_ACKS,
        owner=owner,
        revision=revision,
        missing=("bo",),
        acked_count=8,
        audience_count=9,
    )


ev = partial(event, at=NOW, seq=1)  # an event of now


def delta(
    *added: InboxItem,
    changed: Iterable[InboxItem] = (),
    removed: Iterable[InboxItem] = (),
    items: Iterable[InboxItem] | None = None,
    events: Iterable[Event] = (),
    first_sync: bool = False,
    after_offline: bool = False,
) -> InboxDelta:
    changed = tuple(changed)
    return InboxDelta(
        items=tuple(added) + changed if items is None else tuple(items),
        added=tuple(added),
        removed=tuple(removed),
        changed=changed,
        events=tuple(events),
        first_sync=first_sync,
        after_offline=after_offline,
    )


def restart(state: PolicyState) -> PolicyState:
    """What the next run of the app reads back from the cache."""
    return PolicyState.from_json(json.loads(json.dumps(state.to_json())))


def ids(popups: Iterable[Popup]) -> list[str]:
    return [p.id for p in popups]


def many(n: int, first: int = 1) -> list[InboxItem]:
    return [item(f"D-{k}", title=f"Decision number {k}") for k in range(first, first + n)]


# --- each reason, once ----------------------------------------------------------------------

OWED = [
    (item(), "fred|needs_ack|D-1|r1", "D-1 needs your acknowledgment: Token refresh policy"),
    (changed(), "fred|changed_since_ack|D-1|r2", "D-1 changed: Token refresh policy"),
    (
        feedback_item(),
        "fred|feedback_requested|D-9|r1",
        "D-9 wants your feedback: Error response format",
    ),
    (
        conflict_item(),
        "fred|conflict|auth.token.refresh_minutes|D-1=60,D-2=15",
        "Conflict on auth.token.refresh_minutes",
    ),
    (
        passed_item(),
        "fred|deadline_passed|D-9|2026-11-28T15:00:00+00:00",
        "Deadline passed: D-9 Error response format",
    ),
    (
        item(reason=Reason.INFORMED),
        "fred|informed|D-1|r1",
        "For your information: D-1 Token refresh policy",
    ),
]


@pytest.mark.parametrize(("it", "popup_id", "title"), OWED, ids=[str(o[0].reason) for o in OWED])
def test_each_reason_pops_once_and_never_again_after_restart(
    it: InboxItem, popup_id: str, title: str
) -> None:
    state, popups = decide(PolicyState(), delta(it), USER, NOW, UTC_ONLY)
    assert [(p.id, p.title, p.reason, p.key, p.revision) for p in popups] == [
        (popup_id, title, str(it.reason), it.key, it.revision)
    ]
    assert popup_id in state.notified and not state.held
    assert 0 < len(popups[0].body) <= 200

    state = restart(state)
    for later in (NOW, NOW + 5 * H, NOW + 48 * H):
        state, again = decide(state, delta(it), USER, later, UTC_ONLY)
        assert again == []
        state, again = decide(state, delta(changed=[it]), USER, later, UTC_ONLY)
        assert again == []


def test_awaiting_acks_appearing_is_no_news_to_the_owner() -> None:
    state, popups = decide(PolicyState(), delta(awaiting_item()), USER, NOW, UTC_ONLY)
    assert popups == [] and state == PolicyState()


def test_removed_items_do_not_pop() -> None:
    gone = [item(), changed("D-2"), feedback_item(), conflict_item(), awaiting_item()]
    state, popups = decide(PolicyState(), delta(removed=gone, items=()), USER, NOW, UTC_ONLY)
    assert popups == [] and state == PolicyState()


def test_changed_since_ack_moving_to_a_new_revision_pops_again() -> None:
    state, first = decide(PolicyState(), delta(changed(revision=2)), USER, NOW, UTC_ONLY)
    revised = [ev("revised", "D-1", 3, material=True)]
    state, second = decide(
        restart(state), delta(changed=[changed(revision=3)], events=revised), USER, NOW, UTC_ONLY
    )
    assert ids(first) == ["fred|changed_since_ack|D-1|r2"]
    assert ids(second) == ["fred|changed_since_ack|D-1|r3"]
    state, third = decide(state, delta(changed=[changed(revision=3)]), USER, NOW, UTC_ONLY)
    assert third == []


def test_a_minor_revision_is_marked_not_shown() -> None:
    state, _ = decide(PolicyState(), delta(item(revision=2)), USER, NOW, UTC_ONLY)
    minor = [ev("revised", "D-1", 3, minor=True, material=False)]
    moved = delta(changed=[item(revision=3)], events=minor)
    state, popups = decide(state, moved, USER, NOW, UTC_ONLY)
    assert popups == [] and "fred|needs_ack|D-1|r3" in state.notified
    # a material revision in the same batch is news after all
    mixed = [ev("revised", "D-1", 4, material=True), ev("revised", "D-1", 5, material=False)]
    state, popups = decide(
        state, delta(changed=[item(revision=5)], events=mixed), USER, NOW, UTC_ONLY
    )
    assert ids(popups) == ["fred|needs_ack|D-1|r5"]


def test_a_conflict_with_new_values_is_a_new_event() -> None:
    state, first = decide(PolicyState(), delta(conflict_item()), USER, NOW, UTC_ONLY)
    state, same = decide(
        state, delta(changed=[conflict_item()._replace(revision=2)]), USER, NOW, UTC_ONLY
    )
    state, moved = decide(
        state, delta(changed=[conflict_item(peer_value="30")]), USER, NOW, UTC_ONLY
    )
    assert len(first) == 1 and same == []
    assert [p.body for p in moved] == ["D-1 says 60, D-2 says 30."]


def test_deadline_passed_is_only_for_the_owner_and_once_per_deadline() -> None:
    someone_elses = passed_item()._replace(owner="ana")
    state, popups = decide(PolicyState(), delta(someone_elses), USER, NOW, UTC_ONLY)
    assert popups == []
    state, popups = decide(state, delta(passed_item()), USER, NOW, UTC_ONLY)
    assert [p.body for p in popups] == ["Feedback closed 3 h ago; finalize, extend or withdraw it."]
    extended = passed_item(deadline=NOW - H / 2)
    state, popups = decide(state, delta(changed=[extended]), USER, NOW, UTC_ONLY)
    assert ids(popups) == ["fred|deadline_passed|D-9|2026-11-28T17:30:00+00:00"]


# --- wording --------------------------------------------------------------------------------


def test_wording_of_each_kind() -> None:
    finalized = [ev("finalized", "D-1", 2, actor="ana")]
    everything = delta(
        item(revision=2),
        changed("D-3", revision=2),
        feedback_item(deadline=datetime(2026, 11, 29, 17, 0, tzinfo=UTC)),
        conflict_item("D-4"),
        events=finalized,
    )
    _, popups = decide(PolicyState(), everything, USER, NOW, Settings(summary_threshold=10, tz=UTC))
    assert [(p.title, p.body) for p in popups] == [
        ("D-1 needs your acknowledgment: Token refresh policy", "Finalized at r2 by ana."),
        (
            "D-3 changed: Token refresh policy",
            "auth.token.refresh_minutes: 15 → 60. You acknowledged r1.",
        ),
        ("D-9 wants your feedback: Error response format", "Deadline Sun 29 Nov 17:00 (in 23 h)."),
        ("Conflict on auth.token.refresh_minutes", "D-4 says 60, D-2 says 15."),
    ]


def test_needs_ack_without_events_names_the_owner_and_a_revision_says_revised() -> None:
    _, plain = decide(PolicyState(), delta(item(revision=3)), USER, NOW, UTC_ONLY)
    revised = delta(item(revision=3), events=[ev("revised", "D-1", 3, actor="bo", material=True)])
    _, by_bo = decide(PolicyState(), revised, USER, NOW, UTC_ONLY)
    assert plain[0].body == "Finalized at r3 by ana."
    assert by_bo[0].body == "Revised to r3 by bo."


def test_long_diffs_and_titles_are_cut_with_an_ellipsis() -> None:
    changes = tuple(AssertionChange(f"service.setting_{n:02}", "old", "new" * 5) for n in range(30))
    long = item(
        "D-1",
        Reason.CHANGED_SINCE_ACK,
        revision=5,
        title="A very long title " * 10,
        acked_revision=2,
        diff=RevisionDiff(2, 5, None, "", changes),
    )
    _, popups = decide(PolicyState(), delta(long), USER, NOW, UTC_ONLY)
    (popup,) = popups
    assert len(popup.body) <= 200 and popup.body.endswith("… You acknowledged r2.")
    assert popup.body.startswith("service.setting_00: old → newnewnewnewnew; ")
    assert len(popup.title) <= 100 and popup.title.endswith("…")


def test_the_demo_story_through_the_real_inbox_rules() -> None:
    from tests.core.builders import NOW as CORE_NOW
    from tests.core.builders import decision, event, revise, snapshot, with_ack

    r1 = with_ack(
        decision("D-1", ack=["team:frontend"], assertions={"auth.token.refresh_minutes": "15"}),
        "fred",
        1,
    )
    r2 = revise(
        r1, assertions={"auth.token.refresh_minutes": "60", "auth.token.grace_minutes": "5"}
    )
    before = compute_inbox(USER, snapshot(r1), CORE_NOW)
    after = compute_inbox(USER, snapshot(r2), CORE_NOW)
    revised = event(
        "revised", "D-1", 2, CORE_NOW, material=True, summary="Longer tokens for mobile"
    )
    sync = compare(before, after, events=(revised,))
    _, popups = decide(PolicyState(), sync, USER, CORE_NOW, UTC_ONLY)
    assert [p.to_json() for p in popups] == [
        {
            "id": "fred|changed_since_ack|D-1|r2",
            "key": "D-1",
            "title": "D-1 changed: Token refresh policy",
            "body": "r2 by ana: Longer tokens for mobile. + auth.token.grace_minutes = 5; "
            "auth.token.refresh_minutes: 15 → 60. You acknowledged r1.",
            "reason": "changed_since_ack",
            "revision": 2,
        }
    ]


def test_order_is_reason_then_key_number() -> None:
    batch = delta(
        item("D-10", Reason.INFORMED),
        item("D-10"),
        changed("D-3"),
        item("D-2"),
        feedback_item("D-1"),
    )
    _, popups = decide(PolicyState(), batch, USER, NOW, Settings(tz=UTC, summary_threshold=1))
    assert [(p.reason, p.key) for p in popups] == [
        ("needs_ack", "D-2"),
        ("needs_ack", "D-10"),
        ("changed_since_ack", "D-3"),
        ("feedback_requested", "D-1"),
        ("informed", "D-10"),
    ]
    _, again = decide(PolicyState(), batch, USER, NOW, Settings(tz=UTC, summary_threshold=1))
    assert again == popups


# --- summaries ------------------------------------------------------------------------------


def test_first_sync_with_ten_items_is_one_summary_then_new_items_pop_alone() -> None:
    ten = many(10)
    state, popups = decide(PolicyState(), delta(*ten, first_sync=True), USER, NOW, UTC_ONLY)
    (summary,) = popups
    assert summary.reason == SUMMARY and summary.key is None and summary.revision is None
    assert summary.title == "10 decisions need you"
    assert summary.body == (
        "D-1 Decision number 1; D-2 Decision number 2; D-3 Decision number 3; "
        "D-4 Decision number 4; D-5 Decision number 5; …and 5 more."
    )
    assert summary.id.startswith("fred|summary|") and set(summary.covers) == {
        f"fred|needs_ack|D-{k}|r1" for k in range(1, 11)
    }
    assert set(summary.covers) | {summary.id} == state.notified
    again, _ = decide(PolicyState(), delta(*reversed(ten), first_sync=True), USER, NOW, UTC_ONLY)
    assert again == state  # the summary id is stable: a hash of the covered ids

    state, popups = decide(restart(state), delta(*many(11)), USER, NOW, UTC_ONLY)
    assert ids(popups) == ["fred|needs_ack|D-11|r1"]


def test_first_sync_with_few_items_pops_them_individually() -> None:
    _, popups = decide(PolicyState(), delta(*many(3), first_sync=True), USER, NOW, UTC_ONLY)
    assert [p.reason for p in popups] == ["needs_ack"] * 3


def test_after_offline_two_items_pop_individually_and_many_make_a_summary() -> None:
    _, two = decide(PolicyState(), delta(*many(2), after_offline=True), USER, NOW, UTC_ONLY)
    assert [p.key for p in two] == ["D-1", "D-2"]
    _, five = decide(PolicyState(), delta(*many(5), after_offline=True), USER, NOW, UTC_ONLY)
    assert [p.title for p in five] == ["5 decisions need you"]


def test_a_summary_counts_decisions_not_popups() -> None:
    four = delta(
        item("D-1"),
        conflict_item("D-1"),
        feedback_item("D-2"),
        item("D-2", Reason.INFORMED),
        after_offline=True,
    )
    _, popups = decide(PolicyState(), four, USER, NOW, UTC_ONLY)
    assert [(p.title, p.body) for p in popups] == [
        ("2 decisions need you", "D-1 Token refresh policy; D-2 Error response format.")
    ]


def test_a_first_summary_does_not_count_an_item_for_information_as_needing_you() -> None:
    # the demo's first sync for fred: D-5 is only for his information
    first = delta(*many(4), item("D-5", Reason.INFORMED, title="Mobile release"), first_sync=True)
    _, popups = decide(PolicyState(), first, USER, NOW, UTC_ONLY)
    assert [p.title for p in popups] == ["4 decisions need you, 1 for your information"]
    told = delta(*(item(f"D-{k}", Reason.INFORMED) for k in range(1, 6)), first_sync=True)
    _, popups = decide(PolicyState(), told, USER, NOW, UTC_ONLY)
    assert [p.title for p in popups] == ["5 for your information"]


def test_an_ordinary_sync_never_summarises() -> None:
    _, popups = decide(PolicyState(), delta(*many(6)), USER, NOW, UTC_ONLY)
    assert len(popups) == 6


# --- quiet hours and pause ------------------------------------------------------------------


def test_quiet_hours_wrapping_midnight_hold_then_release_at_seven() -> None:
    night = datetime(2026, 11, 28, 23, 30, tzinfo=UTC)
    state, popups = decide(PolicyState(), delta(item("D-1"), feedback_item()), USER, night, NIGHT)
    assert popups == [] and not state.notified
    assert [p.id for p in state.held] == ["fred|needs_ack|D-1|r1", "fred|feedback_requested|D-9|r1"]
    # the held request is worded without "in … h", which would be stale by morning
    assert state.held[1].body == "Deadline Sun 29 Nov 17:00."

    state = restart(state)
    state, popups = decide(state, delta(item("D-1")), USER, night + H, NIGHT)  # not held twice
    assert popups == [] and len(state.held) == 2
    state, popups = release(state, datetime(2026, 11, 29, 6, 59, tzinfo=UTC), NIGHT)
    assert popups == [] and len(state.held) == 2

    state, popups = release(restart(state), datetime(2026, 11, 29, 7, 0, tzinfo=UTC), NIGHT)
    assert ids(popups) == ["fred|needs_ack|D-1|r1", "fred|feedback_requested|D-9|r1"]
    assert state.held == () and set(ids(popups)) <= state.notified

    later = datetime(2026, 11, 29, 8, 0, tzinfo=UTC)
    state, again = release(state, later, NIGHT)
    state, again2 = decide(state, delta(item("D-1"), feedback_item()), USER, later, NIGHT)
    assert again == [] and again2 == []


def test_quiet_hours_release_many_as_one_summary() -> None:
    night = datetime(2026, 11, 28, 22, 0, tzinfo=UTC)  # the start is inside the window
    state, popups = decide(PolicyState(), delta(*many(3)), USER, night, NIGHT)
    state, more = decide(state, delta(*many(2, first=4)), USER, night + 2 * H, NIGHT)
    assert popups == more == [] and len(state.held) == 5
    state, popups = release(state, datetime(2026, 11, 29, 7, 0, tzinfo=UTC), NIGHT)
    (summary,) = popups
    assert summary.title == "5 decisions need you" and len(summary.covers) == 5
    assert state.held == () and set(summary.covers) < state.notified
    state, again = decide(
        state, delta(*many(5)), USER, datetime(2026, 11, 29, 9, tzinfo=UTC), NIGHT
    )
    assert again == []


def test_quiet_hours_follow_the_local_wall_time_of_the_settings_zone() -> None:
    berlin = Settings(tz=ZoneInfo("Europe/Berlin"), quiet_start=time(22), quiet_end=time(7))
    assert berlin.quiet(datetime(2026, 11, 28, 21, 30, tzinfo=UTC))  # 22:30 in Berlin
    assert not berlin.quiet(datetime(2026, 11, 28, 20, 30, tzinfo=UTC))
    assert not berlin.quiet(datetime(2026, 11, 29, 6, 0, tzinfo=UTC))  # 07:00 in Berlin
    daytime = Settings(tz=UTC, quiet_start=time(12), quiet_end=time(14))  # not wrapping
    assert daytime.quiet(NOW.replace(hour=12)) and not daytime.quiet(NOW.replace(hour=14))
    assert not Settings(tz=UTC, quiet_start=time(9), quiet_end=time(9)).quiet(NOW.replace(hour=9))
    assert not Settings(tz=UTC, quiet_start=time(9)).quiet(NOW.replace(hour=10))


def test_the_first_sync_at_night_is_summarised_when_released() -> None:
    night = datetime(2026, 11, 28, 23, 0, tzinfo=UTC)
    state, popups = decide(PolicyState(), delta(*many(8), first_sync=True), USER, night, NIGHT)
    assert popups == [] and len(state.held) == 8
    # a sync after the night releases what was held before showing anything new
    morning = datetime(2026, 11, 29, 7, 30, tzinfo=UTC)
    state, popups = decide(state, delta(item("D-20")), USER, morning, NIGHT)
    assert [p.reason for p in popups] == [SUMMARY, "needs_ack"]
    assert popups[1].key == "D-20" and state.held == ()


def test_pause_until_a_time_holds_then_releases() -> None:
    paused = Settings(tz=UTC, paused_until=NOW + 2 * H)
    state, popups = decide(PolicyState(), delta(item()), USER, NOW, paused)
    assert popups == [] and len(state.held) == 1
    state, popups = release(state, NOW + 2 * H - timedelta(seconds=1), paused)
    assert popups == []
    state, popups = release(state, NOW + 2 * H, paused)
    assert ids(popups) == ["fred|needs_ack|D-1|r1"]


def test_pause_off_until_resumed() -> None:
    off = Settings(tz=UTC, paused_until=PAUSED_INDEFINITELY)
    state, popups = decide(PolicyState(), delta(*many(2)), USER, NOW, off)
    state, later = release(state, NOW + 24 * 365 * H, off)
    assert popups == later == [] and len(state.held) == 2
    state, popups = release(restart(state), NOW + 24 * 365 * H, replace(off, paused_until=None))
    assert [p.key for p in popups] == ["D-1", "D-2"]


def test_a_held_popup_whose_item_went_away_is_dropped_not_shown() -> None:
    paused = Settings(tz=UTC, paused_until=NOW + 10 * H)
    state, _ = decide(
        PolicyState(), delta(item("D-1"), item("D-2"), feedback_item()), USER, NOW, paused
    )
    acked_elsewhere = delta(removed=[item("D-1")], items=[item("D-2"), feedback_item()])
    state, _ = decide(state, acked_elsewhere, USER, NOW + H, paused)
    assert ids(state.held) == ["fred|needs_ack|D-2|r1", "fred|feedback_requested|D-9|r1"]
    assert "fred|needs_ack|D-1|r1" in state.notified
    state, popups = release(state, NOW + 10 * H, UTC_ONLY)
    assert ids(popups) == ["fred|needs_ack|D-2|r1", "fred|feedback_requested|D-9|r1"]


def test_a_held_popup_is_replaced_by_fresher_news_on_the_same_topic() -> None:
    paused = Settings(tz=UTC, paused_until=NOW + 10 * H)
    state, _ = decide(PolicyState(), delta(changed(revision=2)), USER, NOW, paused)
    state, _ = decide(state, delta(changed=[changed(revision=3)]), USER, NOW + H, paused)
    assert ids(state.held) == ["fred|changed_since_ack|D-1|r3"]
    state, popups = release(state, NOW + 10 * H, UTC_ONLY)
    assert ids(popups) == ["fred|changed_since_ack|D-1|r3"]
    assert "fred|changed_since_ack|D-1|r2" in state.notified


def test_a_conflict_whose_anchor_moves_while_held_is_still_shown() -> None:
    paused = Settings(tz=UTC, paused_until=NOW + 10 * H)
    state, _ = decide(PolicyState(), delta(conflict_item("D-1")), USER, NOW, paused)
    moved = delta(conflict_item("D-3"), removed=[conflict_item("D-1")])
    state, _ = decide(state, moved, USER, NOW + H, paused)
    state, popups = release(state, NOW + 10 * H, UTC_ONLY)
    assert [p.title for p in popups] == ["Conflict on auth.token.refresh_minutes"]


def test_a_held_popup_stays_owed_when_the_same_event_comes_again_as_history() -> None:
    paused = Settings(tz=UTC, paused_until=NOW + 10 * H)
    state, _ = decide(PolicyState(), delta(events=[objection()]), USER, NOW, paused, owned={"D-9"})
    rebuilt = delta(events=[objection()], first_sync=True)  # a cache rebuilt from the store
    state, _ = decide(state, rebuilt, USER, NOW + H, paused, owned={"D-9"})
    minor = delta(changed=[item(revision=3)], events=[ev("revised", "D-1", 3, material=False)])
    state, _ = decide(state, delta(item(revision=3)), USER, NOW + H, paused)
    state, _ = decide(state, minor, USER, NOW + 2 * H, paused)
    assert ids(state.held) == ["fred|objection|D-9|fb-1", "fred|needs_ack|D-1|r3"]
    assert not state.notified
    state, popups = release(state, NOW + 10 * H, UTC_ONLY)
    assert ids(popups) == ["fred|needs_ack|D-1|r3", "fred|objection|D-9|fb-1"]


# --- settings: disabled reasons -------------------------------------------------------------


def test_disabled_reasons_are_marked_silently_and_not_replayed_when_enabled() -> None:
    no_info = Settings(tz=UTC, reasons=POPUP_REASONS - {"informed"})
    state, popups = decide(
        PolicyState(), delta(item("D-1"), item("D-2", Reason.INFORMED)), USER, NOW, no_info
    )
    assert [p.reason for p in popups] == ["needs_ack"]
    assert "fred|informed|D-2|r1" in state.notified
    state, popups = decide(state, delta(item("D-2", Reason.INFORMED)), USER, NOW, UTC_ONLY)
    assert popups == []
    state, popups = decide(
        state, delta(changed=[item("D-2", Reason.INFORMED, revision=2)]), USER, NOW, UTC_ONLY
    )
    assert ids(popups) == ["fred|informed|D-2|r2"]


def test_disabled_reasons_do_not_count_toward_a_summary_and_held_ones_are_dropped() -> None:
    only_acks = Settings(tz=UTC, reasons=frozenset({"needs_ack"}))
    batch = delta(
        *many(2), *(item(f"D-{k}", Reason.INFORMED) for k in range(5, 10)), first_sync=True
    )
    _, popups = decide(PolicyState(), batch, USER, NOW, only_acks)
    assert [p.key for p in popups] == ["D-1", "D-2"]

    paused = Settings(tz=UTC, paused_until=NOW + H)
    state, _ = decide(
        PolicyState(), delta(item("D-1"), item("D-2", Reason.INFORMED)), USER, NOW, paused
    )
    state, popups = release(state, NOW + H, only_acks)
    assert ids(popups) == ["fred|needs_ack|D-1|r1"] and "fred|informed|D-2|r1" in state.notified


# --- settings: muted reasons ----------------------------------------------------------------


def test_muted_reasons_are_dropped_not_held_and_not_replayed_after_unmuting() -> None:
    night = datetime(2026, 11, 28, 23, 0, tzinfo=UTC)
    morning = datetime(2026, 11, 29, 7, 0, tzinfo=UTC)
    muted_night = replace(NIGHT, muted=frozenset({"informed"}))
    state, popups = decide(
        PolicyState(), delta(item("D-1"), item("D-2", Reason.INFORMED)), USER, night, muted_night
    )
    assert popups == [] and ids(state.held) == ["fred|needs_ack|D-1|r1"]  # only the owed one
    assert "fred|informed|D-2|r1" in state.notified
    state, popups = release(restart(state), morning, muted_night)
    assert ids(popups) == ["fred|needs_ack|D-1|r1"]

    # Unmuted: what was muted stays quiet, the next event of that kind pops up.
    state, popups = decide(state, delta(item("D-2", Reason.INFORMED)), USER, morning, UTC_ONLY)
    assert popups == []
    news = delta(changed=[item("D-2", Reason.INFORMED, revision=2)])
    state, popups = decide(state, news, USER, morning, UTC_ONLY)
    assert ids(popups) == ["fred|informed|D-2|r2"]


def test_muting_a_kind_drops_what_is_held_of_it_and_keeps_it_out_of_summaries() -> None:
    paused = Settings(tz=UTC, paused_until=NOW + H)
    batch = delta(item("D-1"), *(item(f"D-{k}", Reason.INFORMED) for k in range(2, 7)))
    state, _ = decide(PolicyState(), batch, USER, NOW, paused)
    assert len(state.held) == 6
    no_info = Settings(tz=UTC, muted=frozenset({"informed"}))
    state, popups = release(state, NOW + H, no_info)
    assert ids(popups) == ["fred|needs_ack|D-1|r1"]  # one popup, not a summary of six
    assert state.held == () and "fred|informed|D-6|r1" in state.notified


def test_muting_feedback_requests_leaves_their_deadline_reminders_on() -> None:
    quiet_requests = Settings(tz=UTC, muted=frozenset({"feedback_requested"}))
    state, popups = decide(PolicyState(), delta(feedback_item()), USER, NOW, quiet_requests)
    assert popups == []
    state, popups = reminders_due(state, [feedback_item()], USER, NOW, quiet_requests)
    assert [p.reason for p in popups] == [REMINDER_24H]
    muted_too = replace(quiet_requests, muted=frozenset({"feedback_requested", REMINDER_1H}))
    state, popups = reminders_due(state, [feedback_item()], USER, NOW + 22 * H, muted_too)
    assert popups == []


def test_the_muted_setting_is_read_from_config_and_checked() -> None:
    from inbox.config import parse
    from inbox.core.errors import UsageError

    def notification_settings(config: dict[str, object]) -> frozenset[str]:
        return parse(config, strict=True).config.notifications.muted

    assert notification_settings({}) == frozenset()
    config = {"notifications": {"muted": ["informed", REMINDER_24H]}}
    assert notification_settings(config) == {"informed", REMINDER_24H}
    with pytest.raises(UsageError) as unknown:
        notification_settings({"notifications": {"muted": ["informed", "fyi"]}})
    assert str(unknown.value).startswith(
        "The setting notifications.muted in config.json names 'fyi', which is not a kind of popup;"
    )
    assert "needs_ack, changed_since_ack" in str(unknown.value)
    with pytest.raises(UsageError, match=r"notifications\.muted .* is 'informed'; write it like"):
        notification_settings({"notifications": {"muted": "informed"}})


# --- reminders ------------------------------------------------------------------------------


def test_reminders_at_24_h_and_1_h_once_each() -> None:
    deadline = NOW + 48 * H
    inbox = [feedback_item(deadline=deadline)]
    state = PolicyState()
    timeline = [
        (deadline - 25 * H, []),
        (deadline - 24 * H, [REMINDER_24H]),
        (deadline - 23 * H, []),
        (deadline - 61 * timedelta(minutes=1), []),
        (deadline - H, [REMINDER_1H]),
        (deadline - H / 2, []),
        (deadline, []),
        (deadline + H, []),
    ]
    bodies = []
    for now, expected in timeline:
        state, popups = reminders_due(restart(state), inbox, USER, now, UTC_ONLY)
        assert [p.reason for p in popups] == expected, now
        bodies += [(p.title, p.body) for p in popups]
    assert bodies == [
        (
            "D-9 feedback due in 24 h: Error response format",
            "Deadline Mon 30 Nov 18:00 (in 24 h). You have not answered r1 yet.",
        ),
        (
            "D-9 feedback due in 1 h: Error response format",
            "Deadline Mon 30 Nov 18:00 (in 1 h). You have not answered r1 yet.",
        ),
    ]


def test_both_reminder_windows_at_once_show_only_the_last_one() -> None:
    deadline = NOW + H / 2
    inbox = [feedback_item(deadline=deadline)]
    state, popups = reminders_due(PolicyState(), inbox, USER, NOW, UTC_ONLY)
    assert [(p.reason, p.title) for p in popups] == [
        (REMINDER_1H, "D-9 feedback due in 30 min: Error response format")
    ]
    assert f"fred|reminder_24h|D-9|{deadline.isoformat()}" in state.notified
    state, popups = reminders_due(restart(state), inbox, USER, NOW + H / 4, UTC_ONLY)
    assert popups == []


def test_no_reminder_once_answered_or_without_deadline_and_a_new_deadline_reminds_again() -> None:
    assert reminders_due(PolicyState(), [], USER, NOW, UTC_ONLY)[1] == []
    no_deadline = feedback_item()._replace(deadline=None)
    assert reminders_due(PolicyState(), [no_deadline], USER, NOW, UTC_ONLY)[1] == []
    state, first = reminders_due(
        PolicyState(), [feedback_item(deadline=NOW + 10 * H)], USER, NOW, UTC_ONLY
    )
    state, second = reminders_due(
        state, [feedback_item(deadline=NOW + 20 * H)], USER, NOW, UTC_ONLY
    )
    assert len(first) == len(second) == 1 and first[0].id != second[0].id


def test_a_feedback_request_shown_inside_the_window_covers_the_24_h_reminder() -> None:
    inbox = [feedback_item(deadline=NOW + 20 * H)]
    state, popups = decide(PolicyState(), delta(*inbox), USER, NOW, UTC_ONLY)
    assert [p.reason for p in popups] == ["feedback_requested"]
    state, popups = reminders_due(state, inbox, USER, NOW + H, UTC_ONLY)
    assert popups == []
    state, popups = reminders_due(state, inbox, USER, NOW + 19 * H, UTC_ONLY)
    assert [p.reason for p in popups] == [REMINDER_1H]


def test_reminders_during_quiet_hours_are_held_and_a_passed_one_is_dropped() -> None:
    night = datetime(2026, 11, 28, 23, 0, tzinfo=UTC)
    tomorrow = [feedback_item("D-8", deadline=night + 20 * H)]
    at_three = [feedback_item("D-9", deadline=datetime(2026, 11, 29, 3, 0, tzinfo=UTC))]
    state, popups = reminders_due(PolicyState(), tomorrow + at_three, USER, night, NIGHT)
    assert popups == [] and [p.reason for p in state.held] == [REMINDER_24H, REMINDER_24H]
    state, popups = reminders_due(state, at_three, USER, night + 3 * H, NIGHT)  # 02:00
    assert [p.reason for p in state.held] == [REMINDER_24H, REMINDER_1H]  # 1 h replaced 24 h
    state, popups = release(state, datetime(2026, 11, 29, 7, 0, tzinfo=UTC), NIGHT)
    assert [(p.key, p.title) for p in popups] == [
        ("D-8", "D-8 feedback due by Sun 29 Nov 19:00: Error response format")
    ]
    assert not state.held and {p.id for p in (*popups,)} <= state.notified
    assert sum(1 for i in state.notified if "|D-9|" in i) == 2


def test_owner_deadline_passed_from_the_timer_and_the_sync_is_one_popup() -> None:
    state, popups = reminders_due(PolicyState(), [passed_item()], USER, NOW, UTC_ONLY)
    assert [p.reason for p in popups] == ["deadline_passed"]
    state, popups = decide(state, delta(passed_item()), USER, NOW + H, UTC_ONLY)
    assert popups == []
    not_mine = passed_item("D-7")._replace(owner="ana")
    assert reminders_due(PolicyState(), [not_mine], USER, NOW, UTC_ONLY)[1] == []


# --- owner events: objections and all acknowledged ------------------------------------------


def objection(key: str = "D-9", actor: str = "mo", fid: str = "fb-1", seq: int = 7) -> Event:
    return ev("feedback", key, 2, actor=actor, seq=seq, id=fid, objection=True)


def test_an_objection_pops_for_the_owner_once() -> None:
    sync = delta(events=[objection()], items=[])
    state, popups = decide(PolicyState(), sync, USER, NOW, UTC_ONLY, owned={"D-9"})
    assert [(p.id, p.title, p.body, p.reason) for p in popups] == [
        ("fred|objection|D-9|fb-1", "Objection on D-9", "mo objected to r2.", OBJECTION)
    ]
    state, popups = decide(restart(state), sync, USER, NOW, UTC_ONLY, owned={"D-9"})
    assert popups == []
    state, popups = decide(
        state, delta(events=[objection(fid="fb-2", seq=8)]), USER, NOW, UTC_ONLY, owned={"D-9"}
    )
    assert ids(popups) == ["fred|objection|D-9|fb-2"]


def test_ownership_can_also_come_from_the_items_of_the_delta() -> None:
    sync = delta(passed_item("D-9"), events=[objection("D-9")])
    _, popups = decide(PolicyState(), sync, USER, NOW, UTC_ONLY)
    assert [(p.reason, p.title) for p in popups] == [
        ("deadline_passed", "Deadline passed: D-9 Error response format"),
        (OBJECTION, "Objection on D-9: Error response format"),
    ]


def test_no_objection_popup_for_someone_elses_decision_ones_own_or_a_comment() -> None:
    someone_elses = delta(feedback_item("D-9"), events=[objection("D-9")])  # ana owns D-9
    own = delta(events=[objection("D-9", actor=USER)])
    comment = delta(events=[ev("feedback", "D-9", 2, actor="mo", id="fb-3", objection=False)])
    for sync in (own, comment):
        assert decide(PolicyState(), sync, USER, NOW, UTC_ONLY, owned={"D-9"})[1] == []
    _, popups = decide(PolicyState(), someone_elses, USER, NOW, UTC_ONLY)
    assert [p.reason for p in popups] == ["feedback_requested"]


def test_objections_on_a_first_sync_are_history_not_news() -> None:
    sync = delta(events=[objection()], first_sync=True)
    state, popups = decide(PolicyState(), sync, USER, NOW, UTC_ONLY, owned={"D-9"})
    assert popups == [] and "fred|objection|D-9|fb-1" in state.notified


def test_all_acknowledged_when_the_last_acknowledgment_arrives() -> None:
    last_ack = delta(
        removed=[awaiting_item()],
        items=[],
        events=[ev("acknowledged", "D-6", 1, actor="bo", id="a1")],
    )
    state, popups = decide(PolicyState(), last_ack, USER, NOW, UTC_ONLY)
    assert [(p.id, p.title, p.body) for p in popups] == [
        (
            "fred|all_acknowledged|D-6|r1",
            "All acknowledged: D-6 Token refresh policy",
            "Everyone acknowledged r1.",
        )
    ]
    state, popups = decide(restart(state), last_ack, USER, NOW, UTC_ONLY)
    assert popups == []


@pytest.mark.parametrize(
    "why",
    ["someone else owns it", "withdrawn", "superseded", "no acknowledgment", "no longer finalized"],
)
def test_no_all_acknowledged_when_something_else_explains_it(why: str) -> None:
    ack = ev("acknowledged", "D-6", 1, actor="bo", id="a1")
    owner = "ana" if why == "someone else owns it" else USER
    events = [ack] if why != "no acknowledgment" else []
    if why in ("withdrawn", "superseded"):
        events.append(ev(why, "D-6", 1, actor=USER, seq=2))
    items = (
        [conflict_item("D-6")._replace(owner=USER, state="open")]
        if why == "no longer finalized"
        else []
    )
    sync = delta(removed=[awaiting_item(owner=owner)], items=items, events=events)
    _, popups = decide(PolicyState(), sync, USER, NOW, UTC_ONLY)
    assert [p.reason for p in popups if p.reason == ALL_ACKNOWLEDGED] == []


# --- state ----------------------------------------------------------------------------------


def test_state_round_trips_through_json_text() -> None:
    paused = Settings(tz=UTC, paused_until=NOW + H)
    state, _ = reminders_due(
        PolicyState(), [feedback_item(deadline=NOW + 2 * H)], USER, NOW, paused
    )
    state, _ = decide(state, delta(item(), events=[objection()]), USER, NOW, paused, owned={"D-9"})
    assert len(state.held) == 3 and state.held[0].expires == NOW + 2 * H
    assert restart(state) == state
    assert json.loads(json.dumps(state.to_json()))["version"] == 1


def test_popup_json_is_the_watch_line() -> None:
    _, (popup,) = decide(PolicyState(), delta(item()), USER, NOW, UTC_ONLY)
    assert list(popup.to_json()) == ["id", "key", "title", "body", "reason", "revision"]
    assert Popup.from_json(popup.to_json()) == replace(popup, subject="")


@pytest.mark.parametrize(
    "data",
    [
        [],
        {"version": 2, "notified": [], "held": []},
        {"version": 1, "notified": "x", "held": []},
        {"version": 1, "notified": [1], "held": []},
        {"version": 1, "notified": [], "held": ["x"]},
        {"version": 1, "notified": [], "held": [{"id": "x"}]},
        {
            "version": 1,
            "notified": [],
            "held": [
                {"id": "x", "key": None, "title": "t", "body": "b", "reason": "r", "revision": "1"}
            ],
        },
    ],
)
def test_a_malformed_state_is_a_value_error(data: Any) -> None:
    with pytest.raises(ValueError):
        PolicyState.from_json(data)


# --- the property ---------------------------------------------------------------------------

KEYS = ["D-1", "D-2", "D-3"]
reason_st = st.sampled_from(list(Reason))


@st.composite
def items_st(draw: st.DrawFn) -> InboxItem:
    reason = draw(reason_st)
    key = draw(st.sampled_from(KEYS))
    extra: dict[str, Any] = {}
    if reason in (Reason.FEEDBACK_REQUESTED, Reason.DEADLINE_PASSED):
        extra["deadline"] = NOW + draw(st.integers(-30, 60)) * H
    if reason is Reason.CONFLICT:
        extra["conflict_key"] = draw(st.sampled_from(["a", "b"]))
        extra["value"] = draw(st.sampled_from(["1", "2"]))
    if reason is Reason.CHANGED_SINCE_ACK:
        extra["acked_revision"] = 1
    return item(
        key,
        reason,
        revision=draw(st.integers(1, 3)),
        owner=draw(st.sampled_from([USER, "ana"])),
        state=draw(st.sampled_from(["finalized", "open"])),
        **extra,
    )


events_st = st.lists(
    st.builds(
        ev,
        kind=st.sampled_from(["feedback", "acknowledged", "revised", "withdrawn", "finalized"]),
        key=st.sampled_from(KEYS),
        revision=st.integers(1, 3),
        actor=st.sampled_from([USER, "mo"]),
        seq=st.integers(1, 5),
        id=st.sampled_from(["f1", "f2"]),
        objection=st.booleans(),
        material=st.booleans(),
    ),
    max_size=3,
)
settings_st = st.builds(
    Settings,
    paused_until=st.none() | st.integers(0, 40).map(lambda h: NOW + h * H),
    quiet_start=st.none() | st.integers(0, 23).map(lambda h: time(h)),
    quiet_end=st.none() | st.integers(0, 23).map(lambda h: time(h)),
    tz=st.just(UTC),
    reasons=st.sampled_from([POPUP_REASONS, POPUP_REASONS - {"informed", REMINDER_24H}]),
    summary_threshold=st.integers(0, 4),
)
item_lists = st.lists(items_st(), max_size=5)
step_st = st.one_of(
    st.tuples(
        st.just("sync"),
        item_lists,
        item_lists,
        item_lists,
        item_lists,
        events_st,
        st.booleans(),
        st.booleans(),
    ),
    st.tuples(st.just("remind"), item_lists),
    st.tuples(st.just("release")),
    st.tuples(st.just("restart")),
)


@hypothesis_settings(max_examples=100, deadline=None)
@given(
    steps=st.lists(st.tuples(step_st, st.integers(-5, 30), settings_st), min_size=1, max_size=10)
)
def test_no_id_pops_twice_and_nothing_held_is_marked(
    steps: list[tuple[Any, int, Settings]],
) -> None:
    state, now = PolicyState(), NOW
    delivered: set[str] = set()  # ids shown on their own or inside a summary
    ever_held: set[str] = set()
    for step, hours, settings in steps:
        now += hours * H  # time may even go backwards (a clock set back)
        before = state
        if step[0] == "sync":
            _, added, changed_, removed, items, events, first, offline = step
            sync = InboxDelta(
                tuple(items),
                tuple(added),
                tuple(removed),
                tuple(changed_),
                frozenset(),
                tuple(events),
                first,
                offline,
            )
            state, popups = decide(state, sync, USER, now, settings, owned={"D-1"})
        elif step[0] == "remind":
            state, popups = reminders_due(state, step[1], USER, now, settings)
        elif step[0] == "release":
            state, popups = release(state, now, settings)
        else:
            state, popups = restart(state), []
        for popup in popups:
            for popup_id in (popup.id, *popup.covers):
                assert popup_id not in delivered, popup_id
                delivered.add(popup_id)
                assert popup_id in state.notified
            assert popup.reason in POPUP_REASONS | {SUMMARY}
            assert popup.reason != SUMMARY or len(popup.covers) > settings.summary_threshold
            assert len(popup.body) <= 200 and len(popup.title) <= 100
        held = [p.id for p in state.held]
        assert len(held) == len(set(held)) and not set(held) & state.notified
        assert before.notified <= state.notified
        ever_held |= set(held)
        assert (ever_held - set(held)) <= state.notified  # what left the hold is accounted for
        if step[0] != "restart" and not settings.holding(now):
            assert state.held == ()  # every call releases once quiet hours and pause are over
    assert restart(state) == state
