"""TrayController offscreen: the count and tooltip, the menu built from the items when it opens
(order, Acknowledge only where it applies, revisions pinned), every action's signal, and the
retry when there is no tray. The real tray on X is tests/x11/test_tray_real.py."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtGui import QAction, QFontMetricsF, QImage
from PySide6.QtWidgets import QMenu, QSystemTrayIcon
from pytestqt.qtbot import QtBot

from inbox.core.delta import InboxDelta
from inbox.core.model import Reason
from inbox.core.pause import TOMORROW_AT
from inbox.ui.tray import MENU_LIMIT, TrayController, pending_items
from inbox.ui.tray_icon import (
    MIN_DIGIT_PX,
    badge_geometry,
    badge_text,
    render_tray_icon,
    render_tray_pixmap,
)
from tests.core.builders import inbox_item as item

NOW = datetime(2026, 11, 28, 12, tzinfo=UTC)


MIXED = [
    item(1, Reason.INFORMED),
    item(2, Reason.FEEDBACK_REQUESTED, deadline=NOW + timedelta(days=3)),
    item(3, Reason.CHANGED_SINCE_ACK, revision=4),
    item(4, Reason.AWAITING_ACKS),
    item(5, Reason.FEEDBACK_REQUESTED, deadline=NOW + timedelta(hours=2)),
    item(6, Reason.NEEDS_ACK, revision=2),
    item(7, Reason.CONFLICT),
]


@pytest.fixture
def tray(qtbot: QtBot) -> Iterator[TrayController]:
    controller = TrayController(clock=lambda: NOW)
    yield controller
    controller.stop()


def open_menu(tray: TrayController) -> list[QAction]:
    """What a right-click does before the menu shows: rebuild it from the latest items."""
    tray.menu.aboutToShow.emit()
    return tray.menu.actions()


def submenu(action: QAction) -> QMenu:
    menu = action.menu()
    assert isinstance(menu, QMenu), f"{action.text()!r} has no submenu"
    return menu


def item_menus(tray: TrayController) -> list[QMenu]:
    return [submenu(a) for a in open_menu(tray) if a.menu() and a.text().startswith("D-")]


def texts(menu: QMenu) -> list[str]:
    return [a.text() for a in menu.actions() if not a.isSeparator()]


def action(menu: QMenu, text: str) -> QAction:
    (found,) = [a for a in menu.actions() if a.text() == text]
    return found


def test_counts_what_is_owed_and_says_so_in_the_tooltip(tray: TrayController) -> None:
    assert tray.count == 0
    assert tray.tooltip() == "Decision Inbox — nothing to do · syncing…"
    tray.set_items(MIXED)
    tray.set_status("online", "")
    # informed and awaiting_acks owe nothing now; the other five do
    assert tray.count == 5
    assert tray.tray.toolTip() == (
        "Decision Inbox — 2 to acknowledge, 2 feedback due, 1 conflict · online"
    )
    tray.set_status("error", "The store at /srv/x refused the password. Open Settings.")
    assert tray.tray.toolTip().endswith(
        "· sync error: The store at /srv/x refused the password. Open Settings."
    )


def test_the_slots_for_the_sync_service_take_its_values(tray: TrayController) -> None:
    class Status:
        state = "offline"
        message = "The store is unreachable."

    tray.show_delta(InboxDelta(items=(item(1), item(2, Reason.CHANGED_SINCE_ACK))))
    tray.show_sync_status(Status())
    assert (tray.count, tray.state) == (2, "offline")
    assert tray.tray.toolTip() == "Decision Inbox — 2 to acknowledge · offline"


def test_the_icon_changes_with_the_count_and_the_state(tray: TrayController) -> None:
    def picture() -> QImage:
        return tray.tray.icon().pixmap(64, 64).toImage()

    tray.set_status("online")
    empty = picture()
    tray.set_items([item(1)])
    one = picture()
    tray.set_status("error", "boom")
    failed = picture()
    assert not tray.tray.icon().isNull()
    assert empty != one != failed != empty


def test_badge_says_9_plus_above_9_and_each_state_draws_differently(qtbot: QtBot) -> None:
    assert [badge_text(n) for n in (0, 1, 9, 10, 5000)] == ["", "1", "9", "9+", "9+"]
    pictures = [render_tray_pixmap(3, state).toImage() for state in ("online", "syncing")]
    pictures += [render_tray_pixmap(3, state).toImage() for state in ("offline", "error")]
    assert len({bytes(p.constBits()) for p in pictures}) == 4  # type: ignore[call-overload]
    # the badge is drawn: a pixel in its middle is the badge's red, not the icon's blue
    image = render_tray_pixmap(7, "online", 64).toImage()
    assert image.pixelColor(52, 16).red() > 150 and image.pixelColor(52, 16).blue() < 100
    assert render_tray_pixmap(0, "online", 64).toImage().pixelColor(52, 16).blue() > 150


def test_high_dpi_pixmaps_are_drawn_at_the_device_ratio(qtbot: QtBot) -> None:
    sharp = render_tray_pixmap(3, "online", 32, ratio=2.0)
    assert (sharp.width(), sharp.devicePixelRatio()) == (64, 2.0)
    icon = render_tray_icon(3, "online", 32)
    assert {s.width() for s in icon.availableSizes()} >= {16, 22, 24, 32, 48, 64}


def test_menu_lists_pending_items_in_order_with_acknowledge_only_where_it_applies(
    tray: TrayController,
) -> None:
    tray.set_items(MIXED)
    menus = item_menus(tray)
    assert [m.title().split()[0] for m in menus] == ["D-6", "D-3", "D-5", "D-2", "D-7"]
    assert texts(menus[0]) == ["Acknowledge revision 2", "Open D-6"]
    assert texts(menus[1]) == ["Acknowledge revision 4", "Open D-3"]
    for feedback_or_conflict in menus[2:]:
        assert [t for t in texts(feedback_or_conflict) if t.startswith("Acknowledge")] == []
    assert texts(tray.menu)[len(menus) :] == [
        "Open inbox",
        "Sync now",
        "Pause notifications",
        "Quit",
    ]


def test_the_menu_is_rebuilt_when_it_opens_and_the_revision_stays_pinned(
    tray: TrayController, qtbot: QtBot
) -> None:
    tray.set_items([item(9, revision=2)])
    (shown,) = item_menus(tray)
    acknowledge = action(shown, "Acknowledge revision 2")
    tray.set_items([item(9, revision=3)])  # a sync lands while the menu is open
    with qtbot.waitSignal(tray.acknowledge_requested) as ack:
        acknowledge.trigger()
    assert ack.args == ["D-9", 2]  # what the person saw, not what arrived meanwhile
    (reopened,) = item_menus(tray)
    assert texts(reopened) == ["Acknowledge revision 3", "Open D-9"]
    tray.set_items([])
    assert item_menus(tray) == []
    assert texts(tray.menu)[0] == "Nothing to do"


def test_open_and_the_fixed_actions_emit_their_signals(tray: TrayController, qtbot: QtBot) -> None:
    tray.set_items([item(5, Reason.FEEDBACK_REQUESTED, deadline=NOW + timedelta(hours=1))])
    (menu,) = item_menus(tray)
    with qtbot.waitSignal(tray.open_requested) as opened:
        action(menu, "Open D-5").trigger()
    assert opened.args == ["D-5"]
    for text, signal in (
        ("Open inbox", tray.show_window_requested),
        ("Sync now", tray.sync_requested),
        ("Quit", tray.quit_requested),
    ):
        with qtbot.waitSignal(signal):
            action(tray.menu, text).trigger()
    with qtbot.waitSignal(tray.show_window_requested):
        tray.tray.activated.emit(QSystemTrayIcon.ActivationReason.Trigger)
    with qtbot.assertNotEmitted(tray.show_window_requested):
        tray.tray.activated.emit(QSystemTrayIcon.ActivationReason.Context)


def test_pause_emits_when_the_pause_ends_and_none_to_resume(
    tray: TrayController, qtbot: QtBot
) -> None:
    open_menu(tray)
    pause = submenu(action(tray.menu, "Pause notifications"))
    assert not action(pause, "Resume notifications").isEnabled()
    with qtbot.waitSignal(tray.pause_requested) as hour:
        action(pause, "For 1 hour").trigger()
    assert hour.args == [NOW + timedelta(hours=1)]
    with qtbot.waitSignal(tray.pause_requested) as tomorrow:
        action(pause, f"Until tomorrow {TOMORROW_AT:%H:%M}").trigger()
    assert tomorrow.args == [datetime(2026, 11, 29, 8, tzinfo=UTC)]

    tray.set_paused_until(NOW + timedelta(hours=1))
    open_menu(tray)
    (paused,) = [submenu(a) for a in tray.menu.actions() if a.text().startswith("Notifications")]
    assert paused.title() == "Notifications paused until Sat 13:00"
    with qtbot.waitSignal(tray.pause_requested) as resumed:
        action(paused, "Resume notifications").trigger()
    assert resumed.args == [None]


def test_at_most_eight_items_then_a_way_into_the_inbox(tray: TrayController, qtbot: QtBot) -> None:
    tray.set_items([item(n) for n in range(1, 13)])
    assert len(item_menus(tray)) == MENU_LIMIT
    more = action(tray.menu, "… and 4 more in the inbox")
    with qtbot.waitSignal(tray.show_window_requested):
        more.trigger()


def test_titles_are_shortened_and_never_become_mnemonics(tray: TrayController) -> None:
    tray.set_items([item(1, title="R&D budget " + "x" * 80)])
    (menu,) = item_menus(tray)
    assert menu.title().startswith("D-1  R&&D budget x")
    assert "…" in menu.title() and len(menu.title()) < 90


def test_pending_order_puts_feedback_by_soonest_deadline_and_undated_last() -> None:
    undated = item(1, Reason.FEEDBACK_REQUESTED)
    later = item(2, Reason.FEEDBACK_REQUESTED, deadline=NOW + timedelta(days=2))
    sooner = item(3, Reason.FEEDBACK_REQUESTED, deadline=NOW + timedelta(hours=1))
    passed = item(4, Reason.DEADLINE_PASSED)
    assert [i.key for i in pending_items([passed, undated, later, sooner])] == [
        "D-3",
        "D-2",
        "D-1",
        "D-4",
    ]


# The fake probe says a tray appeared, but offscreen has none, so Qt's xcb-only tray hook
# complains when the icon is shown; the test is about the retry, not about Qt's plumbing.
@pytest.mark.qt_log_ignore("systemTrayWindowChanged")
def test_without_a_tray_start_fails_and_retries_until_one_appears(qtbot: QtBot) -> None:
    present = False
    probes: list[bool] = []

    def probe() -> bool:
        probes.append(present)
        return present

    tray = TrayController(probe=probe, retry_interval_ms=20)
    assert not QSystemTrayIcon.isSystemTrayAvailable()  # offscreen has none: the real probe
    assert TrayController().available() is False
    assert tray.start() is False
    assert tray.retry_timer.isActive() and not tray.shown()
    # Not a fixed wait: the retry timer has asked the probe (and heard "no tray") three times.
    asked = len(probes)
    with qtbot.assertNotEmitted(tray.tray_appeared):
        qtbot.waitUntil(lambda: len(probes) >= asked + 3, timeout=2000)
    present = True
    with qtbot.waitSignal(tray.tray_appeared, timeout=2000):
        pass
    assert not tray.retry_timer.isActive()
    assert tray.tray.isVisible()
    tray.stop()


def test_the_default_retry_is_every_ten_seconds(qtbot: QtBot) -> None:
    tray = TrayController()
    assert tray.start() is False
    assert tray.retry_timer.interval() == 10_000 and tray.retry_timer.isActive()
    tray.stop()
    assert not tray.retry_timer.isActive()


@pytest.mark.parametrize("side", [16, 20, 22, 24])
def test_the_count_is_legible_in_a_16_to_24_pixel_panel(qtbot: QtBot, side: int) -> None:
    for count in (1, 7, 10, 250):
        text = badge_text(count)
        rect, font = badge_geometry(text, side)
        assert len(text) <= 2
        assert font.pixelSize() >= MIN_DIGIT_PX  # the old badge drew a 6 px "1" that read "!"
        assert QFontMetricsF(font).horizontalAdvance(text) <= rect.width() <= side
        assert rect.height() >= side * 0.6
    # drawn: the badge's middle is the badge's red, and its digits put white pixels in it
    image = render_tray_pixmap(10, "online", side).toImage()
    rect, _ = badge_geometry("9+", side)
    whites = sum(
        1
        for x in range(int(rect.left()), int(rect.right()))
        for y in range(int(rect.top()), int(rect.bottom()))
        if image.pixelColor(x, y).lightness() > 200
    )
    assert whites >= 6
