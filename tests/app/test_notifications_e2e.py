"""The app's notifications end to end, on a real session bus with the notification daemon mock
of docs/testing.md listening, and a real PostgreSQL store: ana finalizes from this process,
the app (a child process, offscreen, as fred) must put a Notify on the bus within a second, never
twice across restarts, and an *Acknowledge* invoked on the bus must reach the store. Popups follow
the truth: acknowledged from the popup or on the command line, the app closes its popup within
2 s (``CloseNotification`` in the mock's log); a second change replaces the first popup."""

from __future__ import annotations

import random
import re
import signal
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from inbox.core.model import Role
from inbox.store.clock import utcnow
from inbox.store.connection import StoreConnection
from inbox.store.reader import load_decision
from inbox.store.service import StoreService
from tests.app.child import AppProcess
from tests.notify.bus import NotificationBus, NotifyCall, private_bus
from tests.store.helpers import open_store

pytestmark = [pytest.mark.dbus, pytest.mark.postgres, pytest.mark.slow]

KEY = re.compile(r"\bD-\d+\b")


@pytest.fixture
def notification_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[NotificationBus]:
    yield from private_bus(monkeypatch, server=True)


@pytest.fixture
def upstream(pg_url: str) -> Iterator[StoreService]:
    """The store, with ana (backend) and fred (frontend), and one open decision asking fred for
    feedback, so the app's first sync has something to say and the test knows it is running."""
    store, service = open_store(pg_url)
    key = _new(service, "Error response format", ack=False)
    service.open("ana", key, deadline=utcnow() + timedelta(days=2))
    try:
        yield service
    finally:
        store.dispose()


def _new(service: StoreService, title: str, *, ack: bool = True) -> str:
    role = Role.ACK if ack else Role.CONSULT
    key = service.create("ana", title=title, audience=[("person", "fred", role)]).key
    assert key is not None
    return key


def _mentioning(calls: list[NotifyCall], key: str) -> list[NotifyCall]:
    return [c for c in calls if key in KEY.findall(f"{c.summary} {c.body}")]


def _server_id(calls: list[NotifyCall], call: NotifyCall) -> int:
    """The id the mock gave ``call``: it numbers new popups 1, 2, 3… and a replacement keeps the
    id it replaced."""
    if call.replaces_id:
        return call.replaces_id
    return sum(1 for c in calls[: calls.index(call) + 1] if not c.replaces_id)


@pytest.mark.parametrize("notifier", ["desktop-notifier", "plyer"])
def test_a_finalized_decision_is_on_the_bus_within_a_second_once_across_restarts(
    notifier: str,
    notification_server: NotificationBus,
    upstream: StoreService,
    pg_url: str,
    tmp_path: Path,
) -> None:
    app = AppProcess(tmp_path / "fred", pg_url, "fred", notifier=notifier)
    bus = notification_server
    app.start()
    try:
        app.wait_for(lambda: bus.notify_calls(), 30, "the first-sync popup")
        key = _new(upstream, "Token refresh policy")
        before = len(bus.notify_calls())
        upstream.finalize("ana", key)
        finalized = time.monotonic()
        app.wait_for(lambda: _mentioning(bus.notify_calls(), key), 5, f"a popup about {key}")
        latency = time.monotonic() - finalized
        popup = _mentioning(bus.notify_calls(), key)[0]
        assert "Token refresh policy" in f"{popup.summary} {popup.body}"
        assert latency < 1.0, f"{latency:.3f} s from finalize to Notify"
        assert len(bus.notify_calls()) == before + 1

        assert app.stop() == 0
        app.start()
        # a change after the restart proves the restarted app synced past the old one
        later = _new(upstream, "Dates in the UI")
        upstream.finalize("ana", later)
        app.wait_for(lambda: _mentioning(bus.notify_calls(), later), 30, f"a popup about {later}")
        assert len(_mentioning(bus.notify_calls(), key)) == 1, "notified twice after a restart"

        if notifier == "desktop-notifier":
            calls = bus.notify_calls()
            popup_id = _server_id(calls, _mentioning(calls, later)[0])
            bus.emit_action_invoked(popup_id, "acknowledge")
            app.wait_for(
                lambda: _acknowledged(pg_url, later), 10, "the acknowledgment in the store"
            )
    finally:
        app.stop()


def _acknowledged(url: str, key: str) -> bool:
    store = StoreConnection.open(url)
    try:
        with store.read() as session:
            decision = load_decision(session, key)
        return any(a.person == "fred" and a.revision == 1 for a in decision.acknowledgments)
    finally:
        store.dispose()


UNSHOWN_AT_MOST = 3
MIN_KEYS = 10


