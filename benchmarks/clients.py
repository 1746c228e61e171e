"""Many clients on one server, on a throwaway cluster of the harness's own (so that its CPU time
is the clients' alone, and ``max_connections`` can be raised): 200 engines woken by one finalize,
and 1 000 clients' worth of ``poll``-mode catch-up queries through one pool."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.common import (
    Context,
    HarnessError,
    Measurement,
    cluster_cpu_seconds,
    median,
    ms,
    percentile,
    postmaster_pid,
)
from inbox.core.delta import InboxDelta
from inbox.core.model import Role
from inbox.store.connection import StoreConnection
from inbox.sync.client import Client
from inbox.sync.engine import EngineSettings, SyncEngine
from tests.pg import ThrowawayCluster, create_database, find_bindir, sqlalchemy_url
from tests.store.helpers import open_store

MAX_CONNECTIONS = 1000


class BigCluster(ThrowawayCluster):
    """A throwaway cluster that admits a thousand sessions (each engine holds a LISTEN
    connection and a pooled one)."""

    def _start_server(self) -> None:
        self._run(
            str(self.bindir / "pg_ctl"),
            "-D", str(self.data_dir),
            "-l", str(self.log_file),
            "-w", "-t", "60",
            "-o",
            f"-p {self.port} -k {self.base_dir} -c listen_addresses=127.0.0.1"
            " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
            f" -c max_connections={MAX_CONNECTIONS} -c shared_buffers=128MB",
            "start",
        )  # fmt: skip


@dataclass
class Fleet:
    """``n`` engines for fred, one thread and one profile each, all woken by one LISTEN channel."""

    url: str
    folder: Path
    n: int
    engines: list[SyncEngine] = field(default_factory=list)
    clients: list[Client] = field(default_factory=list)
    threads: list[threading.Thread] = field(default_factory=list)
    seen: dict[str, list[float]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    rounds: list[int] = field(default_factory=list)

    def start(self) -> None:
        self.rounds = [0] * self.n
        for i in range(self.n):
            client = Client.open(StoreConnection.open(self.url), "fred", self.folder / f"c{i}")
            engine = SyncEngine(
                client.store,
                client.syncer,
                on_delta=lambda delta, i=i: self._on_delta(i, delta),
                settings=EngineSettings(slow_timer=600),
            )
            thread = threading.Thread(target=engine.run, name=f"engine-{i}", daemon=True)
            self.clients.append(client)
            self.engines.append(engine)
            self.threads.append(thread)
            thread.start()
        deadline = time.monotonic() + 300
        while min(self.rounds) == 0:
            if time.monotonic() > deadline:
                raise HarnessError(f"{self.rounds.count(0)} of {self.n} engines never synced")
            time.sleep(0.05)

    def _on_delta(self, i: int, delta: InboxDelta) -> None:
        now = time.monotonic()
        self.rounds[i] += 1
        with self.lock:
            for key in delta.decisions:
                self.seen.setdefault(key, []).append(now)

    def stop(self) -> None:
        for engine in self.engines:
            engine.stop()
        for thread in self.threads:
            thread.join(10)
        for client in self.clients:
            client.close()
            client.store.dispose()


def clients_200(ctx: Context) -> list[Measurement]:
    base = ctx.results.get("propagation_pg")
    if base is None:
        raise HarnessError("clients_200 needs propagation_pg measured first")
    n = ctx.size(200, 20)
    trials = ctx.size(5, 2)
    cluster = _cluster(ctx)
    url = sqlalchemy_url(cluster.admin_url, create_database(cluster.admin_url, prefix="di_bench_"))
    store, service = open_store(url)
    fleet = Fleet(url, ctx.folder("clients_200"), n)
    lasts, firsts, cpu = [], [], []
    try:
        fleet.start()
        postmaster = postmaster_pid(cluster.data_dir)
        for t in range(trials):
            key = service.create(
                "ana", title=f"Fleet {t}", audience=[("team", "frontend", Role.ACK)]
            ).key
            assert key
            _wait_all(fleet, key, n, 60)  # the draft's own wake-up, out of the way
            fleet.seen.clear()
            before = cluster_cpu_seconds(postmaster)
            service.finalize("ana", key)
            start = time.monotonic()
            times = _wait_all(fleet, key, n, 120)
            cpu.append(cluster_cpu_seconds(postmaster) - before)
            lasts.append(max(times) - start)
            firsts.append(min(times) - start)
    finally:
        fleet.stop()
        store.dispose()
    last = median(lasts)
    floor = base.value / 1000
    return [
        Measurement(
            "clients_200",
            ms(last),
            "ms",
            1000,
            "200th engine ≤ 1 s",
            last <= 1.0,
            floor=ms(floor),
            ratio=last / floor,
            target_unit="ms",
            extra={
                "measure": f"the {n}th engine notified (median of {trials} events)",
                "engines": n,
                "first_engine": ms(median(firsts)),
                "worst": ms(max(lasts)),
                "server_cpu_ms_per_event": ms(median(cpu)),
            },
        )
    ]


def _wait_all(fleet: Fleet, key: str, n: int, timeout: float) -> list[float]:
    deadline = time.monotonic() + timeout
    while True:
        with fleet.lock:
            times = list(fleet.seen.get(key, ()))
        if len(times) >= n:
            return times
        if time.monotonic() > deadline:
            raise HarnessError(f"only {len(times)} of {n} engines saw {key} in {timeout:.0f} s")
        time.sleep(0.002)


def _cluster(ctx: Context) -> BigCluster:
    """The throwaway cluster both cases use (started once, stopped with the run)."""
    if "big_cluster" in ctx.shared:
        cluster: BigCluster = ctx.shared["big_cluster"]
        return cluster
    bindir = find_bindir()
    if bindir is None:
        raise HarnessError(
            "clients_200 and poll_1000 need the PostgreSQL server binaries for a throwaway "
            "cluster (Debian: apt-get install postgresql)."
        )
    cluster = BigCluster(bindir)
    cluster.start()
    ctx.shared["big_cluster"] = cluster
    ctx.closers.append(cluster.stop)
    ctx.log(f"  throwaway cluster on port {cluster.port} (max_connections={MAX_CONNECTIONS})")
    return cluster


# -- poll_1000 ---------------------------------------------------------------------------------


def poll_1000(ctx: Context) -> list[Measurement]:
    clients, period = 1000, 5.0
    seconds = ctx.size(30.0, 2.0)
    cluster = _cluster(ctx)
    url = sqlalchemy_url(cluster.admin_url, create_database(cluster.admin_url, prefix="di_bench_"))
    store, service = open_store(url)
    for n in range(20):  # a feed with something in it
        key = service.create("ana", title=f"Polled {n}", audience=[("team", "frontend", Role.ACK)])
        assert key.key
    pool = StoreConnection.open(url)  # one engine, one pool, as one process of many clients
    cursors = [pool.feed_end()] * clients
    latencies: list[float] = []
    late: list[float] = []
    lock = threading.Lock()

    def one(i: int, due: float) -> None:
        started = time.monotonic()
        page = pool.feed_page(cursors[i])
        done = time.monotonic()
        cursors[i] = page.cursor
        with lock:
            latencies.append(done - started)
            late.append(started - due)

    rate = clients / period
    try:
        postmaster = postmaster_pid(cluster.data_dir)
        before, wall = cluster_cpu_seconds(postmaster), time.monotonic()
        with ThreadPoolExecutor(max_workers=6) as workers:
            total = int(seconds * rate)
            for q in range(total):
                due = wall + q / rate
                pause = due - time.monotonic()
                if pause > 0:
                    time.sleep(pause)
                workers.submit(one, q % clients, due)
        elapsed = time.monotonic() - wall
        cpu = cluster_cpu_seconds(postmaster) - before
    finally:
        pool.engine.dispose()
        store.dispose()
    p99 = percentile(latencies, 99)
    return [
        Measurement(
            "poll_1000",
            ms(p99),
            "ms",
            5,
            "query p99 ≤ 5 ms",
            p99 <= 0.005,
            target_unit="ms",
            extra={
                "measure": "catch-up query p99",
                "queries": len(latencies),
                "rate_per_s": rate,
                "p50": ms(median(latencies)),
                "queue_delay_p99": ms(percentile(late, 99)),
                "server_cpu_share": round(cpu / elapsed, 4),
            },
        )
    ]
