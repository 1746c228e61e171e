"""The client's own small SQLite files (cache, state): opened with a schema version, and moved
aside — never silently reused — when they are corrupt or belong to something else."""

from __future__ import annotations

import functools
import logging
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from inbox.core.errors import InboxError

log = logging.getLogger(__name__)


class LocalFileError(InboxError):
    pass


class ForeignFileError(Exception):
    """The file is not ours (not SQLite, another schema, another application)."""


def open_local(path: Path, application_id: int, version: int, schema: str) -> sqlite3.Connection:
    """Open (or create) ``path``; a corrupt or foreign file is renamed aside and recreated."""
    return open_or_replace(path, application_id, version, schema)[0]


def open_or_replace(
    path: Path, application_id: int, version: int, schema: str
) -> tuple[sqlite3.Connection, Path | None]:
    """:func:`open_local`, and where the unreadable file went when it was moved aside (its
    write-ahead log beside it, as ``<aside>-wal``: it may hold the newest committed pages)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        return _open(path, application_id, version, schema), None
    except sqlite3.OperationalError as exc:
        # Locked, unreadable folder, full disk: the file may be fine, so never move it aside.
        raise LocalFileError(
            f"The local file {path} cannot be opened ({exc}); check the folder's permissions and "
            "free space."
        ) from None
    except (sqlite3.DatabaseError, ForeignFileError) as exc:
        aside = _aside_name(path)
        path.replace(aside)
        wal = Path(f"{path}-wal")
        if wal.exists():
            wal.replace(Path(f"{aside}-wal"))
        Path(f"{path}-shm").unlink(missing_ok=True)
        log.warning(
            "%s was unreadable (%s); moved it to %s and started a new one", path, exc, aside.name
        )
        return _open(path, application_id, version, schema), aside


def _aside_name(path: Path) -> Path:
    """A new name beside ``path``: a second bad file in the same second must not replace the
    first one moved aside (it may be the only copy of an outbox)."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    aside = path.with_name(f"{path.name}.unreadable-{stamp}")
    n = 1
    while aside.exists():
        n += 1
        aside = path.with_name(f"{path.name}.unreadable-{stamp}-{n}")
    return aside


def _open(path: Path, application_id: int, version: int, schema: str) -> sqlite3.Connection:
    connection = sqlite3.connect(path, timeout=5.0, isolation_level=None, check_same_thread=False)
    try:
        found_app = connection.execute("PRAGMA application_id").fetchone()[0]
        found_version = connection.execute("PRAGMA user_version").fetchone()[0]
        tables = connection.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        if tables == 0:
            connection.execute("PRAGMA journal_mode=WAL")
            with transaction(connection):
                # Another process may have created it since the count above.
                if connection.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0:
                    for statement in filter(str.strip, schema.split(";")):
                        connection.execute(statement)
                    connection.execute(f"PRAGMA application_id={application_id}")
                    connection.execute(f"PRAGMA user_version={version}")
            found_app = connection.execute("PRAGMA application_id").fetchone()[0]
            found_version = connection.execute("PRAGMA user_version").fetchone()[0]
        if found_app != application_id or found_version != version:
            raise ForeignFileError(
                f"application id {found_app}, version {found_version}; expected "
                f"{application_id}, {version}"
            )
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=NORMAL")
        connection.execute("PRAGMA busy_timeout=5000")
        check = connection.execute("PRAGMA quick_check").fetchone()[0]
        if check != "ok":
            raise ForeignFileError(f"integrity check: {check}")
        return connection
    except BaseException:
        connection.close()
        raise


@contextmanager
def transaction(connection: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    connection.execute("BEGIN IMMEDIATE")
    try:
        yield connection
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    connection.execute("COMMIT")


F = TypeVar("F", bound=Callable[..., Any])


def synchronized(method: F) -> F:
    """Hold ``self._lock`` for the call: one sqlite3 connection is shared by the sync thread
    and the task thread, and two transactions on it must not interleave."""

    @functools.wraps(method)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        with self._lock:
            return method(self, *args, **kwargs)

    return wrapper  # type: ignore[return-value]


class LocalFile:
    """One of the client's files: opened (or rebuilt) on construction, with a ``meta`` table of
    named values. Subclasses set the file's identity and schema."""

    APPLICATION_ID: int
    VERSION: int
    SCHEMA: str

    def __init__(self, path: Path) -> None:
        self.path = path
        self._db, self.moved_aside = open_or_replace(
            path, self.APPLICATION_ID, self.VERSION, self.SCHEMA
        )
        # One connection shared by the sync thread and the task thread: one user at a time.
        self._lock = threading.RLock()

    @synchronized
    def close(self) -> None:
        self._db.close()

    @synchronized
    def get(self, name: str) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE name = ?", (name,)).fetchone()
        return None if row is None else str(row[0])

    @synchronized
    def put(self, name: str, value: str) -> None:
        with transaction(self._db):
            self._set(name, value)

    def _set(self, name: str, value: str) -> None:
        """Within a transaction the caller holds."""
        self._db.execute("INSERT OR REPLACE INTO meta (name, value) VALUES (?, ?)", (name, value))
