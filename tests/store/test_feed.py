"""The change feed read by cursor: every committed event exactly once, in commit order.

On PostgreSQL this is the property the snapshot cursor exists for: a naive ``seq > cursor``
reader loses rows whose transaction commits after a later seq is visible, and a reader that
waits for the oldest running transaction is held back by any transaction on the server.
"""

from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass, field

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from inbox.core.errors import InboxError
from inbox.core.model import Event, Role
from inbox.store import feed
from inbox.store.connection import StoreConnection
from inbox.store.service import StoreService
from tests.store.blocker import Blocker
from tests.store.helpers import open_store

WRITERS = 8


def read_all(store: StoreConnection, cursor: str, limit: int = 1000) -> tuple[list[Event], str]:
    events: list[Event] = []
    while True:
        with store.engine.connect() as connection:
            page = feed.read(connection, cursor, limit)
        if not page.events:
            return events, cursor
        events.extend(page.events)
        cursor = page.cursor


def test_cursor_pages_through_the_feed_without_gaps_or_repeats(store_url: str) -> None:
    store, service = open_store(store_url)
    try:
        for n in range(5):
            service.create("ana", title=f"Decision {n}")
        everything, end = read_all(store, feed.START, limit=1000)
        paged, end2 = read_all(store, feed.START, limit=3)
        assert [e.seq for e in paged] == [e.seq for e in everything]
        assert [e.kind for e in everything].count("created") == 5
        assert end == end2
        assert read_all(store, end)[0] == []
        service.finalize("ana", "D-1")
        newer, _ = read_all(store, end)
        assert [(e.kind, e.decision) for e in newer] == [("finalized", "D-1")]
    finally:
        store.dispose()


@pytest.mark.postgres
def test_postgres_rows_committed_out_of_seq_order_are_read_once_each(
    pg_url: str, blocker: Blocker
) -> None:
    """The lost-row bug: a slow transaction takes a seq, a fast one commits a larger seq. The
    fast row is read at once (not held back by the slow one, nor by the blocker in another
    database), the slow one as soon as it commits, and neither again."""
    store, service = open_store(pg_url)
    try:
        _, cursor = read_all(store, feed.START)
        with store.engine.connect() as slow:
            slow.execute(
                text(
                    "INSERT INTO change_log (kind, actor, at, data) "
                    "VALUES ('slow', 'ana', now(), '{}')"
                )
            )
            service.create("ana", title="Fast")  # commits while the slow one is open
            fast, cursor = read_all(store, cursor)
            assert [e.kind for e in fast] == ["created"]
            assert read_all(store, cursor)[0] == []
            slow.commit()
        late, cursor = read_all(store, cursor)
        assert [e.kind for e in late] == ["slow"]
        assert late[0].seq < fast[0].seq
        assert read_all(store, cursor)[0] == []
    finally:
        store.dispose()


@pytest.mark.postgres
def test_postgres_pages_of_one_window_ignore_commits_made_between_them(pg_url: str) -> None:
    """Paging stays in the snapshot the window began with: a row committed between two pages
    comes after the window, not inside it, and the cursor leaves the window after its last
    page only."""
    store, service = open_store(pg_url)
    try:
        _, cursor = read_all(store, feed.START)
        for n in range(3):
            service.create("ana", title=f"Decision {n}")
        with store.engine.connect() as connection:
            first = feed.read(connection, cursor, limit=2)
        assert len(first.events) == 2 and first.cursor.count("/") == 2
        service.create("ana", title="Between the pages")
        with store.engine.connect() as connection:
            second = feed.read(connection, first.cursor, limit=2)
        assert len(second.events) == 1 and "/" not in second.cursor
        third, end = read_all(store, second.cursor)
        assert [e.data.get("title") for e in third] == ["Between the pages"]
        seqs = [e.seq for e in (*first.events, *second.events, *third)]
        assert seqs == sorted(set(seqs)) and len(seqs) == 4
        assert read_all(store, end)[0] == []
    finally:
        store.dispose()


@pytest.mark.postgres
def test_postgres_full_load_cursor_is_past_everything_committed(pg_url: str) -> None:
    """``end()`` is a snapshot: nothing committed before it is read after it, even behind a
    transaction that was open when it was taken."""
    store, service = open_store(pg_url)
    try:
        with store.engine.connect() as slow:
            slow.execute(
                text(
                    "INSERT INTO change_log (kind, actor, at, data) "
                    "VALUES ('slow', 'ana', now(), '{}')"
                )
            )
            service.create("ana", title="Before the end")
            end = store.feed_end()
            slow.commit()
        after, _ = read_all(store, end)
        assert [e.kind for e in after] == ["slow"]
    finally:
        store.dispose()


def test_a_cursor_of_another_kind_is_refused_with_a_sentence(store_url: str) -> None:
    store, _ = open_store(store_url)
    try:
        wrong = "123:45" if store.dialect == "postgresql" else "1:2:"
        with pytest.raises(InboxError, match="cursor") as raised, store.engine.connect() as c:
            feed.read(c, wrong)
        assert "\n" not in raised.value.message
    finally:
        store.dispose()


@dataclass
class Writer:
    """One thread's writes with the wall-clock window each commit happened in."""

    handle: str
    windows: list[tuple[float, float, str | None, tuple[str, ...]]] = field(default_factory=list)


