"""Eight writers and three clients at once.

Writers w0..w7 share one StoreConnection and make random creates, revisions, opens, finalizes,
acknowledgments, feedback and team joins; fred, mallory and fiona each run a client that syncs
over and over on its own thread meanwhile. When the writers are done and every client has caught
up, each client's cache equals the store, its inbox equals the inbox computed from the store, and
the events its syncs reported are the store's feed from where it started: each event once, in
commit order.
"""

from __future__ import annotations

import os
import random
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import pytest

from inbox.core.errors import InboxError
from inbox.core.inbox import compute_inbox
from inbox.core.model import Event, Role
from inbox.core.scope import kept_of
from inbox.store.connection import StoreConnection
from inbox.store.reader import load_snapshot
from inbox.store.service import StoreService
from inbox.sync.client import Client
from tests.store.helpers import open_store
from tests.store.test_feed import Writer, _assert_commit_order, read_all

pytestmark = pytest.mark.slow

WRITERS = 8
OPS = 60  # per writer
CLIENTS = ("fred", "mallory", "fiona")
# Refusals by the lifecycle and field rules: they come before anything is written.
RULE_REFUSALS = ("LifecycleError", "ValidationError", "FieldError", "NotFoundError")
AUDIENCES = [
    [("team", "frontend", Role.ACK)],
    [("team", "backend", Role.ACK)],
    [("team", "frontend", Role.CONSULT), ("person", "fred", Role.ACK)],
    [("team", "frontend", Role.INFORM), ("team", "backend", Role.CONSULT)],
    [("person", "mallory", Role.ACK), ("person", "fiona", Role.CONSULT)],
]


@dataclass
class Reader:
    """One client and what its syncs reported."""

    client: Client
    start: str
    events: list[Event] = field(default_factory=list)
    syncs: int = 0
    errors: list[BaseException] = field(default_factory=list)


@pytest.fixture
def clients() -> Iterator[list[Client]]:
    """The clients a test opened, closed afterwards whatever happened."""
    opened: list[Client] = []
    yield opened
    for client in opened:
        client.close()
        client.store.dispose()


@pytest.fixture
def world(store_url: str) -> Iterator[tuple[StoreConnection, StoreService]]:
    store, service = open_store(store_url)
    service.add_person("fiona", name="Fiona", teams=["frontend"])
    for n in range(WRITERS):
        service.add_person(f"w{n}", name=f"Writer {n}", teams=["backend" if n % 2 else "frontend"])
    yield store, service
    store.dispose()


def test_eight_writers_three_clients_every_cache_ends_equal_and_every_event_seen_once(
    world: tuple[StoreConnection, StoreService],
    clients: list[Client],
    store_url: str,
    tmp_path: Path,
) -> None:
    store, service = world
    seed = int(os.environ.get("DECISION_INBOX_CONCURRENCY_SEED") or random.randrange(2**32))
    print(f"concurrency test seed: {seed} (DECISION_INBOX_CONCURRENCY_SEED={seed} to rerun it)")
    why = f"(seed {seed})"
    shared: list[str] = []
    shared_lock = threading.Lock()
    writers = [Writer(f"w{n}") for n in range(WRITERS)]
    failures: list[BaseException] = []
    refused: list[tuple[str, str, str, str]] = []

    # Each client starts from a full load; its cursor is where its feed begins.
    readers = []
    for n, user in enumerate(CLIENTS):
        client = Client.open(StoreConnection.open(store_url), user, tmp_path / f"c{n}")
        clients.append(client)
        assert client.syncer.sync().first_sync
        assert client.cache.cursor is not None
        readers.append(Reader(client, client.cache.cursor))

    done = threading.Event()

    def sync_loop(reader: Reader, rng: random.Random) -> None:
        while not done.is_set():
            try:
                delta = reader.client.syncer.sync()
            except BaseException as exc:
                reader.errors.append(exc)
                return
            reader.events.extend(delta.events)
            reader.syncs += 1
            time.sleep(rng.uniform(0, 0.01))  # paces the reader at a random rate, on purpose

    def write_loop(writer: Writer, rng: random.Random) -> None:
        try:
            _write_stream(service, writer, rng, shared, shared_lock, refused)
        except BaseException as exc:
            failures.append(exc)

    syncing = [
        threading.Thread(target=sync_loop, args=(r, random.Random(seed - n)), daemon=True)
        for n, r in enumerate(readers)
    ]
    writing = [
        threading.Thread(target=write_loop, args=(w, random.Random(seed + n)), daemon=True)
        for n, w in enumerate(writers)
    ]
    started = time.monotonic()
    for t in syncing + writing:
        t.start()
    for t in writing:
        t.join(180)
    done.set()
    for t in syncing:
        t.join(60)
    assert not any(t.is_alive() for t in syncing + writing), why
    assert not failures, f"{failures!r} {why}"
    for reader in readers:
        assert not reader.errors, f"{reader.client.user}: {reader.errors!r} {why}"

    for reader in readers:
        for _ in range(100):
            delta = reader.client.syncer.sync()
            reader.events.extend(delta.events)
            if not delta.events:
                break
        else:
            raise AssertionError(f"{reader.client.user} never caught up {why}")
    elapsed = time.monotonic() - started

    with store.read() as session:
        snapshot = load_snapshot(session)
    now = service.clock()
    feed_events, _ = read_all(store, readers[0].start)
    sizes = []
    for reader in readers:
        client, user = reader.client, reader.client.user
        cached = client.cache.snapshot()
        # The user's scope whole, the other live decisions as their index (inbox.core.scope).
        kept = kept_of(snapshot, user)
        assert {d.key: d for d in cached.decisions} == {d.key: d for d in kept}, (
            f"{user}'s cache differs from the store {why}"
        )
        assert [d.key for d in cached.decisions] == [d.key for d in kept], why
        assert dict(cached.people) == dict(snapshot.people), why
        assert client.state.entries() == [], why
        assert client.syncer.items(now) == compute_inbox(user, snapshot, now), (
            f"{user}'s inbox differs from the store's {why}"
        )
        committed, _ = read_all(store, reader.start)
        seqs = [e.seq for e in reader.events]
        assert len(set(seqs)) == len(seqs), f"{user} saw an event twice {why}"
        # Once each; a row committed late comes after rows of larger seq (the commit order is
        # checked below), so compare in seq order.
        in_seq_order = sorted(reader.events, key=lambda e: e.seq)
        assert in_seq_order == committed, f"{user} did not see the feed once {why}"
        _assert_commit_order(reader.events, writers)
        sizes.append(f"{user} {len(compute_inbox(user, snapshot, now))}")
    written = sum(len(events) for w in writers for *_, events in w.windows)
    # The feed holds exactly what the writers wrote. Every write is one transaction of one
    # statement (a database function on PostgreSQL), nothing retries it, and nothing after its
    # COMMIT can raise (the wake-up hint swallows its own failures), so a refused write has
    # written nothing; only a COMMIT whose answer was lost with its connection could differ.
    # When the counts differ, say which events no writer was told about and what the writers
    # were told instead, so a write that committed but was reported failed shows itself.
    assert len(feed_events) == written, _unrecorded(feed_events, writers, refused, why)
    print(
        f"seed {seed}: {len(snapshot.decisions)} decisions, {written} events by {WRITERS} "
        f"writers in {elapsed:.1f} s; syncs per client "
        f"{', '.join(f'{r.client.user} {r.syncs}' for r in readers)}; inbox sizes "
        f"{', '.join(sizes)}"
    )


