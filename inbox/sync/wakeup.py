"""Wake-ups: tell the sync worker that the store probably changed (docs/architecture.md).

A hint only. PostgreSQL: LISTEN on a dedicated autocommit psycopg connection (not from the
SQLAlchemy pool: a pooled connection would be handed to others mid-LISTEN, and PgBouncer's
transaction pooling cannot carry LISTEN at all). SQLite: ``PRAGMA data_version`` changes when
another connection commits, and costs microseconds to poll. Either way the worker also catches
up on a slow timer, so a lost hint costs latency, never correctness.
"""

from __future__ import annotations

import contextlib
import select
import socket
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
    """Lets another thread cut a wait short (Sync now, quit).

    Besides the event, a self-pipe (a socket pair, which ``select`` takes on every platform):
    a waiter blocked in ``select`` on the store's socket also watches this one's reading end,
    so it wakes for a notification or an interrupt, whichever comes first, with no polling."""

    def __init__(self) -> None:
        self._event = threading.Event()
        self._reader, self._writer = socket.socketpair()
        self._reader.setblocking(False)
        self._writer.setblocking(False)

    def set(self) -> None:
        self._event.set()
        with contextlib.suppress(OSError):  # full (a wake-up is pending anyway) or closed
            self._writer.send(b"\0")

    def take(self) -> bool:
        was = self._event.is_set()
        self._event.clear()
        with contextlib.suppress(OSError):  # drained
            while self._reader.recv(4096):
                pass
        return was

    def is_set(self) -> bool:
        return self._event.is_set()

    def wait(self, timeout: float) -> bool:
        return self._event.wait(timeout)

    def fileno(self) -> int:
        """Readable while an interrupt is set and not yet taken."""
        return self._reader.fileno()

    def close(self) -> None:
        self._reader.close()
        self._writer.close()


class PostgresListener:
    """Blocks in ``select`` on the LISTEN connection's socket and the interrupt's self-pipe:
    a notification wakes it as soon as the server sends it, and nothing runs while nothing
    happens."""

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
        deadline = time.monotonic() + timeout
        while not self._interrupt.is_set():
            if self._received():
                return True
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            try:
                select.select([self._conn.fileno(), self._interrupt.fileno()], [], [], left)
            except (OSError, ValueError) as exc:  # the socket went away under us
                raise self._lost(exc) from None
        return True

    def _received(self) -> bool:
        """Read what the socket holds, without blocking; True if it held notifications (all
        of them are taken: a burst of writes wakes one round, not one each)."""
        pgconn = self._conn.pgconn
        try:
            pgconn.consume_input()
        except self._psycopg.Error as exc:
            raise self._lost(exc) from None
        got = False
        while pgconn.notifies() is not None:
            got = True
        return got

    def _lost(self, exc: BaseException) -> StoreUnavailableError:
        return StoreUnavailableError(
            f"The change listener lost the store at {self._shown}: {first_line(exc)}."
        )

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
            self._interrupt.wait(min(self._poll, left))
        return True

    def close(self) -> None:
        self._conn.close()


class Poller:
    """``poll`` mode: no LISTEN (behind a transaction pooler); the slow timer does the work."""

    def __init__(self, interrupt: Interrupt) -> None:
        self._interrupt = interrupt

    def wait(self, timeout: float) -> bool:
        return self._interrupt.wait(timeout)

    def close(self) -> None:
        pass