def test_nothing_notifies_twice_and_nothing_is_lost_across_20_random_restarts(
    notification_server: NotificationBus, upstream: StoreService, pg_url: str, tmp_path: Path
) -> None:
    rng = random.Random(20)
    app = AppProcess(tmp_path / "fred", pg_url, "fred", notifier="desktop-notifier")
    bus = notification_server
    keys: list[str] = []
    stop = threading.Event()

    def unseen() -> int:
        shown = {
            k for call in bus.notify_calls() for k in KEY.findall(f"{call.summary} {call.body}")
        }
        return sum(1 for k in keys if k not in shown)

    def stream() -> None:  # ana keeps deciding while fred's app comes and goes
        store = StoreConnection.open(pg_url)
        service = StoreService(store)
        try:
            n = 0
            while not stop.is_set():
                # Paced by what the app shows, not by the clock: a summary lists five keys, so
                # never more than three wait unshown, however slowly the app restarts on a
                # busy machine.
                while unseen() >= UNSHOWN_AT_MOST and not stop.is_set():
                    stop.wait(0.05)
                if stop.is_set():
                    break
                n += 1
                key = _new(service, f"Upstream change {n}")
                service.finalize("ana", key)
                keys.append(key)
                stop.wait(rng.uniform(0.2, 0.8))  # spread over the restarts' random moments
        finally:
            store.dispose()

    producer = threading.Thread(target=stream, name="ana")
    app.start()
    app.wait_for(lambda: bus.notify_calls(), 30, "the first-sync popup")
    producer.start()
    try:
        restarts = 0
        # At least 20 restarts and 10 decisions, however slow the machine: the count of
        # restarts, not the clock, ends the loop; the deadline only catches a hang.
        deadline = time.monotonic() + 900
        while restarts < 20 or len(keys) < MIN_KEYS:
            assert time.monotonic() < deadline, f"{restarts} restarts, {len(keys)} decisions"
            if restarts % 2:
                # Every other restart lets the app catch up first (what ana sent is shown), so
                # the stream moves on even when a start takes longer than the random moments.
                app.wait_for(lambda: unseen() == 0, 120, "the app to catch up")
            # Random moments to quit and restart at, on purpose: the point of the test.
            time.sleep(rng.uniform(0.2, 2.0))
            # 0: a clean quit; -SIGTERM: the signal came while the app was still starting, before
            # its handler was in place (before any sync, so before any popup)
            assert app.stop() in (0, -signal.SIGTERM)
            time.sleep(rng.uniform(0.0, 0.5))
            app.start()
            restarts += 1
        stop.set()
        producer.join()
        last = keys[-1]
        app.wait_for(lambda: _mentioning(bus.notify_calls(), last), 90, f"a popup about {last}")
    finally:
        stop.set()
        app.stop()
    calls = bus.notify_calls()
    seen = Counter(k for call in calls for k in set(KEY.findall(f"{call.summary} {call.body}")))
    truncated = [c for c in calls if "more" in c.body]
    assert not truncated, "a summary hid some keys; slow the stream down"
    repeated = {k: n for k, n in seen.items() if n > 1 and k in keys}
    assert not repeated, f"notified more than once: {repeated}"
    lost = [k for k in keys if seen[k] == 0]
    assert not lost, f"never notified: {lost}"
    assert len(keys) >= MIN_KEYS, keys


def _ack_on_the_command_line(app: AppProcess, key: str) -> None:
    """``decision-inbox ack`` as fred types it, in another process with the app's profile."""
    done = subprocess.run(
        [*app.command, "ack", key],
        env=app.env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("where", ["popup", "command line"])
def test_an_acknowledgment_closes_the_popup_within_2_s(
    where: str,
    notification_server: NotificationBus,
    upstream: StoreService,
    pg_url: str,
    tmp_path: Path,
) -> None:
    app = AppProcess(tmp_path / "fred", pg_url, "fred", notifier="desktop-notifier")
    bus = notification_server
    app.start()
    try:
        app.wait_for(lambda: bus.notify_calls(), 30, "the first-sync popup")
        key = _new(upstream, "Token refresh policy")
        upstream.finalize("ana", key)
        app.wait_for(lambda: _mentioning(bus.notify_calls(), key), 10, f"a popup about {key}")
        calls = bus.notify_calls()
        popup_id = _server_id(calls, _mentioning(calls, key)[0])
        assert bus.close_calls() == []
        if where == "popup":
            bus.emit_action_invoked(popup_id, "acknowledge")
            app.wait_for(lambda: _acknowledged(pg_url, key), 10, "the acknowledgment in the store")
        else:
            _ack_on_the_command_line(app, key)
            assert _acknowledged(pg_url, key)
        answered = time.monotonic()
        app.wait_for(lambda: popup_id in bus.close_calls(), 5, f"CloseNotification({popup_id})")
        latency = time.monotonic() - answered
        assert latency < 2.0, f"{latency:.3f} s from the acknowledgment to CloseNotification"
        assert bus.close_calls() == [popup_id], "only the answered popup is closed"
    finally:
        app.stop()


def test_a_second_change_replaces_the_first_popup_and_says_who_and_why(
    notification_server: NotificationBus,
    upstream: StoreService,
    pg_url: str,
    tmp_path: Path,
) -> None:
    app = AppProcess(tmp_path / "fred", pg_url, "fred", notifier="desktop-notifier")
    bus = notification_server
    key = _new(upstream, "Token refresh policy")
    upstream.revise("ana", key, summary="State the refresh", set_assertions={"auth.refresh": "15"})
    upstream.finalize("ana", key)
    upstream.acknowledge("fred", key, revision=2)
    app.start()
    try:
        app.wait_for(lambda: bus.notify_calls(), 30, "the first-sync popup")
        before = len(bus.notify_calls())
        upstream.revise(
            "ana", key, summary="Mobile needs longer", set_assertions={"auth.refresh": "60"}
        )
        app.wait_for(lambda: len(bus.notify_calls()) > before, 10, "the first change popup")
        first = bus.notify_calls()[before]
        assert first.summary == f"{key} changed: Token refresh policy"
        assert first.body == (
            "r3 by ana: Mobile needs longer. auth.refresh: 15 → 60. You acknowledged r2."
        )
        first_id = _server_id(bus.notify_calls(), first)

        upstream.revise("ana", key, summary="Back to 30", set_assertions={"auth.refresh": "30"})
        app.wait_for(lambda: len(bus.notify_calls()) > before + 1, 10, "the second change popup")
        second = bus.notify_calls()[before + 1]
        # this round's feed names the revision that is new; the facts still run from fred's r2
        assert second.body == "r4 by ana: Back to 30. auth.refresh: 15 → 30. You acknowledged r2."
        assert second.replaces_id == first_id, "the second popup stacked on the first"
        assert len(bus.notify_calls()) == before + 2
    finally:
        app.stop()
