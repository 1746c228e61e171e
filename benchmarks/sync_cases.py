"""The sync cases: a first sync from nothing, one revise on a large store against a small one,
and the inbox rules over 100 000 relevant decisions."""

from __future__ import annotations

import gc
import sqlite3
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
from sqlalchemy import text

from benchmarks.common import Context, Measurement, median, ms, ratio_case
from benchmarks.stores import VARIED_TARGET, seed_initial, seed_varied
from inbox.core.delta import InboxDelta
from inbox.core.inbox import compute_inbox
from inbox.core.model import Person, Role, Snapshot
from inbox.store.connection import StoreConnection
from inbox.store.service import StoreService
from inbox.sync.client import Client
from inbox.sync.engine import EngineSettings, SyncEngine
from tests.core.builders import decision, rev
from tests.pg import create_database, drop_database, libpq_url, sqlalchemy_url

# -- initial_sync_10k ------------------------------------------------------------------------

TABLES = ("decisions", "revisions", "assertions", "audience", "acknowledgments", "feedback")


def raw_copy(pg_url: str, target: Path) -> None:
    """The floor: every row the first sync needs, read with plain psycopg, and each table put
    into a SQLite file with one ``executemany`` in one transaction."""
    with psycopg.connect(pg_url) as conn:
        rows = {t: conn.execute(f"SELECT * FROM {t}").fetchall() for t in TABLES}
    lite = sqlite3.connect(target)
    try:
        for table, data in rows.items():
            width = len(data[0]) if data else 1
            columns = ", ".join(f"c{i}" for i in range(width))
            lite.execute(f"CREATE TABLE {table} ({columns})")
            if data:
                marks = ", ".join("?" * width)
                lite.executemany(
                    f"INSERT INTO {table} VALUES ({marks})",
                    [tuple(str(v) if isinstance(v, datetime) else v for v in r) for r in data],
                )
        lite.commit()
    finally:
        lite.close()


def first_sync(url: str, folder: Path) -> None:
    """The product: a new profile (empty cache) opens the store and syncs once."""
    client = Client.open(StoreConnection.open(url), "fred", folder)
    try:
        delta = client.syncer.sync()
        assert delta.first_sync and delta.items
    finally:
        client.close()
        client.store.dispose()


def _best_of(reps: int, action: Callable[[int], None]) -> list[float]:
    samples = []
    for rep in range(reps):
        gc.collect()  # the garbage of the previous repetition is not this one's cost
        started = time.perf_counter()
        action(rep)
        samples.append(time.perf_counter() - started)
    return samples


def initial_sync_10k(ctx: Context) -> list[Measurement]:
    n = ctx.size(10_000, 500)
    reps = ctx.size(3, 1)
    name = create_database(ctx.pg_admin, prefix="di_bench_")
    folder = ctx.folder("initial_sync")
    try:
        url = sqlalchemy_url(ctx.pg_admin, name)
        started = time.perf_counter()
        seed_initial(url, n)
        ctx.log(f"  seeded {n} decisions in {time.perf_counter() - started:.1f} s")
        floor = _best_of(reps, lambda r: raw_copy(libpq_url(url), folder / f"raw-{r}.sqlite"))
        product = _best_of(reps, lambda r: first_sync(url, folder / f"client-{r}"))
    finally:
        drop_database(ctx.pg_admin, name)
    return [
        ratio_case(
            "initial_sync_10k",
            ms(median(product)),
            ms(median(floor)),
            2,
            unit="ms",
            decisions=n,
            reps=reps,
        )
    ]


# -- incremental_sync_scaling ------------------------------------------------------------------


