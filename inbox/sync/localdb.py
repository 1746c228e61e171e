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
from urllib.parse import quote

from inbox.core.errors import InboxError
from inbox.platform import folders

log = logging.getLogger(__name__)

LABEL = "The profile's folder"
"""How a sentence names the folder of a client file (``clients/<user>@<store>-<hash>``)."""


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
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise LocalFileError(
            folders.sentence(path.parent, exc, LABEL)
            or f"The folder {path.parent} cannot be created ({exc.strerror or exc})."
        ) from None
    try:
        return _open(path, application_id, version, schema), None
    except sqlite3.OperationalError as exc:
        # Locked, unreadable folder, full disk: the file may be fine, so never move it aside.
        raise LocalFileError(
            folders.sentence(path.parent, exc, LABEL)
            or f"The local file {path} cannot be opened ({exc}); check the folder's permissions "
            "and free space."
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


def open_read_only(
    path: Path, application_id: int, version: int, schema: str
) -> sqlite3.Connection:
    """``path`` as it is, for a command that only reads from a profile it cannot write: never
    created, moved or changed. A missing, foreign or unreadable file reads as an empty one."""
    connection: sqlite3.Connection | None = None
    if path.exists():
        # immutable: no -wal or -shm to create in a read-only folder, and no one can be
        # writing to a file there (https://www.sqlite.org/uri.html#uriimmutable).
        uri = "file:" + quote(str(path), safe="/:") + "?mode=ro&immutable=1"
        try:
            connection = sqlite3.connect(
                uri, uri=True, isolation_level=None, check_same_thread=False
            )
            found = (
                connection.execute("PRAGMA application_id").fetchone()[0],
                connection.execute("PRAGMA user_version").fetchone()[0],
            )
            if found != (application_id, version):
                raise ForeignFileError(f"application id {found[0]}, version {found[1]}")
        except (sqlite3.Error, ForeignFileError) as exc:
            log.warning("%s cannot be read (%s); reading it as empty", path, exc)
            if connection is not None:
                connection.close()
            connection = None
    if connection is None:
        connection = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
        for statement in filter(str.strip, schema.split(";")):
            connection.execute(statement)
    connection.execute("PRAGMA query_only=ON")
    return connection


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
    """One local transaction; a full disk or a read-only folder leaves as a sentence."""
    try:
        connection.execute("BEGIN IMMEDIATE")
        try:
            yield connection
        except BaseException:
            # SQLite rolls back by itself on SQLITE_FULL and some I/O errors: a second ROLLBACK
            # would hide the real cause behind "cannot rollback - no transaction is active".
            if connection.in_transaction:
                connection.execute("ROLLBACK")
            raise
        connection.execute("COMMIT")
    except sqlite3.OperationalError as exc:
        if connection.in_transaction:
            connection.execute("ROLLBACK")
        folder = _folder_of(connection)
        said = folders.sentence(folder, exc, LABEL) if folder else None
        if said is None:
            raise
        raise LocalFileError(said) from exc


def _folder_of(connection: sqlite3.Connection) -> Path | None:
    for _, name, file in connection.execute("PRAGMA database_list"):
        if name == "main" and file:
            return Path(file).parent
    return None


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

    def __init__(self, path: Path, *, read_only: bool = False) -> None:
        """``read_only``: for a command that only reads, from a profile it cannot write
        (:func:`open_read_only`)."""
        self.path = path
        self.read_only = read_only
        self.moved_aside: Path | None = None
        if read_only:
            self._db = open_read_only(path, self.APPLICATION_ID, self.VERSION, self.SCHEMA)
        else:
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
