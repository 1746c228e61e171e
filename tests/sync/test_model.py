"""A model-based test of the client (hypothesis stateful): upstream writes, the person's own
acknowledgments and feedback, offline spells, restarts and a corrupt cache in any order.

After every step that settles (online, synced until the feed is quiet): the client's inbox
equals the inbox computed from the store itself, the outbox holds nothing pending or in flight,
and no notification was ever raised twice.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import tempfile
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    multiple,
    precondition,
    rule,
)

from inbox.core.errors import InboxError
from inbox.core.inbox import compute_inbox
from inbox.core.model import Role
from inbox.notify.policy import PolicyState, Settings, decide
from inbox.notify.runner import POLICY_KEY
from inbox.store.connection import StoreConnection
from inbox.store.reader import load_snapshot
from inbox.sync.client import Client
from inbox.sync.paths import ClientPaths
from inbox.sync.state import PENDING, SENT
from tests.store.helpers import open_store
from tests.sync.test_syncer import DEAD_PG

KEYS = ("auth.token.refresh_minutes", "api.errors.format", "ui.date.format")
VALUES = ("15", "60", "rfc9457", "iso")
AUDIENCES = (
    ("team", "frontend", Role.ACK),
    ("team", "frontend", Role.CONSULT),
    ("team", "frontend", Role.INFORM),
    ("person", "fred", Role.ACK),
    ("person", "fred", Role.CONSULT),
    ("team", "backend", Role.ACK),
)


class ClientModel(RuleBasedStateMachine):
    decisions = Bundle("decisions")

    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(prefix="di-model-"))
        self.url = f"sqlite:///{self.folder}/store.sqlite"
        self.store, self.service = open_store(self.url)
        self.paths = ClientPaths(self.folder / "client")
        self.online = True
        self.client = self._open()
        self.popups: list[str] = []

    def _open(self) -> Client:
        store = StoreConnection.open(self.url if self.online else DEAD_PG)
        return Client.open(store, "fred", self.folder, paths=self.paths)

    def _reopen(self) -> None:
        self.client.close()
        self.client.store.dispose()
        self.client = self._open()

    def teardown(self) -> None:
        self.client.close()
        self.client.store.dispose()
        self.store.dispose()
        shutil.rmtree(self.folder, ignore_errors=True)

    @initialize(target=decisions)
    def seed(self):  # type: ignore[no-untyped-def]
        """Two finalized decisions fred owes an acknowledgment, already in his cache, so that
        offline steps have something to act on from the first step."""
        keys = []
        for assertion in ("15", "60"):
            key = self.service.create(
                "ana",
                title="Seed",
                audience=[("team", "frontend", Role.ACK)],
                assertions={KEYS[0]: assertion} if assertion == "15" else {KEYS[1]: assertion},
            ).key
            assert key
            self.service.finalize("ana", key)
            keys.append(key)
        self.settle()
        return multiple(*keys)

    # -- upstream: ana owns every decision -------------------------------------------------------

    @rule(
        target=decisions,
        audience=st.sets(st.sampled_from(AUDIENCES), min_size=1, max_size=3),
        assertion=st.tuples(st.sampled_from(KEYS), st.sampled_from(VALUES)),
    )
    def create(self, audience: set[tuple[str, str, Role]], assertion: tuple[str, str]) -> str:
        key = self.service.create(
            "ana", title="Decision", audience=sorted(audience), assertions=dict([assertion])
        ).key
        assert key
        return key

    @rule(
        key=decisions,
        assertion=st.tuples(st.sampled_from(KEYS), st.sampled_from(VALUES)),
        minor=st.booleans(),
    )
    def revise(self, key: str, assertion: tuple[str, str], minor: bool) -> None:
        try:
            if minor:
                self.service.revise(
                    "ana", key, summary="typo", minor=True, body=f"Body {len(self.popups)}"
                )
            else:
                self.service.revise("ana", key, summary="change", set_assertions=dict([assertion]))
        except InboxError:
            pass  # not allowed in this state, or nothing changed: the store said why

    @rule(key=decisions)
    def open_for_feedback(self, key: str) -> None:
        with contextlib.suppress(InboxError):
            self.service.open("ana", key, deadline=self.service.clock() + timedelta(days=2))

    @rule(key=decisions)
    def finalize(self, key: str) -> None:
        with contextlib.suppress(InboxError):
            self.service.finalize("ana", key)

    @rule(key=decisions)
    def withdraw(self, key: str) -> None:
        with contextlib.suppress(InboxError):
            self.service.withdraw("ana", key)

    # -- the person, online or not --------------------------------------------------------------

    @rule(key=decisions, current=st.booleans())
    def acknowledge(self, key: str, current: bool) -> None:
        try:
            change, _ = self.client.acknowledge(key, None if current else 1)
        except InboxError:
            return  # refused (withdrawn, draft) or unknown offline: said at once, nothing queued
        event("acknowledged online" if change else "acknowledgment queued offline")

    @rule(key=decisions, objection=st.booleans())
    def give_feedback(self, key: str, objection: bool) -> None:
        with contextlib.suppress(InboxError):
            self.client.give_feedback(key, "a thought", objection)

    @rule()
    def go_offline(self) -> None:
        self.online = False
        self._reopen()

    @rule()
    def come_back(self) -> None:
        self.online = True
        self._reopen()

    @rule()
    def restart(self) -> None:
        self._reopen()

    @rule()
    def corrupt_cache(self) -> None:
        self.client.close()
        self.paths.cache.write_bytes(b"\0garbage" * 512)
        for suffix in ("-wal", "-shm"):
            Path(str(self.paths.cache) + suffix).unlink(missing_ok=True)
        self.client.store.dispose()
        self.client = self._open()

    @precondition(lambda self: self.online)
    @rule()
    def settle(self) -> None:
        for _ in range(20):
            delta = self.client.syncer.sync()
            self._notify(delta)
            if not delta.events and not self.client.state.entries(PENDING):
                break
        with self.store.read() as session:
            truth = load_snapshot(session)
        now = self.client.syncer.clock()
        expected = compute_inbox("fred", truth, now)
        assert self.client.syncer.items(now) == expected
        assert self.client.state.entries(PENDING, SENT) == []

    def _notify(self, delta) -> None:  # type: ignore[no-untyped-def]
        saved = self.client.state.get(POLICY_KEY)
        state = PolicyState.from_json(json.loads(saved)) if saved else PolicyState()
        state, popups = decide(
            state, delta, "fred", self.client.syncer.clock(), Settings(), owned=delta.owned
        )
        self.popups += [p.id for p in popups]
        self.client.state.put(POLICY_KEY, json.dumps(state.to_json()))

    @invariant()
    def no_notification_twice(self) -> None:
        assert len(self.popups) == len(set(self.popups))


ClientModel.TestCase.settings = settings(
    max_examples=25,
    stateful_step_count=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
# The model corrupts the cache (moved aside with a warning) and queues feedback the store may
# refuse (a warning): both expected.
TestClientModel = pytest.mark.expect_log("inbox.sync.syncer", "WARNING")(
    pytest.mark.expect_log("inbox.sync.localdb", "WARNING")(pytest.mark.slow(ClientModel.TestCase))
)
