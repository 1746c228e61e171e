"""Popups that follow the truth, with a fake clock: the runner withdraws a popup once its item
leaves the inbox, and a popup about a decision already on screen replaces the one there
(inbox/notify/screen.py). The real bus is in test_native.py and tests/app."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest

from inbox.core.delta import InboxDelta
from inbox.core.items import InboxItem
from inbox.core.model import Reason
from inbox.notify.runner import PolicyRunner
from inbox.notify.screen import Screen, place, withdrawals
from inbox.notify.values import OBJECTION, REMINDER_1H, SUMMARY, Popup, Settings
from tests.notify.test_policy import (
    NOW,
    USER,
    UTC_ONLY,
    H,
    changed,
    conflict_item,
    delta,
    ev,
    feedback_item,
    item,
    many,
    passed_item,
)

M = timedelta(minutes=1)


class Desk:
    """A runner whose show and withdraw calls are recorded; its memory lives in a dict."""

    def __init__(self, settings: Settings = UTC_ONLY) -> None:
        self.saved: dict[str, str] = {}
        self.shown: list[Popup] = []
        self.withdrawn: list[Popup] = []
        self.runner = PolicyRunner(
            USER,
            settings,
            load=self.saved.get,
            save=self.saved.__setitem__,
            show=self.shown.append,
            withdraw=self.withdrawn.append,
        )

    def round(
        self, *added: InboxItem, items: list[InboxItem] | None = None, **kw: Any
    ) -> list[Popup]:
        return self.runner.on_delta(delta(*added, items=items, **kw), NOW)


# --- withdraw on resolve --------------------------------------------------------------------


@pytest.mark.parametrize(
    "owed",
    [
        item(),
        changed(),
        feedback_item(),
        conflict_item(),
        item(reason=Reason.INFORMED),
        passed_item(),
    ],
    ids=lambda i: str(i.reason),
)
def test_a_popup_is_withdrawn_once_its_item_leaves_the_inbox_and_only_once(owed: InboxItem) -> None:
    desk = Desk()
    (popup,) = desk.round(owed)
    desk.round(items=[owed])  # a round that changes nothing keeps it up
    assert desk.withdrawn == []
    desk.round(items=[], removed=[owed])  # acknowledged, answered or resolved, anywhere
    assert desk.withdrawn == [popup]
    desk.round(items=[])
    assert desk.withdrawn == [popup], "withdrawn twice"


def test_only_the_answered_item_loses_its_popup() -> None:
    desk = Desk()
    first, second = item("D-1"), item("D-2")
    shown = desk.round(first, second)
    desk.round(items=[second], removed=[first])
    assert [p.key for p in shown] == ["D-1", "D-2"]
    assert [p.key for p in desk.withdrawn] == ["D-1"]


def test_the_same_decision_for_another_reason_does_not_keep_a_popup_up() -> None:
    # fred acknowledged r1 (needs_ack gone); the decision is now a conflict: the ack popup goes
    desk = Desk()
    (ack,) = desk.round(item())
    (clash,) = desk.round(conflict_item(), items=[conflict_item()], removed=[item()])
    assert desk.withdrawn == [ack]
    assert clash.replaces is None, "a conflict is about the assertion, not the decision"


def test_a_deadline_reminder_replaces_the_request_and_goes_when_the_feedback_is_given() -> None:
    desk = Desk()
    asked = feedback_item(deadline=NOW + 23 * H)
    (request,) = desk.round(asked)
    (reminder,) = desk.runner.on_delta(delta(items=[asked]), NOW + 22 * H + 30 * M)
    assert (reminder.reason, reminder.replaces) == (REMINDER_1H, request.id)
    desk.round(items=[], removed=[asked])
    assert [p.reason for p in desk.withdrawn] == [REMINDER_1H]


def test_owners_news_stands_until_replaced() -> None:
    desk = Desk()
    objection = ev("feedback", "D-5", 1, actor="bo", objection=True, id="f1")
    news = InboxDelta(items=(), events=(objection,), owned=frozenset({"D-5"}))
    (popup,) = desk.runner.on_delta(news, NOW)
    assert popup.reason == OBJECTION
    desk.round(items=[])
    assert desk.withdrawn == [], "nothing in the inbox answers an objection"
    (later,) = desk.round(item("D-5"))
    assert later.replaces == popup.id


def test_a_summary_goes_once_nothing_it_covers_is_owed() -> None:
    desk = Desk(Settings(tz=UTC_ONLY.tz, summary_threshold=3))
    items = many(4)
    (summary,) = desk.round(*items, first_sync=True)
    assert summary.reason == SUMMARY
    desk.round(items=items[1:], removed=items[:1])
    assert desk.withdrawn == []
    desk.round(items=[], removed=items[1:])
    assert desk.withdrawn == [summary]


@pytest.mark.expect_log("inbox.notify.runner", "ERROR")
def test_a_failing_withdraw_is_logged_and_forgotten(caplog: pytest.LogCaptureFixture) -> None:
    def broken(popup: Popup) -> None:
        raise RuntimeError("the bus went away")

    shown: list[Popup] = []
    runner = PolicyRunner(
        USER,
        UTC_ONLY,
        load=lambda k: None,
        save=lambda k, v: None,
        show=shown.append,
        withdraw=broken,
    )
    runner.on_delta(delta(item()), NOW)
    with caplog.at_level(logging.ERROR, logger="inbox.notify.runner"):
        runner.on_delta(delta(items=[], removed=[item()]), NOW)  # must not raise
        runner.on_delta(delta(items=[]), NOW)
    assert [r.getMessage() for r in caplog.records] == [
        f"could not withdraw the popup {shown[0].id}"
    ]


# --- replace, do not stack ------------------------------------------------------------------


def test_a_second_change_to_the_same_decision_replaces_the_first_popup() -> None:
    desk = Desk()
    (first,) = desk.round(changed(revision=2))
    (second,) = desk.round(changed=[changed(revision=3)])
    assert first.replaces is None
    assert second.replaces == first.id
    desk.round(items=[], removed=[changed(revision=3)])
    assert desk.withdrawn == [replace(second, replaces=None)], "only what is on screen goes"


def test_popups_about_other_decisions_stack() -> None:
    screen, one = place(Screen(), Popup("fred|needs_ack|D-1|r1", "D-1", "t", "b", "needs_ack", 1))
    screen, two = place(screen, Popup("fred|needs_ack|D-2|r1", "D-2", "t", "b", "needs_ack", 1))
    assert (one.replaces, two.replaces) == (None, None)
    assert [p.key for p in screen.popups] == ["D-1", "D-2"]


def test_conflicts_replace_conflicts_on_the_same_assertion_only() -> None:
    change = Popup("fred|changed_since_ack|D-1|r2", "D-1", "t", "b", "changed_since_ack", 2)
    clash = Popup("fred|conflict|auth.x|D-1=60,D-2=15", "D-1", "t", "b", "conflict", 2)
    again = Popup("fred|conflict|auth.x|D-1=60,D-2=30", "D-2", "t", "b", "conflict", 2)
    screen, _ = place(Screen(), change)
    screen, placed = place(screen, clash)
    assert placed.replaces is None
    screen, placed = place(screen, again)
    assert placed.replaces == clash.id
    assert [p.id for p in screen.popups] == [change.id, again.id]
    assert all(p.replaces is None for p in screen.popups)


def test_withdrawals_read_the_whole_inbox_not_just_what_was_removed() -> None:
    # an app that missed the round which removed the item still takes the popup down
    screen, popup = place(Screen(), Popup("fred|needs_ack|D-1|r1", "D-1", "t", "b", "needs_ack", 1))
    assert withdrawals(screen, [item("D-1")]) == (screen, [])
    assert withdrawals(screen, [item("D-2")]) == (Screen(), [popup])


# --- the change popup's words ---------------------------------------------------------------


def test_a_change_popup_says_who_changed_what_and_why() -> None:
    events = [ev("revised", "D-1", 2, actor="ana", summary="Longer tokens for mobile.")]
    desk = Desk()
    (popup,) = desk.round(changed(revision=2), events=events)
    assert popup.title == "D-1 changed: Token refresh policy"
    assert popup.body == (
        "r2 by ana: Longer tokens for mobile. auth.token.refresh_minutes: 15 → 60. "
        "You acknowledged r1."
    )


def test_several_revisions_since_the_ack_are_named_newest_first() -> None:
    events = [
        ev("revised", "D-1", 2, actor="ana", seq=1, summary="Longer tokens"),
        ev("revised", "D-1", 3, actor="bo", seq=2, summary=""),
        ev("revised", "D-1", 1, actor="mo", seq=0, summary="Before fred acked: not news"),
        ev("revised", "D-2", 3, actor="zed", seq=3, summary="Another decision"),
    ]
    (popup,) = Desk().round(changed(revision=3, acked=1), events=events)
    assert popup.body.startswith("r3 by bo; r2 by ana: Longer tokens. auth.token.")
    assert "mo" not in popup.body and "zed" not in popup.body


def test_a_long_summary_is_cut_and_the_facts_and_the_ack_still_show() -> None:
    events = [ev("revised", "D-1", 2, actor="ana", summary="Because " * 40)]
    (popup,) = Desk().round(changed(revision=2), events=events)
    assert len(popup.body) <= 200
    assert popup.body.startswith("r2 by ana: Because Because")
    assert "15 → 60" in popup.body and popup.body.endswith("You acknowledged r1.")
