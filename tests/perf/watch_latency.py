"""Latency of `decision-inbox watch`: upstream finalize → printed line, against the floor of a
raw psycopg LISTEN/NOTIFY round trip measured in the same run.

    .venv/bin/python tests/perf/watch_latency.py [--trials 200] [--pg URL] [--sqlite]

--pg is an admin URL of a PostgreSQL server (default $DECISION_INBOX_TEST_PG); the script makes
and drops its own database. Prints the distributions (median, p95, max) and their ratio.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from inbox.core.model import Role
from tests.pg import create_database, drop_database, libpq_url, sqlalchemy_url
from tests.processes import Watch
from tests.store.helpers import open_store


def summary(name: str, samples: list[float]) -> str:
    ms = sorted(s * 1000 for s in samples)
    p95 = ms[int(len(ms) * 0.95) - 1]
    return (
        f"{name:<28} n={len(ms):<4} median {statistics.median(ms):7.2f} ms  "
        f"p95 {p95:7.2f} ms  max {ms[-1]:7.2f} ms"
    )


def notify_round_trips(url: str, trials: int) -> list[float]:
    listener = psycopg.connect(url, autocommit=True)
    sender = psycopg.connect(url, autocommit=True)
    listener.execute("LISTEN perf_probe")
    samples = []
    for n in range(trials):
        got = threading.Event()

        def wait(got: threading.Event = got) -> None:
            for _ in listener.notifies(timeout=5, stop_after=1):
                got.set()

        reader = threading.Thread(target=wait)
        reader.start()
        time.sleep(0.005)
        start = time.monotonic()
        sender.execute("SELECT pg_notify('perf_probe', %s)", (str(n),))
        got.wait(5)
        samples.append(time.monotonic() - start)
        reader.join()
    listener.close()
    sender.close()
    return samples


def watch_trials(store_url: str, trials: int) -> list[float]:
    store, service = open_store(store_url)
    watch = Watch(store_url, "fred", profile=tempfile.mkdtemp())
    watch.wait_status("online")
    watch.drain(0.5)
    samples = []
    for n in range(trials):
        key = service.create("ana", title=f"D {n}", audience=[("team", "frontend", Role.ACK)]).key
        assert key
        service.finalize("ana", key)
        start = time.monotonic()
        got = watch.next_line(10)
        assert got is not None and got[1]["key"] == key, got
        samples.append(got[0] - start)
    watch.stop()
    store.dispose()
    return samples


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--trials", type=int, default=200)
    parser.add_argument("--pg", default=os.environ.get("DECISION_INBOX_TEST_PG"))
    parser.add_argument("--sqlite", action="store_true", help="also measure a SQLite store")
    args = parser.parse_args()
    if not args.pg:
        parser.error("give --pg URL or set DECISION_INBOX_TEST_PG")
    name = create_database(args.pg, prefix="di_perf_")
    try:
        floor = notify_round_trips(libpq_url(args.pg, name), args.trials)
        pg = watch_trials(sqlalchemy_url(args.pg, name), args.trials)
    finally:
        drop_database(args.pg, name)
    print(summary("raw NOTIFY round trip", floor))
    print(summary("watch, PostgreSQL", pg))
    print(
        f"ratio of medians: {statistics.median(pg) / statistics.median(floor):.1f}x; "
        f"trials over 1 s: {sum(s >= 1.0 for s in pg)}"
    )
    if args.sqlite:
        folder = tempfile.mkdtemp()
        lite = watch_trials(f"sqlite:///{folder}/store.sqlite", args.trials)
        print(summary("watch, SQLite (poll 0.3 s)", lite))
    return 0


if __name__ == "__main__":
    sys.exit(main())
