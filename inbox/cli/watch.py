"""``decision-inbox watch``: the client without a window.

It syncs continuously (wake-ups, outbox, reconnects) and prints each notification the policy
raises, one line each, with the same cache, outbox and notification memory as the desktop app.
Status changes (offline, back online, errors) go to stderr, so stdout carries only notifications.
"""

from __future__ import annotations

import json
import signal
import sys

from inbox.cli.terminal import inline
from inbox.config import Config
from inbox.config.clients import engine_settings, notification_settings
from inbox.core.delta import InboxDelta
from inbox.notify.policy import Popup, Settings
from inbox.notify.runner import PolicyRunner
from inbox.platform.instance_lock import InstanceLock
from inbox.store.clock import utcnow
from inbox.sync.client import Client
from inbox.sync.engine import ONLINE, SYNCING, SyncEngine, SyncStatus


class Watcher:
    """Turns each sync's delta into printed notifications; runs on the engine's thread."""

    def __init__(self, client: Client, settings: Settings, *, as_json: bool) -> None:
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
        if status.state in (SYNCING, self._shown_state):
            return
        self._shown_state = status.state
        if self.as_json:
            record = {
                "status": status.state,
                "message": status.message,
                "retry_at": status.retry_at.isoformat() if status.retry_at else None,
            }
            print(json.dumps(record), file=sys.stderr, flush=True)
        elif status.state == ONLINE:
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
            sys.stdout.write(inline(popup.line) + "\n")
        sys.stdout.flush()


def watch(client: Client, config: Config, *, as_json: bool) -> int:
    """``config`` was read strictly: a bad setting already was one sentence and exit 2."""
    with InstanceLock(client.paths.lock):
        watcher = Watcher(client, notification_settings(config.notifications), as_json=as_json)
        engine = SyncEngine(
            client.store,
            client.syncer,
            on_delta=watcher.on_delta,
            on_status=watcher.on_status,
            settings=engine_settings(config.sync),
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