def revise_latencies(n: int, reps: int, folder: Path, log: Callable[[str], None]) -> list[float]:
    """A running engine for fred on a SQLite store of ``n`` decisions; each sample is one
    revise by ana → the engine's delta holds the item at its new revision."""
    url = f"sqlite:///{folder / f'store-{n}.db'}"
    started = time.monotonic()
    store = seed_varied(url, n)
    log(f"  {n:>7} decisions seeded in {time.monotonic() - started:.1f} s")
    service = StoreService(store)
    client = Client.open(StoreConnection.open(url), "fred", folder / f"client-{n}")
    wanted: list[int | None] = [None]
    arrived = threading.Event()
    rounds = threading.Event()

    def on_delta(delta: InboxDelta) -> None:
        rounds.set()
        revision = wanted[0]
        for item in (*delta.changed, *delta.added):
            if revision is not None and item.key == VARIED_TARGET and item.revision == revision:
                arrived.set()

    engine = SyncEngine(
        client.store, client.syncer, on_delta=on_delta, settings=EngineSettings(poll_interval=0.01)
    )
    thread = threading.Thread(target=engine.run, daemon=True)
    thread.start()
    samples = []
    try:
        if not rounds.wait(600):
            raise RuntimeError(f"the engine never finished its first round at {n} decisions")
        for rep in range(reps):
            arrived.clear()
            with store.read() as session:
                current = session.execute(
                    text("SELECT current_revision FROM decisions WHERE key = :k"),
                    {"k": VARIED_TARGET},
                ).scalar_one()
            wanted[0] = current + 1
            started = time.monotonic()
            service.revise(
                "ana",
                VARIED_TARGET,
                summary=f"Revision {rep}",
                body=f"A new body, take {rep}.\n",
                set_assertions={"svc3.limit": str(100 + rep)},
            )
            engine.sync_now()
            if not arrived.wait(120):
                raise RuntimeError(f"the revised item never arrived at {n} decisions")
            samples.append(time.monotonic() - started)
    finally:
        engine.stop()
        thread.join(30)
        client.close()
        client.store.dispose()
        store.dispose()
    return samples


def incremental_sync_scaling(ctx: Context) -> list[Measurement]:
    small, large = ctx.size(1_000, 100), ctx.size(100_000, 2_000)
    reps = ctx.size(7, 3)
    folder = ctx.folder("incremental")
    at_small = revise_latencies(small, reps, folder, ctx.log)
    at_large = revise_latencies(large, reps, folder, ctx.log)
    return [
        ratio_case(
            "incremental_sync_scaling",
            ms(median(at_large)),
            ms(median(at_small)),
            1.3,
            small=small,
            large=large,
            reps=reps,
        )
    ]


# -- inbox_rules_100k --------------------------------------------------------------------------

NOW = datetime(2026, 11, 28, 12, tzinfo=UTC)


def relevant_snapshot(n: int) -> Snapshot:
    """``n`` decisions, every one relevant to fred: the frontend asked to acknowledge (a third
    acknowledged by fred at r1, of which half have a material r2 since), every 10th open and
    consulting fred, every 7th fred's own; assertions in conflicting groups of four."""
    decisions = []
    for k in range(1, n + 1):
        assertions = {f"svc{k // 4}.limit": str(k % 2)}
        revisions = [rev(1, f"Decision {k}", "Body.\n", assertions)]
        if k % 6 == 0:
            revisions.append(rev(2, f"Decision {k}", "Body, changed.\n", assertions))
        state = "open" if k % 10 == 1 else "finalized"
        decisions.append(
            decision(
                f"D-{k}",
                owner="fred" if k % 7 == 0 else "ana",
                state=state,
                revisions=revisions,
                ack=["team:frontend"],
                consult=["person:fred"] if state == "open" else [],
                acks=[("fred", 1)] if k % 3 == 0 else [],
                deadline=NOW + timedelta(days=(k % 9) - 4) if state == "open" else None,
            )
        )
    people = {
        "ana": Person("ana", "Ana", frozenset({"backend"})),
        "fred": Person("fred", "Fred", frozenset({"frontend"})),
    }
    return Snapshot(tuple(decisions), people)


def plain_pass(user: str, team: str, snapshot: Snapshot) -> list[tuple[str, str]]:
    """The floor: one loop over the same decisions, asking each the least the rules ask (is
    the user's team in the audience, which revision did the user acknowledge)."""
    out = []
    for d in snapshot.decisions:
        if d.owner == user:
            continue
        if any(a.name == team or a.name == user for a in d.audience):
            acked = 0
            for a in d.acknowledgments:
                if a.person == user and a.revision > acked:
                    acked = a.revision
            if acked < d.revisions[-1].number:
                out.append((d.key, "needs_ack" if not acked else "changed"))
    return out


def inbox_rules_100k(ctx: Context) -> list[Measurement]:
    n = ctx.size(100_000, 5_000)
    reps = ctx.size(5, 3)
    snapshot = relevant_snapshot(n)
    assert all(Role.ACK in {a.role for a in d.audience} for d in snapshot.decisions[:3])
    plain_pass("fred", "frontend", snapshot)  # warm-up, both sides: caches, lazy imports
    compute_inbox("fred", snapshot, NOW)
    floor = _best_of(reps, lambda _r: plain_pass("fred", "frontend", snapshot))
    items: list[int] = []
    product = _best_of(reps, lambda _r: items.append(len(compute_inbox("fred", snapshot, NOW))))
    return [
        ratio_case(
            "inbox_rules_100k",
            ms(median(product)),
            ms(median(floor)),
            5,
            decisions=n,
            items=items[-1],
            reps=reps,
        )
    ]
