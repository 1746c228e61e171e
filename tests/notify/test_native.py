"""Native popups for real: desktop-notifier and plyer talk to a mock notification server on a
private session bus (tests/notify/bus.py), and what reached the server is read from its log."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from inbox.notify.chain import BANNER, DESKTOP, NotifierChain, default_factories
from inbox.notify.desktop import DesktopNotifier
from inbox.notify.notifier import NotificationFailedError, Notifier, NotifierUnavailableError
from inbox.notify.plyer_notifier import PlyerNotifier
from inbox.notify.values import SUMMARY, Popup
from tests.notify.bus import NotificationBus, private_bus

NEEDS_ACK = Popup(
    id="fred|needs_ack|D-7|r2",
    key="D-7",
    title="D-7 needs your acknowledgment: Token refresh policy",
    body="Finalized r2 by ana.",
    reason="needs_ack",
    revision=2,
    subject="Token refresh policy",
)
INFORMED = Popup(
    id="fred|informed|D-9|r1",
    key="D-9",
    title="For your information: D-9 Retire the v1 API",
    body="Finalized r1 by bo. Nothing is owed.",
    reason="informed",
    revision=1,
    subject="Retire the v1 API",
)
A_SUMMARY = Popup(
    id="fred|summary|abc",
    key=None,
    title="4 decisions need you",
    body="D-1 Tokens, D-2 Logs, D-3 Keys, D-4 Ports.",
    reason=SUMMARY,
    revision=None,
)


@pytest.fixture
def notification_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[NotificationBus]:
    """A private session bus with the mock notification server on it."""
    yield from private_bus(monkeypatch, server=True)


@pytest.fixture
def bare_bus(monkeypatch: pytest.MonkeyPatch) -> Iterator[NotificationBus]:
    """A private session bus with nothing on it."""
    yield from private_bus(monkeypatch, server=False)


class Recorder:
    """An ActionHandler that remembers its calls and the thread they came on."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str]] = []
        self.threads: list[str] = []
        self.called = threading.Event()

    def __call__(self, action: str, key: str) -> None:
        self.calls.append((action, key))
        self.threads.append(threading.current_thread().name)
        self.called.set()

    def wait(self) -> list[tuple[str, str]]:
        assert self.called.wait(5.0), "the action never reached the handler"
        self.called.clear()
        return self.calls


def notifier_threads() -> int:
    return sum(t.name == "desktop-notifier" for t in threading.enumerate())


@pytest.mark.dbus
def test_desktop_notifier_delivers_with_the_right_buttons(
    notification_server: NotificationBus, tmp_path: Path
) -> None:
    icon = tmp_path / "icon.png"
    icon.write_bytes(b"\x89PNG\r\n\x1a\n")
    notifier = DesktopNotifier(Recorder(), str(icon))  # the app passes a str
    try:
        notifier.show(NEEDS_ACK)
        notifier.show(INFORMED)
    finally:
        notifier.close()
    assert notifier_threads() == 0  # close() stopped the loop thread

    ack, info = notification_server.wait_for_notify(2)
    assert (ack.app_name, ack.summary, ack.body) == (
        "decision-inbox",
        NEEDS_ACK.title,
        NEEDS_ACK.body,
    )
    assert "D-7" in ack.summary and "Token refresh policy" in ack.summary
    assert ack.icon == icon.as_uri()
    assert ack.actions == ["default", "", "acknowledge", "Acknowledge", "open", "Open"]
    # Nothing to acknowledge in an informed popup: only Open and the click.
    assert (info.summary, info.action_keys) == (INFORMED.title, ["default", "open"])


@pytest.mark.dbus
def test_plyer_notifier_delivers_with_icon_and_a_timeout(
    notification_server: NotificationBus, tmp_path: Path
) -> None:
    icon = tmp_path / "icon.png"
    icon.write_bytes(b"\x89PNG\r\n\x1a\n")
    PlyerNotifier(icon).show(NEEDS_ACK)
    (call,) = notification_server.wait_for_notify(1)
    assert (call.app_name, call.summary, call.body) == (
        "decision-inbox",
        NEEDS_ACK.title,
        NEEDS_ACK.body,
    )
    # plyer's own notify() would send no icon and 0 ("never expires") through notify-send.
    assert (call.icon, call.timeout_ms) == (str(icon), 10_000)


@pytest.mark.dbus
def test_action_signals_on_the_bus_reach_the_handler(notification_server: NotificationBus) -> None:
    handler = Recorder()
    notifier = DesktopNotifier(handler)
    try:
        # The mock numbers its popups 1, 2, 3… in the order it receives them.
        notifier.show(NEEDS_ACK)
        notification_server.emit_action_invoked(1, "acknowledge")
        assert handler.wait() == [("acknowledge", "D-7")]

        notifier.show(INFORMED)
        notification_server.emit_action_invoked(2, "default")  # a click on the popup
        assert handler.wait()[-1] == ("open", "D-9")

        notifier.show(A_SUMMARY)
        notification_server.emit_action_invoked(3, "open")
        assert handler.wait()[-1] == ("open", "")  # no single decision: open the inbox
    finally:
        notifier.close()
    assert set(handler.threads) == {"desktop-notifier"}  # documented: not the caller's thread


