"""``decision-inbox watch``: the client without a window.

It syncs continuously (wake-ups, outbox, reconnects) and prints each notification the policy
raises, one line each, with the same cache, outbox and notification memory as the desktop app.
Status changes (offline, back online, errors) go to stderr, so stdout carries only notifications.
"""

from __future__ import annotations

import json
import logging
import signal
import sys
from collections.abc import Callable
from datetime import datetime, time
from typing import Any

from inbox.core.delta import InboxDelta
from inbox.core.errors import UsageError
from inbox.notify.policy import POPUP_ORDER, POPUP_REASONS, Popup, Settings
from inbox.notify.runner import POLICY_KEY, PolicyRunner
from inbox.store.clock import utcnow
from inbox.store.connection import StoreConnection
from inbox.sync.client import Client
from inbox.sync.engine import EngineSettings, SyncEngine, SyncStatus
from inbox.sync.lock import InstanceLock

log = logging.getLogger(__name__)

__all__ = ["POLICY_KEY", "Watcher", "engine_settings", "notification_settings", "watch"]


def _setting(section: str, name: str, value: Any, parse: Callable[[Any], Any], hint: str) -> Any:
    try:
        return parse(value)
    except (TypeError, ValueError):
        raise UsageError(
            f"The setting {section}.{name} in config.json is {value!r}; write it like {hint}."
        ) from None


def notification_settings(config: dict[str, Any]) -> Settings:
    """The ``notifications`` section of config.json: quiet hours, pause and the muted kinds of
    popup (``"muted": ["informed", "reminder_24h"]``, names from ``POPUP_ORDER``)."""
    section = config.get("notifications") or {}

    def value(name: str, parse: Callable[[Any], Any], hint: str) -> Any:
        raw = section.get(name)
        return _setting("notifications", name, raw, parse, hint) if raw else None

    def names(raw: Any) -> frozenset[str]:
        if not isinstance(raw, list) or not all(isinstance(n, str) for n in raw):
            raise TypeError(raw)
        return frozenset(raw)

    muted = value("muted", names, '["informed", "reminder_24h"]') or frozenset()
    unknown = sorted(muted - POPUP_REASONS)
    if unknown:
        raise UsageError(
            f"The setting notifications.muted in config.json names {unknown[0]!r}, which is not "
            f"a kind of popup; use some of {', '.join(POPUP_ORDER)}."
        )
    return Settings(
        paused_until=value("paused_until", datetime.fromisoformat, '"2026-12-01T09:00+01:00"'),
        quiet_start=value("quiet_start", time.fromisoformat, '"22:00"'),
        quiet_end=value("quiet_end", time.fromisoformat, '"07:00"'),
        muted=muted,
    )


def engine_settings(config: dict[str, Any]) -> EngineSettings:
    sync = config.get("sync") or {}
    mode = sync.get("mode", "listen")
    if mode not in ("listen", "poll"):
        raise UsageError(
            f'The setting sync.mode in config.json is {mode!r}; use "listen" or "poll".'
        )
    seconds = _setting("sync", "poll_seconds", sync.get("poll_seconds", 30.0), float, "10")
    if seconds <= 0:
        raise UsageError("The setting sync.poll_seconds in config.json must be more than 0.")
    return EngineSettings(mode=mode, slow_timer=seconds)


class Watcher:
    """Turns each sync's delta into printed notifications; runs on the engine's thread."""

    def __init__(self, client: Client, settings: Settings, *, as_json: bool) -> None:
        self.client = client
        self.as_json = as_json
        self._shown_state = ""
        self.runner = PolicyRunner(
            client.user, settings, load=client.state.get, save=client.state.put, show=self._print
        )

    def on_delta(self, delta: InboxDelta) -> None:
        self.runner.on_delta(delta, utcnow())

    def on_status(self, status: SyncStatus) -> None:
        # Rounds flip syncing/online all the time; a person (or a script) wants the changes
        # that matter: online, offline, error.
        if status.state == "syncing" or status.state == self._shown_state:
            return
        self._shown_state = status.state
        if self.as_json:
            record = {
                "status": status.state,
                "message": status.message,
                "retry_at": status.retry_at.isoformat() if status.retry_at else None,
            }
            print(json.dumps(record), file=sys.stderr, flush=True)
        elif status.state == "online":
            print("decision-inbox: online.", file=sys.stderr, flush=True)
        else:
            retry = (
                f" Retrying at {status.retry_at.astimezone():%H:%M:%S}." if status.retry_at else ""
            )
            print(
                f"decision-inbox: {status.state}: {status.message}{retry}",
                file=sys.stderr,
                flush=True,
            )

    def _print(self, popup: Popup) -> None:
        if self.as_json:
            sys.stdout.write(json.dumps(popup.to_json(), ensure_ascii=False) + "\n")
        else:
            sys.stdout.write(
                f"{popup.title} — {popup.body}\n" if popup.body else f"{popup.title}\n"
            )
        sys.stdout.flush()


def watch(
    store: StoreConnection, user: str, client: Client, config: dict[str, Any], *, as_json: bool
) -> int:
    with InstanceLock(client.paths.lock):
        watcher = Watcher(client, notification_settings(config), as_json=as_json)
        engine = SyncEngine(
            store,
            client.syncer,
            on_delta=watcher.on_delta,
            on_status=watcher.on_status,
            settings=engine_settings(config),
            fail_fast=True,  # bad settings: one sentence and a non-zero exit, not a retry loop
        )

        def stop(_signum: int, _frame: object) -> None:
            engine.stop()

        previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            engine.run()
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
    return 0
