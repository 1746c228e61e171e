"""Latency of the desktop app's notifications: ana finalizes on PostgreSQL → the app's Notify
call is on a real session bus (python-dbusmock's notification daemon), per backend.

    .venv/bin/python tests/perf/app_notify_latency.py [--trials 30] [--pg URL]

--pg is an admin URL (default $DECISION_INBOX_TEST_PG); the script makes and drops its own
database, starts a private bus and the app (offscreen) as fred, pinned to each notifier in turn.
The time is measured from the moment finalize() returns to the moment the mock has logged the
call (polled every 2 ms), so it includes the mock's own logging.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from inbox.core.model import Role
from tests.app.child import AppProcess
from tests.notify.bus import NotificationBus
from tests.pg import create_database, drop_database, sqlalchemy_url
from tests.store.helpers import open_store


def summary(name: str, samples: list[float]) -> str:
    ms = sorted(s * 1000 for s in samples)
    p95 = ms[max(int(len(ms) * 0.95) - 1, 0)]
    return (
        f"{name:<20} n={len(ms):<3} median {statistics.median(ms):7.1f} ms  "
        f"p95 {p95:7.1f} ms  max {ms[-1]:7.1f} ms"
    )


def wait_for(predicate, timeout: float) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError("gave up waiting")
        time.sleep(0.002)


def trial_run(admin: str, notifier: str, trials: int, home: Path) -> list[float]:
    database = create_database(admin)
    url = sqlalchemy_url(admin, database=database)
    store, service = open_store(url)
    bus = NotificationBus()
    bus.start()
    bus.start_server()
    app = AppProcess(home / notifier, url, "fred", notifier=notifier, env=bus.env)
    samples: list[float] = []
    try:
        first = service.create("ana", title="Warm-up", audience=[("person", "fred", Role.ACK)]).key
        assert first is not None
        service.finalize("ana", first)
        app.start()
        wait_for(lambda: len(bus.notify_calls()) >= 1, 60)  # the first sync's popup
        for n in range(trials):
            key = service.create(
                "ana", title=f"Change {n}", audience=[("person", "fred", Role.ACK)]
            ).key
            assert key is not None
            seen = len(bus.notify_calls())
            service.finalize("ana", key)
            started = time.monotonic()
            wait_for(lambda seen=seen: len(bus.notify_calls()) > seen, 10)
            samples.append(time.monotonic() - started)
            time.sleep(0.05)
    finally:
        app.stop()
        bus.close()
        store.dispose()
        drop_database(admin, database)
    return samples


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--trials", type=int, default=30)
    parser.add_argument("--pg", default=os.environ.get("DECISION_INBOX_TEST_PG", ""))
    args = parser.parse_args()
    if not args.pg:
        print("Pass --pg URL or set DECISION_INBOX_TEST_PG.", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as home:
        for notifier in ("desktop-notifier", "plyer"):
            samples = trial_run(args.pg, notifier, args.trials, Path(home))
            print(summary(notifier, samples), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
