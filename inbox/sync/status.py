"""The sync engine's settings and the states it reports, as plain values: what the app and its
configuration need to know of the engine without importing it (and the store behind it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

ONLINE, SYNCING, OFFLINE, ERROR = "online", "syncing", "offline", "error"


@dataclass(frozen=True)
class SyncStatus:
    state: str
    message: str = ""
    retry_at: datetime | None = None


@dataclass(frozen=True)
class EngineSettings:
    mode: str = "listen"  # or "poll": no LISTEN, for deployments behind a transaction pooler
    slow_timer: float = 30.0  # seconds between catch-ups without any wake-up
    poll_interval: float = 0.3  # SQLite data_version polling
    backoff_base: float = 0.5
    backoff_cap: float = 30.0
    error_retry: float = 60.0
