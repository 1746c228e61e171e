"""What every case shares: the measurement record, percentiles, the context a case runs in
(quick or full, a PostgreSQL server, a scratch folder, the results so far) and the CPU time of
a PostgreSQL cluster's processes."""

from __future__ import annotations

import math
import os
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.pg import PgServer, acquire_server


@dataclass
class Measurement:
    """One row of the table. ``value`` and ``floor`` in ``unit``; ``ratio`` is value / floor
    when both are times of the same thing; ``target`` the limit ``met`` was judged against
    (a ratio unless ``target_unit`` says otherwise); ``extra`` what else helps read it."""

    name: str
    value: float
    unit: str
    target: float
    target_text: str
    met: bool
    floor: float | None = None
    ratio: float | None = None
    target_unit: str = "x"
    extra: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {
            "value": self.value,
            "floor": self.floor,
            "ratio": self.ratio,
            "target": self.target,
            "target_unit": self.target_unit,
            "target_text": self.target_text,
            "unit": self.unit,
            "met": self.met,
            **self.extra,
        }


def ratio_case(
    name: str,
    value: float,
    floor: float,
    target: float,
    unit: str = "ms",
    **extra: Any,
) -> Measurement:
    """The common shape: value / floor ≤ target."""
    ratio = value / floor if floor > 0 else math.inf
    return Measurement(
        name,
        value,
        unit,
        target,
        f"≤ {target:g}×",
        ratio <= target,
        floor=floor,
        ratio=ratio,
        extra=extra,
    )


def percentile(samples: Sequence[float], p: float) -> float:
    """The nearest-rank percentile (p in 0–100) of ``samples``."""
    ordered = sorted(samples)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def median(samples: Sequence[float]) -> float:
    return statistics.median(samples)


def ms(seconds: float) -> float:
    return round(seconds * 1000, 3)


class HarnessError(RuntimeError):
    """The harness itself failed (not a missed target): a case could not be measured."""


@dataclass
class Context:
    quick: bool
    scratch: Path
    results: dict[str, Measurement] = field(default_factory=dict)
    log: Callable[[str], None] = print
    server: PgServer | None = None
    shared: dict[str, Any] = field(default_factory=dict)  # what cases share, e.g. a cluster
    closers: list[Callable[[], None]] = field(default_factory=list)

    @property
    def pg_admin(self) -> str:
        """An admin URL of a PostgreSQL server: $DECISION_INBOX_TEST_PG's, or a throwaway
        cluster started at the first case that asks (as the test suite does)."""
        if self.server is None:
            self.server = acquire_server()
            self.log(f"  PostgreSQL: {self.server.source or self.server.admin_url}")
        return self.server.admin_url

    def close(self) -> None:
        for close in reversed(self.closers):
            close()
        if self.server is not None:
            self.server.close()

    def size(self, full: int, quick: int) -> int:
        return quick if self.quick else full

    def folder(self, name: str) -> Path:
        path = self.scratch / name
        path.mkdir(parents=True, exist_ok=True)
        return path


# -- server CPU ------------------------------------------------------------------------------

_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _stat_fields(pid: int) -> list[str] | None:
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # the command name is in parentheses and may hold spaces: split after its closing one
    return raw[raw.rindex(")") + 2 :].split()


def cluster_cpu_seconds(postmaster: int) -> float:
    """CPU seconds used so far by a PostgreSQL cluster: the postmaster's own and its reaped
    children's (backends that ended), plus every live child's. Linux /proc only."""
    fields = _stat_fields(postmaster)
    if fields is None:
        raise HarnessError(f"no /proc entry for the postmaster (pid {postmaster})")
    # fields[0] is state (field 3); utime, stime, cutime, cstime are fields 14–17
    total = sum(int(v) for v in fields[11:15])
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        child = _stat_fields(int(entry.name))
        if child is not None and int(child[1]) == postmaster:
            total += int(child[11]) + int(child[12])
    return total / _TICK


def postmaster_pid(data_dir: Path) -> int:
    return int((data_dir / "postmaster.pid").read_text().split()[0])