def _unrecorded(
    feed_events: list[Event],
    writers: list[Writer],
    refused: list[tuple[str, str, str, str]],
    why: str,
) -> str:
    recorded = Counter((w.handle, key) for w in writers for *_, key, ev in w.windows for _ in ev)
    in_feed = Counter((e.actor, e.decision) for e in feed_events)
    not_rules = [r for r in refused if r[2] not in RULE_REFUSALS]
    return (
        f"feed {len(feed_events)} events, writers recorded {sum(recorded.values())}; in the feed "
        f"only: {dict(in_feed - recorded)}; recorded only: {dict(recorded - in_feed)}; refusals "
        f"not by the rules: {not_rules} {why}"
    )


def _write_stream(
    service: StoreService,
    writer: Writer,
    rng: random.Random,
    shared: list[str],
    shared_lock: threading.Lock,
    refused: list[tuple[str, str, str, str]],
) -> None:
    """OPS random writes; refused ones (finalizing twice, acknowledging a draft, feedback on a
    finalized decision) write nothing, and only the accepted ones are recorded with their
    commit window."""
    own: list[str] = []
    ops = ["create", "revise", "open", "finalize", "ack", "feedback", "join"]
    weights = [4, 3, 2, 3, 5, 3, 1]
    for _ in range(OPS):
        time.sleep(rng.uniform(0, 0.01))  # room for the clients' syncs to interleave
        op = rng.choices(ops, weights)[0]
        with shared_lock:
            others = list(shared)
        start = time.monotonic()
        try:
            if op == "create" or (not own and op in ("revise", "open", "finalize")):
                change = service.create(
                    writer.handle,
                    title=f"{writer.handle} decision {len(own)}",
                    audience=rng.choice(AUDIENCES),
                    assertions={f"api.limit{rng.randrange(3)}": str(rng.randrange(3))},
                )
                assert change.key
                own.append(change.key)
                with shared_lock:
                    shared.append(change.key)
            elif op == "revise":
                change = service.revise(
                    writer.handle,
                    rng.choice(own),
                    summary="new value",
                    set_assertions={f"api.limit{rng.randrange(3)}": str(rng.randrange(9))},
                )
            elif op == "open":
                change = service.open(
                    writer.handle,
                    rng.choice(own),
                    deadline=service.clock() + timedelta(hours=rng.uniform(0.5, 72)),
                )
            elif op == "finalize":
                change = service.finalize(writer.handle, rng.choice(own))
            elif op == "ack" and others:
                change = service.acknowledge(writer.handle, rng.choice(others))
            elif op == "feedback" and others:
                change = service.give_feedback(
                    writer.handle,
                    rng.choice(others),
                    body=f"{writer.handle} thinks so",
                    objection=rng.random() < 0.3,
                )
            elif op == "join":
                change = service.add_person(
                    writer.handle,
                    name=writer.handle,
                    teams=["backend", "frontend"],
                    actor=writer.handle,
                )
            else:
                continue
        except InboxError as exc:
            refused.append((writer.handle, op, type(exc).__name__, str(exc)))
            continue
        writer.windows.append((start, time.monotonic(), change.key, change.events))
