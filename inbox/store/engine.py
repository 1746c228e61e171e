"""Opening a store: URL handling, engine setup per dialect, SQLite's rules
(docs/architecture.md, "The store")."""

from __future__ import annotations

import re
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.pool import NullPool

from inbox.core.errors import NetworkFilesystemError, StoreUnavailableError, UsageError
from inbox.platform.netfs import network_filesystem

SQLITE_BUSY_TIMEOUT_S = 5.0
WRITE_OPTION = "decision_inbox_write"


def parse_store_url(raw: str) -> URL:
    """Accept a SQLite file path, ``sqlite:///…`` or ``postgresql://…``; return an engine URL.

    The rule (docs/cli.md, "Store URLs"): a plain path is a file path, verbatim (``?``, ``#``
    and ``%`` are part of the name), relative to the current folder, ``~`` expanded. A
    ``sqlite://`` URL names an absolute path: ``sqlite:///abs/path.sqlite`` and
    ``sqlite:////abs/path.sqlite`` are both ``/abs/path.sqlite``, as in a ``file:///`` URL;
    a host or ``?options`` in it are refused, since a plain path says the same unambiguously.
    """
    raw = raw.strip()
    if not raw:
        raise UsageError("The store URL is empty; give a SQLite file path or a postgresql:// URL.")
    if raw == ":memory:":
        raise UsageError("An in-memory SQLite store is not shared by anyone; give a file path.")
    if "://" not in raw:
        return sqlite_url(Path(raw).expanduser().resolve())
    scheme, _, rest = raw.partition("://")
    if scheme.lower() in ("sqlite", "sqlite+pysqlite"):
        return _sqlite_url_path(raw, rest)
    try:
        url = make_url(raw)
    except (ArgumentError, ValueError):  # ValueError: a port that is not a number
        raise UsageError(
            f"The store URL {_mask_password(raw)!r} is not understood; use a SQLite file path "
            "or postgresql://user@host/database."
        ) from None
    backend = url.get_backend_name()
    if backend in ("postgresql", "postgres"):
        return url.set(drivername="postgresql+psycopg")
    raise UsageError(
        f"The store URL {redact(url)} uses {backend!r}; Decision Inbox supports SQLite files and "
        "PostgreSQL."
    )


def sqlite_url(path: Path) -> URL:
    """The engine URL of the SQLite file at ``path`` (built, not parsed: ``?`` stays in it)."""
    return URL.create("sqlite", database=str(path))


def _sqlite_url_path(raw: str, rest: str) -> URL:
    if rest in ("", "/", "/:memory:") or rest.startswith("/:memory:?"):
        raise UsageError("An in-memory SQLite store is not shared by anyone; give a file path.")
    if not rest.startswith("/"):
        raise UsageError(
            f"The store URL {raw!r} names a host; a SQLite store is a file: write "
            "sqlite:///abs/path.sqlite or just the file's path."
        )
    if "?" in rest:
        raise UsageError(
            f"The store URL {raw!r} has options after '?', which a SQLite store does not take; "
            "if '?' is part of the file's name, give the plain path instead of a sqlite:// URL."
        )
    path = rest.lstrip("/")
    if not re.match(r"^[A-Za-z]:[/\\]", path):  # sqlite:///C:/… on Windows keeps its drive
        path = "/" + path
    return sqlite_url(Path(path).expanduser().resolve())


def redact(url: URL | str) -> str:
    """The URL as it may be shown to a person: never with its password, and a SQLite store as
    its plain file path (the form the person types, and one that can be pasted back)."""
    if isinstance(url, str):
        if "://" not in url:
            return url.strip()
        try:
            url = parse_store_url(url) if url.lower().startswith("sqlite") else make_url(url)
        except (ArgumentError, ValueError, UsageError):
            return "<unparsable URL>"
    if url.get_backend_name() == "sqlite":
        return url.database or ""
    if "password" in url.query:  # libpq also takes ?password=…
        url = url.update_query_dict({"password": "***"})
    text = url.render_as_string(hide_password=True)
    return text.replace("+psycopg", "")


def _mask_password(raw: str) -> str:
    """``scheme://user:password@…`` with the password hidden, for a URL too broken to parse."""
    return re.sub(r"(://[^/@:]*:).*@", r"\1***@", raw)


class SavedPassword:
    """A login's saved password (the OS keyring's), read only when the server asks for one.

    Trust, peer, ``~/.pgpass`` and client-certificate logins never need the keyring, so a
    locked or broken keyring must not stop them: the first connection goes without a password,
    and only an authentication failure reads ``read`` (once; its answer is kept). ``read`` may
    raise a sentence (a locked keyring): the connection then fails with it, since the server
    wants a password and the keyring cannot give it. Thread-safe."""

    def __init__(self, read: Callable[[], str | None]) -> None:
        self._read = read
        self._lock = threading.Lock()
        self._read_once = False
        self.value: str | None = None

    def get(self) -> str | None:
        with self._lock:
            if not self._read_once:
                self.value = self._read()
                self._read_once = True
            return self.value


