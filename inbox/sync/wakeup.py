"""Wake-ups: tell the sync worker that the store probably changed (docs/architecture.md).

A hint only. PostgreSQL: LISTEN on a dedicated autocommit psycopg connection (not from the
SQLAlchemy pool: a pooled connection would be handed to others mid-LISTEN, and PgBouncer's
transaction pooling cannot carry LISTEN at all). SQLite: ``PRAGMA data_version`` changes when
another connection commits, and costs microseconds to poll. Either way the worker also catches
up on a slow timer, so a lost hint costs latency, never correctness.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path
from typing import Protocol
from urllib.parse import quote

from sqlalchemy.engine import URL

from inbox.core.errors import StoreUnavailableError
from inbox.store.connection import first_line, missing_store_file, refusal
from inbox.store.engine import redact
from inbox.store.feed import NOTIFY_CHANNEL

SQLITE_POLL_S = 0.3


class Waker(Protocol):
    def wait(self, timeout: float) -> bool:
        """Block up to ``timeout`` seconds; True when the store signalled a change."""

    def close(self) -> None: ...


class Interrupt:
    """Lets another thread cut a wait short (Sync now, quit)."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def set(self) -> None:
        self._event.set()

    def take(self) -> bool:
        was = self._event.is_set()
        self._event.clear()
        return was

    def is_set(self) -> bool:
        return self._event.is_set()

    def wait(self, timeout: float) -> bool:
        return self._event.wait(timeout)


class PostgresListener:
    def __init__(self, url: URL, interrupt: Interrupt) -> None:
        # Deferred: a SQLite store never needs psycopg, and its import costs start-up time.
        import psycopg

        self._psycopg = psycopg
        self._interrupt = interrupt
        self._shown = redact(url)
        params = url.set(drivername="postgresql").render_as_string(hide_password=False)
        try:
            self._conn = psycopg.connect(
                params,
                autocommit=True,
                connect_timeout=10,
                application_name="decision-inbox-listen",
            )
            self._conn.execute(f"LISTEN {NOTIFY_CHANNEL}")
        except psycopg.Error as exc:
            # A wrong password or database is not an outage: the same sentence as the store's.
            raise refusal(exc, self._shown) or StoreUnavailableError(
                f"Cannot listen for changes at {self._shown}: {first_line(exc)}."
            ) from None

    def wait(self, timeout: float) -> bool:
        # Short slices so that an interrupt (Sync now, quit) is seen within 0.2 s.
        deadline = time.monotonic() + timeout
        while not self._interrupt.is_set():
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            try:
                for _ in self._conn.notifies(timeout=min(left, 0.2), stop_after=1):
                    return True
            except self._psycopg.Error as exc:
                raise StoreUnavailableError(
                    f"The change listener lost the store at {self._shown}: {first_line(exc)}."
                ) from None
        return True

    def close(self) -> None:
        self._conn.close()


class SqliteWatcher:
    def __init__(self, path: str, interrupt: Interrupt, poll: float = SQLITE_POLL_S) -> None:
        self._interrupt = interrupt
        self._poll = poll
        # mode=rw: watching never creates the store file (a mistyped path leaves nothing).
        uri = "file:" + quote(path, safe="/:") + "?mode=rw"
        try:
            self._conn = sqlite3.connect(uri, uri=True, timeout=5.0, check_same_thread=False)
        except sqlite3.OperationalError:
            if not Path(path).exists():
                raise missing_store_file(Path(path)) from None
            raise
        self._version = self._data_version()

    def _data_version(self) -> int:
        return int(self._conn.execute("PRAGMA data_version").fetchone()[0])

    def wait(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while not self._interrupt.is_set():
            version = self._data_version()
            if version != self._version:
                self._version = version
                return True
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            time.sleep(min(self._poll, left))
        return True

    def close(self) -> None:
        self._conn.close()


class Poller:
    """``poll`` mode: no LISTEN (behind a transaction pooler); the slow timer does the work."""

    def __init__(self, interrupt: Interrupt) -> None:
        self._interrupt = interrupt

    def wait(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while not self._interrupt.is_set() and time.monotonic() < deadline:
            time.sleep(min(0.2, max(0.0, deadline - time.monotonic())))
        return self._interrupt.is_set()

    def close(self) -> None:
        pass
