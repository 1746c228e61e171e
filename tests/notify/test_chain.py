"""The notifier chain with fake adapters: order, laziness, fallbacks, pinning, and the
Qt-free tray and banner adapters. The real backends on a real bus are in test_native.py."""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest

from inbox.notify.callback_notifier import BannerNotifier, TrayMessageNotifier
from inbox.notify.chain import NOTIFIER_NAMES, NotifierChain, default_factories
from inbox.notify.notifier import (
    NotificationFailedError,
    Notifier,
    NotifierUnavailableError,
    can_acknowledge,
)
from inbox.notify.values import SUMMARY, Popup

CHAIN_LOG = "inbox.notify.chain"


def popup(key: str = "D-1", reason: str = "needs_ack") -> Popup:
    return Popup(f"fred|{reason}|{key}|r1", key, f"{key} needs you", "body", reason, 1)


class FakeNotifier(Notifier):
    def __init__(self, name: str, fail: Exception | None = None) -> None:
        self.name = name
        self.fail = fail
        self.shown: list[Popup] = []
        self.withdrawn: list[str] = []
        self.closed = False

    def show(self, popup: Popup) -> None:
        if self.fail is not None:
            raise self.fail
        self.shown.append(popup)

    def withdraw(self, popup_id: str) -> None:
        if self.fail is not None:
            raise self.fail
        self.withdrawn.append(popup_id)

    def close(self) -> None:
        self.closed = True


class Backends:
    """Factories for fake adapters, remembering what was built, in order."""

    def __init__(self) -> None:
        self.built: list[FakeNotifier] = []

    def make(
        self, name: str, *, refuse: Exception | None = None, fail: Exception | None = None
    ) -> tuple[str, Callable[[], Notifier]]:
        def factory() -> Notifier:
            if refuse is not None:
                raise refuse
            notifier = FakeNotifier(name, fail)
            self.built.append(notifier)
            return notifier

        return name, factory

    def get(self, name: str) -> FakeNotifier:
        (notifier,) = [n for n in self.built if n.name == name]
        return notifier

    @property
    def names(self) -> list[str]:
        return [n.name for n in self.built]


def chain_lines(caplog: pytest.LogCaptureFixture) -> list[tuple[str, str]]:
    return [(r.levelname, r.getMessage()) for r in caplog.records if r.name == CHAIN_LOG]


def test_adapters_are_built_lazily_and_only_as_far_as_needed() -> None:
    backends = Backends()
    chain = NotifierChain([backends.make("a"), backends.make("b"), backends.make("banner")])
    assert backends.built == [] and chain.active is None
    assert chain.show(popup("D-1")) == "a"
    assert chain.show(popup("D-2")) == "a"
    assert backends.names == ["a"]  # built once, the others never
    assert [p.key for p in backends.get("a").shown] == ["D-1", "D-2"]
    assert chain.active == "a"


def test_an_unavailable_adapter_is_skipped_with_one_info_line(
    caplog: pytest.LogCaptureFixture,
) -> None:
    backends = Backends()
    no_server = NotifierUnavailableError("No notification server is running.")
    chain = NotifierChain([backends.make("a", refuse=no_server), backends.make("b")])
    with caplog.at_level(logging.DEBUG, logger=CHAIN_LOG):
        assert chain.show(popup()) == "b"
        chain.show(popup("D-2"))
    assert chain_lines(caplog) == [
        ("INFO", "The a notifier is unavailable: No notification server is running.")
    ]
    assert backends.names == ["b"] and len(backends.get("b").shown) == 2


@pytest.mark.expect_log("inbox.notify.chain", "WARNING")
def test_a_constructor_that_crashes_is_skipped_with_a_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    backends = Backends()
    chain = NotifierChain([backends.make("a", refuse=OSError("boom")), backends.make("b")])
    with caplog.at_level(logging.DEBUG, logger=CHAIN_LOG):
        assert chain.show(popup()) == "b"
    [(level, line)] = chain_lines(caplog)
    assert level == "WARNING" and "a notifier" in line and "boom" in line


@pytest.mark.expect_log("inbox.notify.chain", "WARNING")
def test_a_runtime_failure_drops_the_adapter_and_the_next_shows_the_same_popup(
    caplog: pytest.LogCaptureFixture,
) -> None:
    backends = Backends()
    gone = NotificationFailedError("The notification server went away.")
    chain = NotifierChain([backends.make("a", fail=gone), backends.make("b")])
    first, second = popup("D-1"), popup("D-2")
    with caplog.at_level(logging.DEBUG, logger=CHAIN_LOG):
        assert chain.show(first) == "b"
        assert chain.show(second) == "b"
    [(level, line)] = chain_lines(caplog)
    assert level == "WARNING" and "a notifier failed" in line and "went away" in line
    assert backends.get("b").shown == [first, second]
    assert backends.get("a").closed and backends.names == ["a", "b"]  # never rebuilt
    assert chain.active == "b"


@pytest.mark.expect_log("inbox.notify.chain", "WARNING")
def test_pinned_uses_only_that_adapter_then_the_last_resort() -> None:
    backends = Backends()
    factories = [backends.make(n) for n in ("a", "b", "c", "banner")]
    chain = NotifierChain(factories, pinned="b")
    assert chain.show(popup()) == "b"
    assert backends.names == ["b"]

    backends = Backends()
    factories = [
        backends.make("a"),
        backends.make("b", fail=RuntimeError("lost")),
        backends.make("c"),
        backends.make("banner"),
    ]
    chain = NotifierChain(factories, pinned="b")
    assert chain.show(popup()) == "banner"  # not a, not c: pinned means only b
    assert backends.names == ["b", "banner"]


