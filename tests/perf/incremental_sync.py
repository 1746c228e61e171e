"""One revise applied by a running engine, at 1 000 and at 100 000 decisions (issue 12, item 2).

    .venv/bin/python tests/perf/incremental_sync.py [--sizes 1000 100000] [--reps 5]

For each size: seed a SQLite store with bulk SQL (a varied inbox for fred: acknowledgments owed,
changes since an acknowledgment with body diffs, feedback requested, owned decisions awaiting
acknowledgments, conflicting assertions in groups of four), start a sync engine for fred and let
it load the store, then revise one decision fred acknowledged (body and an assertion) and time
from the revise call until the engine's delta callback hands over the item at its new revision.
Prints the median of ``--reps`` revises per size and the ratio of the largest size to the
smallest; the target is a ratio of at most 1.3. Not part of the normal test run.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

from sqlalchemy import text

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from inbox.core.delta import InboxDelta
from inbox.store.connection import StoreConnection
from inbox.sync.client import Client
from inbox.sync.engine import EngineSettings, SyncEngine
from tests.store.helpers import open_store

T0 = "2026-01-01 00:00:00.000000"
LATER = "2026-01-02 00:00:00.000000"
DEADLINE = "2099-01-01 00:00:00.000000"
BODY = "'Context line one.\nContext line two for ' || g.n || '.\nA third line.\n'"

# Numbers: every 3rd decision asks the frontend (fred's team) to acknowledge, fred acknowledged
# every 6th at r1, every 4th has a material r2 with a changed body (so every 12th is "changed
# since you acknowledged"), every 5th (+1) is open and consults fred, every 7th is fred's own, and
# every decision asserts svc<n/4>.limit with alternating values (groups of four conflicting).
SEED = [
    "INSERT INTO decisions (number, key, owner, team, state, current_revision, version, "
    "created_at) WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < :n) "
    "SELECT g.n, 'D-' || g.n, CASE WHEN g.n % 7 = 0 THEN 'fred' ELSE 'ana' END, 'backend', "
    "CASE WHEN g.n % 5 = 1 THEN 'open' ELSE 'finalized' END, "
    f"CASE WHEN g.n % 4 = 0 THEN 2 ELSE 1 END, 1, '{T0}' FROM g",
    "UPDATE decisions SET deadline = :deadline WHERE state = 'open'",
    "INSERT INTO revisions (decision_id, number, title, body, summary, minor, author, created_at) "
    f"SELECT d.id, 1, 'Decision ' || d.number, {BODY.replace('g.n', 'd.number')}, 'Created', 0, "
    f"d.owner, '{T0}' FROM decisions d",
    "INSERT INTO revisions (decision_id, number, title, body, summary, minor, author, created_at) "
    f"SELECT d.id, 2, 'Decision ' || d.number, "
    f"{BODY.replace('g.n', 'd.number')} || 'A fourth line.\n', 'Longer', 0, d.owner, '{LATER}' "
    "FROM decisions d WHERE d.number % 4 = 0",
    "INSERT INTO assertions (revision_id, key, value) SELECT r.id, "
    "'svc' || (d.number / 4) || '.limit', CAST(d.number % 2 AS TEXT) "
    "FROM revisions r JOIN decisions d ON d.id = r.decision_id",
    "INSERT INTO audience (decision_id, team, person, role) "
    "SELECT id, 'frontend', NULL, 'ack' FROM decisions WHERE number % 3 = 0",
    "INSERT INTO audience (decision_id, team, person, role) "
    "SELECT id, NULL, 'fred', 'consult' FROM decisions WHERE number % 5 = 1",
    "INSERT INTO acknowledgments (id, decision_id, revision, person, at) "
    f"SELECT 'ack-' || id, id, 1, 'fred', '{T0}' FROM decisions WHERE number % 6 = 0",
]
TARGET = "D-12"  # ana's, fred acknowledged r1, r2 changed since: a "changed since" item


def seed(url: str, n: int) -> StoreConnection:
    store, service = open_store(url)
    service.add_person("bo", name="Bo", teams=["frontend"])
    with store.engine.connect() as connection:
        for statement in SEED:
            connection.execute(text(statement), {"n": n, "deadline": DEADLINE})
        connection.commit()
    return store


def measure(n: int, reps: int, folder: Path) -> list[float]:
    url = f"sqlite:///{folder / f'store-{n}.db'}"
    started = time.monotonic()
    store = seed(url, n)
    print(f"{n:>7} decisions seeded in {time.monotonic() - started:.1f} s", flush=True)
    from inbox.store.service import StoreService

    service = StoreService(store)
    client = Client.open(StoreConnection.open(url), "fred", folder / f"client-{n}")
    wanted: list[int | None] = [None]
    arrived = threading.Event()
    rounds = threading.Event()

    def on_delta(delta: InboxDelta) -> None:
        rounds.set()
        revision = wanted[0]
        if revision is None:
            return
        for item in (*delta.changed, *delta.added):
            if item.key == TARGET and item.revision == revision:
                arrived.set()

    engine = SyncEngine(
        client.store, client.syncer, on_delta=on_delta, settings=EngineSettings(poll_interval=0.01)
    )
    thread = threading.Thread(target=engine.run, daemon=True)
    started = time.monotonic()
    thread.start()
    if not rounds.wait(600):
        raise SystemExit(f"the engine never finished its first round at {n} decisions")
    print(f"{n:>7} decisions: first sync {time.monotonic() - started:.1f} s", flush=True)
    samples = []
    try:
        for rep in range(reps):
            arrived.clear()
            with store.read() as session:
                current = session.execute(
                    text("SELECT current_revision FROM decisions WHERE key = :k"), {"k": TARGET}
                ).scalar_one()
            wanted[0] = current + 1
            started = time.monotonic()
            service.revise(
                "ana",
                TARGET,
                summary=f"Revision {rep}",
                body=f"A new body, take {rep}.\n",
                set_assertions={"svc3.limit": str(100 + rep)},
            )
            engine.sync_now()
            if not arrived.wait(120):
                raise SystemExit(f"the revised item never arrived at {n} decisions")
            samples.append(time.monotonic() - started)
    finally:
        engine.stop()
        thread.join(30)
        client.close()
        client.store.dispose()
        store.dispose()
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 100_000])
    parser.add_argument("--reps", type=int, default=5)
    args = parser.parse_args()
    medians = {}
    with tempfile.TemporaryDirectory() as folder:
        for n in args.sizes:
            samples = measure(n, args.reps, Path(folder))
            medians[n] = statistics.median(samples)
            shown = ", ".join(f"{s * 1000:.0f}" for s in samples)
            print(f"{n:>7} decisions: median {medians[n] * 1000:8.1f} ms  ({shown} ms)", flush=True)
    small, large = min(medians), max(medians)
    print(
        f"ratio {large} / {small}: {medians[large] / medians[small]:.2f}× (target ≤ 1.3×)",
        flush=True,
    )


if __name__ == "__main__":
    main()