@pytest.mark.dbus
@pytest.mark.expect_log("inbox.notify.desktop", "ERROR")
def test_a_failing_action_handler_does_not_stop_later_popups(
    notification_server: NotificationBus, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(action: str, key: str) -> None:
        raise RuntimeError("the app is shutting down")

    notifier = DesktopNotifier(broken)
    try:
        notifier.show(NEEDS_ACK)
        with caplog.at_level(logging.ERROR, logger="inbox.notify.desktop"):
            notification_server.emit_action_invoked(1, "acknowledge")
            notifier.show(INFORMED)  # the loop thread still serves popups
            assert any("acknowledge action on D-7 failed" in r.message for r in caplog.records)
    finally:
        notifier.close()
    assert [c.summary for c in notification_server.wait_for_notify(2)] == [
        NEEDS_ACK.title,
        INFORMED.title,
    ]


@pytest.mark.dbus
def test_with_no_server_on_the_bus_both_constructors_refuse(bare_bus: NotificationBus) -> None:
    threads = notifier_threads()
    for make in (lambda: DesktopNotifier(Recorder()), PlyerNotifier):
        with pytest.raises(NotifierUnavailableError, match=r"org\.freedesktop\.Notifications"):
            make()
    assert notifier_threads() == threads  # no loop thread left behind by a refusal


@pytest.mark.dbus
@pytest.mark.parametrize(
    "make", [lambda: DesktopNotifier(Recorder()), PlyerNotifier], ids=["desktop", "plyer"]
)
@pytest.mark.expect_log("desktop_notifier", "WARNING")
def test_show_raises_when_the_server_went_away(
    notification_server: NotificationBus, make: Callable[[], Notifier]
) -> None:
    notifier = make()
    try:
        notification_server.stop_server()
        with pytest.raises((NotificationFailedError, NotifierUnavailableError)):
            notifier.show(NEEDS_ACK)
    finally:
        notifier.close()


@pytest.mark.dbus
@pytest.mark.expect_log("inbox.notify.chain", "WARNING")
@pytest.mark.expect_log("desktop_notifier", "WARNING")
def test_the_chain_falls_back_to_the_banner_when_the_server_goes_away(
    notification_server: NotificationBus, caplog: pytest.LogCaptureFixture
) -> None:
    banner: list[Popup] = []
    factories = default_factories(
        on_action=Recorder(),
        icon_path=None,
        show_message=lambda title, body: pytest.fail("no tray here"),
        tray_available=lambda: False,
        banner=banner.append,
    )
    chain = NotifierChain(factories)
    try:
        assert chain.show(NEEDS_ACK) == DESKTOP
        notification_server.stop_server()
        with caplog.at_level(logging.INFO, logger="inbox.notify.chain"):
            assert chain.show(INFORMED) == BANNER
        assert chain.active == BANNER
    finally:
        chain.close()
    assert banner == [INFORMED]
    assert [c.summary for c in notification_server.notify_calls()] == [NEEDS_ACK.title]
    chain_log = [r for r in caplog.records if r.name == "inbox.notify.chain"]
    said = [(r.levelname, r.getMessage().split(" ")[1]) for r in chain_log]
    assert said == [("WARNING", "desktop-notifier"), ("INFO", "plyer"), ("INFO", "tray")]


def test_without_a_session_bus_both_constructors_refuse(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    monkeypatch.delenv("DISPLAY", raising=False)
    for make in (lambda: DesktopNotifier(Recorder()), PlyerNotifier):
        with pytest.raises(NotifierUnavailableError):
            make()


@pytest.mark.dbus
def test_desktop_notifier_replaces_in_place_withdraws_and_sends_grouping_hints(
    notification_server: NotificationBus,
) -> None:
    notifier = DesktopNotifier(Recorder())
    second = Popup(
        id="fred|needs_ack|D-7|r3",
        key="D-7",
        title="D-7 needs your acknowledgment: Token refresh policy",
        body="Revised to r3 by ana.",
        reason="needs_ack",
        revision=3,
        replaces=NEEDS_ACK.id,
    )
    try:
        notifier.show(NEEDS_ACK)  # server id 1
        notifier.show(INFORMED)  # server id 2
        notifier.show(second)  # takes the place of 1
        notifier.withdraw(INFORMED.id)
        notifier.withdraw("fred|needs_ack|D-404|r1")  # never shown here: nothing to close
        notifier.withdraw(INFORMED.id)  # already withdrawn: no second close
    finally:
        notifier.close()
    first, info, again = notification_server.wait_for_notify(3)
    assert (first.replaces_id, info.replaces_id, again.replaces_id) == (0, 0, 1)
    assert again.summary == second.title
    assert notification_server.close_calls() == [2]
    assert first.hints["desktop-entry"] == "io.github.decisioninbox.DecisionInbox"
    assert (first.hints["category"], first.hints["urgency"]) == ("x-decision-inbox.needs_ack", 1)
    assert (info.hints["category"], info.hints["urgency"]) == ("x-decision-inbox.informed", 0)


@pytest.mark.dbus
def test_a_popup_clicked_on_the_bus_can_still_be_withdrawn(
    notification_server: NotificationBus,
) -> None:
    # desktop-notifier forgets a popup once an action on it arrives; the app then still closes
    # it, for the servers that keep a popup after its button was pressed
    handler = Recorder()
    notifier = DesktopNotifier(handler)
    try:
        notifier.show(NEEDS_ACK)
        notification_server.emit_action_invoked(1, "acknowledge")
        handler.wait()
        notifier.withdraw(NEEDS_ACK.id)
    finally:
        notifier.close()
    assert notification_server.close_calls() == [1]