def test_pinning_the_last_resort_uses_it_alone() -> None:
    backends = Backends()
    chain = NotifierChain([backends.make("a"), backends.make("banner")], pinned="banner")
    assert chain.show(popup()) == "banner" and backends.names == ["banner"]


def test_pinning_an_unknown_adapter_is_refused_in_one_sentence() -> None:
    backends = Backends()
    with pytest.raises(ValueError, match=r"no notifier called 'growl'; choose one of a, b\.$"):
        NotifierChain([backends.make("a"), backends.make("b")], pinned="growl")


@pytest.mark.expect_log("inbox.notify.chain", "ERROR")
def test_when_every_adapter_fails_the_popup_is_logged_as_lost_and_nothing_raises(
    caplog: pytest.LogCaptureFixture,
) -> None:
    backends = Backends()
    chain = NotifierChain(
        [
            backends.make("a", refuse=NotifierUnavailableError("no")),
            backends.make("b", fail=OSError()),
        ]
    )
    with caplog.at_level(logging.DEBUG, logger=CHAIN_LOG):
        assert chain.show(popup()) is None
    assert [level for level, _ in chain_lines(caplog)] == ["INFO", "WARNING", "ERROR"]
    assert chain.active is None


def test_close_closes_the_adapter_in_use_and_ends_the_chain() -> None:
    backends = Backends()
    chain = NotifierChain([backends.make("a")])
    chain.close()  # before any popup: nothing was built, nothing to close
    assert backends.built == []

    chain = NotifierChain([backends.make("a")])
    chain.show(popup())
    chain.close()
    chain.close()
    assert backends.get("a").closed and chain.active is None
    with pytest.raises(RuntimeError):
        chain.show(popup())


@pytest.mark.expect_log("inbox.notify.callback_notifier", "ERROR")
def test_the_banner_never_fails(caplog: pytest.LogCaptureFixture) -> None:
    def broken(popup: Popup) -> None:
        raise RuntimeError("the window is gone")

    with caplog.at_level(logging.ERROR, logger="inbox.notify.callback_notifier"):
        BannerNotifier(broken).show(popup())
    assert "could not show fred|needs_ack|D-1|r1" in caplog.text

    shown: list[Popup] = []
    chain = NotifierChain([("banner", lambda: BannerNotifier(shown.append))])
    assert chain.show(popup()) == "banner" and shown == [popup()]


@pytest.mark.expect_log("inbox.notify.chain", "WARNING")
def test_the_tray_adapter_follows_the_tray() -> None:
    with pytest.raises(NotifierUnavailableError, match="system tray"):
        TrayMessageNotifier(lambda title, body: None, lambda: False)

    messages: list[tuple[str, str]] = []
    there = [True]
    banner: list[Popup] = []
    chain = NotifierChain(
        [
            (
                "tray",
                lambda: TrayMessageNotifier(lambda t, b: messages.append((t, b)), lambda: there[0]),
            ),
            ("banner", lambda: BannerNotifier(banner.append)),
        ]
    )
    assert chain.show(popup("D-1")) == "tray"
    there[0] = False  # the panel crashed
    assert chain.show(popup("D-2")) == "banner"
    assert messages == [("D-1 needs you", "body")] and [p.key for p in banner] == ["D-2"]


def test_default_factories_in_the_standard_order_reach_the_tray_without_a_bus(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    monkeypatch.delenv("DISPLAY", raising=False)
    messages: list[tuple[str, str]] = []
    factories = default_factories(
        on_action=lambda action, key: None,
        icon_path=None,
        show_message=lambda title, body: messages.append((title, body)),
        tray_available=lambda: True,
        banner=lambda popup: pytest.fail("the tray is there"),
    )
    assert tuple(name for name, _ in factories) == NOTIFIER_NAMES
    chain = NotifierChain(factories)
    assert chain.show(popup()) == "tray" and messages == [("D-1 needs you", "body")]
    chain.close()


def test_only_acknowledgment_popups_about_one_decision_offer_acknowledge() -> None:
    assert can_acknowledge(popup(reason="needs_ack"))
    assert can_acknowledge(popup(reason="changed_since_ack"))
    assert not can_acknowledge(popup(reason="informed"))
    assert not can_acknowledge(popup(reason="feedback_requested"))
    summary = Popup("fred|summary|x", None, "3 decisions need you", "…", SUMMARY, None)
    assert not can_acknowledge(summary)


@pytest.mark.expect_log("inbox.notify.chain", "WARNING")
def test_withdraw_reaches_the_adapter_in_use_and_a_failure_is_only_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    backends = Backends()
    chain = NotifierChain([backends.make("a"), backends.make("banner")])
    chain.withdraw("fred|needs_ack|D-1|r1")  # before any popup: nothing is built for it
    assert backends.built == []
    chain.show(popup("D-1"))
    chain.withdraw("fred|needs_ack|D-1|r1")
    assert backends.get("a").withdrawn == ["fred|needs_ack|D-1|r1"]
    backends.get("a").fail = RuntimeError("bus gone")
    with caplog.at_level(logging.INFO, logger=CHAIN_LOG):
        chain.withdraw("fred|needs_ack|D-1|r1")
    assert chain.active == "a", "a failed withdraw does not drop the adapter"
    assert chain_lines(caplog) == [
        ("WARNING", "The a notifier could not withdraw a popup (RuntimeError: bus gone).")
    ]
    chain.close()
    chain.withdraw("fred|needs_ack|D-1|r1")  # closed: a no-op, not an error
