"""Propagation: ana finalizes a decision → fred's ``decision-inbox watch`` (another process,
its sync engine running) hands the event to its notification callback, which prints the line.

The time runs from the moment ``finalize`` returns (its transaction committed) until the line
arrives on the pipe. Floors: a raw psycopg NOTIFY round trip between two connections of the same
server (PostgreSQL), and the poll interval (SQLite, where a change is seen by polling).
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import psycopg

from benchmarks.common import Context, Measurement, median, ms, percentile
from inbox.core.model import Role
from inbox.sync.engine import EngineSettings
from tests.pg import create_database, drop_database, libpq_url, sqlalchemy_url
from tests.processes import Watch
from tests.store.helpers import open_store


def notify_round_trips(url: str, trials: int) -> list[float]:
    """The floor: pg_notify on one autocommit connection → the LISTENing other one has it."""
    listener = psycopg.connect(url, autocommit=True)
    sender = psycopg.connect(url, autocommit=True)
    listener.execute("LISTEN bench_probe")
    samples = []
    try:
        for n in range(trials):
            got = threading.Event()

            def wait(got: threading.Event = got) -> None:
                for _ in listener.notifies(timeout=5, stop_after=1):
                    got.set()

            reader = threading.Thread(target=wait)
            reader.start()
            time.sleep(0.005)  # the reader is inside notifies() before the send
            start = time.monotonic()
            sender.execute("SELECT pg_notify('bench_probe', %s)", (str(n),))
            got.wait(5)
            samples.append(time.monotonic() - start)
            reader.join()
    finally:
        listener.close()
        sender.close()
    return samples


def watch_trials(store_url: str, trials: int, profile: Path) -> list[float]:
    """finalize → watch's printed line, ``trials`` times, one new decision each."""
    store, service = open_store(store_url)
    watch = Watch(store_url, "fred", profile=str(profile))
    samples = []
    try:
        watch.wait_status("online", timeout=60)
        watch.drain(0.5)
        for n in range(trials):
            key = service.create(
                "ana", title=f"Bench {n}", audience=[("team", "frontend", Role.ACK)]
            ).key
            assert key
            service.finalize("ana", key)
            start = time.monotonic()
            got = watch.next_line(10)
            if got is None or got[1].get("key") != key:
                raise RuntimeError(f"watch did not report {key} within 10 s: {got}")
            samples.append(got[0] - start)
    finally:
        watch.stop()
        store.dispose()
    return samples


def _pg_result(name: str, samples: list[float], floor: list[float]) -> dict[str, float]:
    return {
        "p50": median(samples),
        "p99": percentile(samples, 99),
        "floor_p50": median(floor),
        "floor_p99": percentile(floor, 99),
    }


def propagation_pg(ctx: Context) -> list[Measurement]:
    trials = ctx.size(200, 10)
    name = create_database(ctx.pg_admin, prefix="di_bench_")
    try:
        floor = notify_round_trips(libpq_url(ctx.pg_admin, name), trials)
        samples = watch_trials(
            sqlalchemy_url(ctx.pg_admin, name), trials, ctx.folder("propagation_pg")
        )
    finally:
        drop_database(ctx.pg_admin, name)
    r = _pg_result("propagation_pg", samples, floor)
    p50_ratio, p99_ratio = r["p50"] / r["floor_p50"], r["p99"] / r["floor_p99"]
    return [
        Measurement(
            "propagation_pg",
            ms(r["p50"]),
            "ms",
            15,
            "p50 ≤ 15×, p99 ≤ 50×",
            p50_ratio <= 15 and p99_ratio <= 50,
            floor=ms(r["floor_p50"]),
            ratio=p50_ratio,
            extra={
                "p99": ms(r["p99"]),
                "floor_p99": ms(r["floor_p99"]),
                "ratio_p99": p99_ratio,
                "target_p99": 50,
                "trials": trials,
                "max": ms(max(samples)),
            },
        )
    ]


def propagation_pg_blocked(ctx: Context) -> list[Measurement]:
    """As propagation_pg while another session holds a transaction with an xid open, in another
    database of the same server: every snapshot's xmin stays behind it."""
    base = ctx.results.get("propagation_pg")
    if base is None:
        raise RuntimeError("propagation_pg_blocked needs propagation_pg measured first")
    trials = ctx.size(200, 10)
    blocker_db = create_database(ctx.pg_admin, prefix="di_bench_blocker_")
    name = create_database(ctx.pg_admin, prefix="di_bench_")
    blocker = psycopg.connect(libpq_url(ctx.pg_admin, blocker_db))
    try:
        xid = blocker.execute("SELECT pg_current_xact_id()").fetchone()
        samples = watch_trials(
            sqlalchemy_url(ctx.pg_admin, name), trials, ctx.folder("propagation_pg_blocked")
        )
    finally:
        blocker.rollback()
        blocker.close()
        drop_database(ctx.pg_admin, name)
        drop_database(ctx.pg_admin, blocker_db)
    p99 = percentile(samples, 99)
    floor = base.extra["p99"] / 1000
    return [
        Measurement(
            "propagation_pg_blocked",
            ms(p99),
            "ms",
            2,
            "p99 ≤ 2× propagation_pg p99",
            p99 / floor <= 2,
            floor=ms(floor),
            ratio=p99 / floor,
            extra={
                "measure": "p99",
                "p50": ms(median(samples)),
                "trials": trials,
                "blocking_xid": str(xid[0]) if xid else None,
            },
        )
    ]


def propagation_sqlite(ctx: Context) -> list[Measurement]:
    trials = ctx.size(200, 10)
    interval = EngineSettings().poll_interval
    folder = ctx.folder("propagation_sqlite")
    samples = watch_trials(f"sqlite:///{folder / 'store.sqlite'}", trials, folder / "profile")
    p99 = percentile(samples, 99)
    limit = interval + 0.050
    return [
        Measurement(
            "propagation_sqlite",
            ms(p99),
            "ms",
            ms(limit),
            f"p99 ≤ interval + 50 ms ({ms(limit):g} ms)",
            p99 <= limit,
            floor=ms(interval),
            ratio=p99 / interval,
            target_unit="ms",
            extra={"measure": "p99", "p50": ms(median(samples)), "trials": trials},
        )
    ]