def _write_stream(
    service: StoreService, writer: Writer, ops: list[str], shared: list[str], rng: random.Random
) -> None:
    own: list[str] = []
    for op in ops:
        start = time.monotonic()
        try:
            if op == "create" or (not own and op in ("revise", "finalize")):
                change = service.create(
                    writer.handle, title=f"{writer.handle} {len(own)}", assertions={"k": "0"}
                )
                assert change.key
                own.append(change.key)
            elif op == "revise":
                key = rng.choice(own)
                change = service.revise(
                    writer.handle, key, summary="s", set_assertions={"k": str(rng.random())}
                )
            elif op == "finalize":
                change = service.finalize(writer.handle, own[-1])
            else:
                change = service.acknowledge(writer.handle, rng.choice(shared))
        except InboxError:
            continue  # e.g. finalizing twice: refused, writes nothing, which the check covers
        writer.windows.append((start, time.monotonic(), change.key, change.events))


@given(
    ops=st.lists(
        st.lists(st.sampled_from(["create", "revise", "finalize", "ack"]), min_size=3, max_size=12),
        min_size=WRITERS,
        max_size=WRITERS,
    ),
    seed=st.integers(0, 2**16),
)
@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_concurrent_writers_every_event_once_in_commit_order(
    store_url: str, blocker: Blocker | None, ops: list[list[str]], seed: int
) -> None:
    """Eight writers and a reader paging five events at a time; on PostgreSQL a ninth session
    holds a transaction open in another database all along, which must delay nothing."""
    store = StoreConnection.open(store_url)
    store.initialise()
    service = StoreService(store)
    try:
        _setup_directory(service)
        shared = ["D-1", "D-2"]
        _, cursor = read_all(store, feed.START)
        begin = cursor
        writers = [Writer(f"w{n}") for n in range(WRITERS)]
        read: list[Event] = []
        done = threading.Event()

        def reader() -> None:
            nonlocal cursor
            while not done.is_set():
                events, cursor = read_all(store, cursor, limit=5)
                read.extend(events)
                time.sleep(0.002)  # paces the reader beside the writers, on purpose

        reader_thread = threading.Thread(target=reader)
        reader_thread.start()
        threads = [
            threading.Thread(
                target=_write_stream, args=(service, w, ops[n], shared, random.Random(seed + n))
            )
            for n, w in enumerate(writers)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        done.set()
        reader_thread.join(60)
        tail, _ = read_all(store, cursor)
        read.extend(tail)

        with store.engine.connect() as connection:
            committed = feed.read(connection, begin, 100_000).events
        # Exactly once. Not in seq order: a row committed late comes in a later window.
        assert sorted(e.seq for e in read) == [e.seq for e in committed]
        assert len({e.seq for e in read}) == len(read)
        expected = sum(len(events) for w in writers for *_, events in w.windows)
        assert len(read) == expected  # nothing lost, nothing extra
        _assert_commit_order(read, writers)
    finally:
        store.dispose()


def _setup_directory(service: StoreService) -> None:
    if service.store.version() and _has(service, "w0"):
        return
    service.add_team("team")
    service.add_person("ana", name="Ana", teams=["team"])
    for n in range(WRITERS):
        service.add_person(f"w{n}", name=f"Writer {n}", teams=["team"])
    for title in ("Shared one", "Shared two"):
        key = service.create("ana", title=title, audience=[("team", "team", Role.ACK)]).key
        assert key
        service.finalize("ana", key)


def _has(service: StoreService, handle: str) -> bool:
    with service.store.read() as session:
        return bool(
            session.execute(text("SELECT 1 FROM people WHERE handle = :h"), {"h": handle}).first()
        )


def _assert_commit_order(read: list[Event], writers: list[Writer]) -> None:
    """Each thread's writes appear in the order it made them, and a write that committed
    before another began is read before it."""
    position = {e.seq: i for i, e in enumerate(read)}
    by_actor: dict[str, list[int]] = {}
    for e in read:
        by_actor.setdefault(e.actor, []).append(position[e.seq])
    for positions in by_actor.values():
        assert positions == sorted(positions)
    spans: list[tuple[float, float, int, int]] = []
    cursor_by_actor = {
        w.handle: [i for i, e in enumerate(read) if e.actor == w.handle] for w in writers
    }
    for w in writers:
        mine = iter(cursor_by_actor[w.handle])
        for start, end, _key, events in w.windows:
            indexes = [next(mine) for _ in events]
            if indexes:
                spans.append((start, end, min(indexes), max(indexes)))
    for _a_start, a_end, _a_first, a_last in spans:
        for b_start, _b_end, b_first, _b_last in spans:
            if a_end < b_start:
                assert a_last < b_first


@pytest.mark.postgres
def test_postgres_transaction_ids_compare_as_numbers(pg_url: str) -> None:
    """Regression: ordering by the text form of txid put '10' before '9' (seen at 999 → 1000).
    Now no text order is left: small ids across a digit boundary are read once, in seq order,
    and the cursor after them is a snapshot past all of them."""
    store = StoreConnection.open(pg_url)
    store.initialise()
    try:
        with store.engine.begin() as connection:
            for txid in (10, 9, 100):
                connection.execute(
                    text(
                        "INSERT INTO change_log (txid, kind, actor, at, data) "
                        "VALUES (CAST(:txid AS xid8), :kind, 'ana', now(), '{}')"
                    ),
                    {"txid": str(txid), "kind": f"k{txid}"},
                )
        events, cursor = read_all(store, feed.START, limit=1)
        assert [e.kind for e in events] == ["k10", "k9", "k100"]
        xmin = int(cursor.split(":")[0])
        assert xmin > 100
        assert read_all(store, cursor)[0] == []
        assert read_all(store, store.feed_end())[0] == []
    finally:
        store.dispose()