# libpq's words when the server wants a password that was not given, or not the one given (a
# stale ~/.pgpass line): the cases where the keyring's password may help.
_WANTS_PASSWORD = re.compile(r"no password supplied|password authentication failed")


def create_store_engine(
    url: URL,
    *,
    allow_network_fs: bool = False,
    saved_password: SavedPassword | None = None,
    read_only: bool = False,
) -> Engine:
    """``saved_password`` is tried only when the server refuses a login without it;
    ``read_only`` opens a SQLite file on a read-only folder or medium as it is (reads only)."""
    if url.get_backend_name() == "sqlite":
        return _sqlite_engine(url, allow_network_fs=allow_network_fs, read_only=read_only)
    engine = create_engine(
        url,
        pool_pre_ping=True,
        pool_size=2,
        max_overflow=4,
        connect_args={"connect_timeout": 10, "application_name": "decision-inbox"},
    )
    if saved_password is not None and url.password is None:

        @event.listens_for(engine, "do_connect")
        def _on_connect(dialect: Any, _record: Any, cargs: Any, cparams: dict[str, Any]) -> Any:
            if "password" in cparams:
                return None  # learned before: SQLAlchemy connects with it
            try:
                return dialect.connect(*cargs, **cparams)
            except dialect.loaded_dbapi.OperationalError as exc:
                if not _WANTS_PASSWORD.search(str(exc)):
                    raise
                password = saved_password.get()
                if password is None:
                    raise
            # cparams is the engine's own: every later connection uses the password at once
            # (SQLAlchemy docs, "DialectEvents.do_connect").
            cparams["password"] = password
            return dialect.connect(*cargs, **cparams)

    return engine


def _sqlite_engine(url: URL, *, allow_network_fs: bool, read_only: bool = False) -> Engine:
    assert url.database
    path = Path(url.database)
    remote = network_filesystem(path)
    if remote and not allow_network_fs:
        raise NetworkFilesystemError(str(path), remote)
    if not path.parent.is_dir():
        raise StoreUnavailableError(
            f"The folder {path.parent} of the store file does not exist; create it or choose "
            "another path."
        )
    # mode=rw: opening an existing store never creates a file, so a mistyped path leaves
    # nothing behind; only StoreConnection.initialise creates one. The path is percent-encoded
    # into the URI, so "?" or "#" in a file name stay in the name.
    uri = "file:" + quote(str(path), safe="/:") + "?mode=rw"
    if read_only:
        # immutable: a WAL file in a read-only folder cannot get its -shm, and nobody can be
        # writing there (https://www.sqlite.org/uri.html#uriimmutable).
        uri = uri.replace("mode=rw", "mode=ro&immutable=1")

    def connect() -> sqlite3.Connection:
        return sqlite3.connect(
            uri, uri=True, timeout=SQLITE_BUSY_TIMEOUT_S, check_same_thread=False
        )

    # NullPool: a connection per unit of work keeps no SQLite handle across threads, and opening
    # a local file costs microseconds.
    engine = create_engine(url, poolclass=NullPool, creator=connect)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control from the sqlite3 module so that writes can BEGIN IMMEDIATE
        # (SQLAlchemy docs, "Serializable isolation / Savepoints / Transactional DDL").
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        if not read_only:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={int(SQLITE_BUSY_TIMEOUT_S * 1000)}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # A deferred transaction that reads and then writes fails at once with
        # SQLITE_BUSY_SNAPSHOT when another writer committed in between; IMMEDIATE takes the
        # write lock up front and waits for it under busy_timeout instead.
        write = connection.get_execution_options().get(WRITE_OPTION, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


def writer(engine: Engine) -> Engine:
    """The same engine, marked so that its transactions take SQLite's write lock at BEGIN."""
    return engine.execution_options(**{WRITE_OPTION: True})


_LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", ""}
_TLS_MODES = {"require", "verify-ca", "verify-full"}


def tls_warning(url: URL | str) -> str | None:
    """A sentence when a PostgreSQL store on another machine is reached without TLS, else None.

    For the settings dialog and ``init``: passwords and decisions would cross the network in
    clear. ``verify-full`` is what the docs recommend; ``require`` encrypts but trusts any
    certificate, which is better than nothing and not warned about.
    """
    parsed = parse_store_url(url) if isinstance(url, str) else url
    if parsed.get_backend_name() != "postgresql":
        return None
    host = (parsed.host or str(parsed.query.get("host") or "")).strip()
    if host.startswith("/") or host in _LOCAL_HOSTS or host.startswith("127."):
        return None
    mode = str(parsed.query.get("sslmode") or "prefer")
    if mode in _TLS_MODES:
        return None
    return (
        f"The store at {redact(parsed)} is on another machine and TLS is not required "
        f"(sslmode={mode}); add ?sslmode=verify-full to the URL so passwords and decisions "
        "never cross the network in clear."
    )
