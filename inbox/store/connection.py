"""One open store: its engine, its schema check and short read/write units of work.

Database failures leave this module as sentences (``inbox.core.errors``), never as driver
exceptions, so every caller (CLI, sync, app) shows the same words.
"""

from __future__ import annotations

import contextlib
import re
import shlex
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Connection, Engine
from sqlalchemy.engine import URL
from sqlalchemy.exc import (
    DBAPIError,
    IntegrityError,
    OperationalError,
    SQLAlchemyError,
)
from sqlalchemy.orm import Session

from inbox.core.errors import (
    ConflictError,
    InboxError,
    PermissionDeniedError,
    StoreUnavailableError,
)
from inbox.core.threads import check_off_gui_thread
from inbox.platform import folders
from inbox.store import catch_up, feed, refusals, schema
from inbox.store.engine import (
    SavedPassword,
    create_store_engine,
    parse_store_url,
    redact,
    writer,
)


class ConcurrentWriteError(ConflictError):
    """Another transaction wrote the same unique row first (PostgreSQL, concurrent writers)."""


class CommitUnknownError(StoreUnavailableError):
    """The connection was lost while the server committed: the write may have been saved.
    Acknowledgments and feedback may be sent again (their id makes a repeat harmless); any
    other write must be checked before it is made again."""


class StoreRefusedError(InboxError):
    """The server answered and refused this client: wrong password, unknown role or database,
    a URL its driver rejects. Not an outage: retrying cannot help until someone changes the
    settings, so nothing should be queued for it or retried in a tight loop."""


class StoreConnection:
    """Thread-safe: each unit of work opens its own short session on the shared engine."""

    def __init__(self, engine: Engine, saved_password: SavedPassword | None = None) -> None:
        self.engine = engine
        self._saved_password = saved_password
        self.shown_url = redact(engine.url)
        self._writer = writer(engine)
        self._checked_write = False
        self._checked_read = False
        self._wakeup: Connection | None = None  # catch_up_page's own connection
        self._wakeup_lock = threading.Lock()

    @classmethod
    def open(
        cls,
        url: str,
        *,
        allow_network_fs: bool = False,
        password: str | None = None,
        saved_password: Callable[[], str | None] | None = None,
        read_only: bool = False,
    ) -> StoreConnection:
        """``password`` (typed this session) is used only when the URL carries none;
        ``saved_password`` (reads the OS keyring) only when the server asks for a password
        that neither gave (see :class:`inbox.store.engine.SavedPassword`). ``read_only``: a
        SQLite file in a folder that cannot be written, opened as it is, for reading only."""
        parsed = parse_store_url(url)
        if password and parsed.password is None:
            parsed = parsed.set(password=password)
        saved = SavedPassword(saved_password) if saved_password is not None else None
        engine = create_store_engine(
            parsed, allow_network_fs=allow_network_fs, saved_password=saved, read_only=read_only
        )
        return cls(engine, saved)

    @property
    def url(self) -> URL:
        """The engine's URL, with the saved password once the server asked for it: for a
        connection of its own (the change listener)."""
        url = self.engine.url
        if self._saved_password is not None and self._saved_password.value and not url.password:
            return url.set(password=self._saved_password.value)
        return url

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @property
    def sqlite_file(self) -> Path | None:
        """The store's file, for a SQLite store."""
        database = self.engine.url.database
        return Path(database) if self.dialect == "sqlite" and database else None

    def initialise(self) -> tuple[int | None, int]:
        """Create (a SQLite file only here, never by opening) or upgrade the store's schema."""
        with self._translated(init=True):
            if self.sqlite_file is not None and not self.sqlite_file.exists():
                self._create_file(self.sqlite_file)
            result = schema.upgrade(self.engine)
        self._checked_read = self._checked_write = True
        return result

    def _create_file(self, path: Path) -> None:
        try:
            # Exclusive: two `init`s at once, or a file that appeared meanwhile, are fine.
            with contextlib.suppress(FileExistsError):
                path.open("xb").close()
        except OSError as exc:
            raise StoreUnavailableError(
                folders.sentence(path.parent, exc, folders.STORE)
                or f"The store file {path} cannot be created ({exc.strerror or exc}); check "
                "the folder and its permissions."
            ) from None

    def version(self) -> int | None:
        """The store's schema version; None for an uninitialised store (or no SQLite file)."""
        if self.sqlite_file is not None and not self.sqlite_file.exists():
            return None
        with self._translated():
            return schema.store_version(self.engine)

    @contextmanager
    def read(self) -> Iterator[Session]:
        check_off_gui_thread("a store read")
        with self._translated():
            self._check_read()
            with Session(self.engine, expire_on_commit=False) as session, session.begin():
                yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        check_off_gui_thread("a store write")
        with self._translated():
            if not self._checked_write:
                schema.check(self.engine, self.shown_url, write=True)
                self._checked_write = self._checked_read = True
            with Session(self._writer, expire_on_commit=False) as session:
                session.begin()
                try:
                    yield session
                    session.flush()
                except BaseException:
                    session.rollback()
                    raise
                self._commit(session)
        if session.info.get(feed.HINT):
            # After the commit and with the write's connection back in the pool: a full NOTIFY
            # queue must not fail the write, and the hint must not wait for a second connection.
            feed.send_hint(self.engine)

    def _commit(self, session: Session) -> None:
        try:
            session.commit()
        except DBAPIError as exc:
            # No SQLSTATE: the server gave no answer to the COMMIT, which it may have carried
            # out. Saying "failed" would make a person do the write again.
            if self.dialect == "postgresql" and not getattr(exc.orig, "sqlstate", None):
                raise CommitUnknownError(
                    f"The store at {self.shown_url} stopped answering while saving this change, "
                    "so it may or may not have been saved; look before doing it again."
                ) from exc
            raise

    def feed_page(self, cursor: str, limit: int = 500) -> feed.FeedPage:
        """Events after ``cursor``; see ``inbox.store.feed`` for why this order is safe."""
        check_off_gui_thread("a change feed read")
        with self._translated():
            self._check_read()
            with self.engine.connect() as connection:
                return feed.read(connection, cursor, limit)

    def catch_up_page(self, cursor: str, limit: int = 500) -> catch_up.CatchUpPage | None:
        """The feed's next page with the decisions (and directory) it touched, in one round
        trip on PostgreSQL (``inbox.store.catch_up``); None on SQLite, which reads them apart.

        It runs on a connection kept for it, in autocommit and without the pool's pre-ping (a
        wake-up's whole cost would otherwise be its round trips). A connection the server
        dropped since is noticed by the statement itself and replaced once."""
        if self.dialect != "postgresql":
            return None
        check_off_gui_thread("a change feed read")
        with self._translated():
            self._check_read()
            with self._wakeup_lock:
                for attempt in (1, 2):
                    connection = self._wakeup_connection()
                    try:
                        return catch_up.read(connection, cursor, limit)
                    except DBAPIError as exc:
                        self._drop_wakeup_connection()
                        if attempt == 2 or not exc.connection_invalidated:
                            raise
        raise AssertionError("unreachable")  # pragma: no cover

    def _wakeup_connection(self) -> Connection:
        if self._wakeup is None:
            connection = self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
            # Planned once for the connection, not at every wake-up: planning the statement
            # took longer than running it, and a hundred clients woken together plan it a
            # hundred times on one server. psycopg prepares it at its first use.
            connection.exec_driver_sql("SET plan_cache_mode = force_generic_plan")
            driver = connection.connection.dbapi_connection
            driver.prepare_threshold = 0  # type: ignore[union-attr]
            self._wakeup = connection
        return self._wakeup

    def _drop_wakeup_connection(self) -> None:
        if self._wakeup is not None:
            with contextlib.suppress(SQLAlchemyError):
                self._wakeup.close()
            self._wakeup = None

    def feed_end(self) -> str:
        check_off_gui_thread("a change feed read")
        with self._translated():
            self._check_read()
            with self.engine.connect() as connection:
                return feed.end(connection)

    def _check_read(self) -> None:
        # The feed is read before anything else on a first sync: an uninitialised or too old
        # store must say so here, not fail later as "relation change_log does not exist".
        if not self._checked_read:
            schema.check(self.engine, self.shown_url, write=False)
            self._checked_read = True

    def dispose(self) -> None:
        with self._wakeup_lock:
            self._drop_wakeup_connection()
        self.engine.dispose()

    # Complexity C (radon): one branch per kind of database error and the sentence it becomes; the
    # one place that translates them.
    @contextmanager
    def _translated(self, *, init: bool = False) -> Iterator[None]:
        try:
            yield
        except InboxError:
            raise
        except DBAPIError as exc:
            refused = refusals.from_database(exc.orig)
            if refused is not None:
                raise refused from None
            if isinstance(exc, IntegrityError):
                raise ConcurrentWriteError(
                    "Someone else changed the same thing at the same moment; reload and try again."
                ) from exc
            if self.sqlite_file is not None and not self.sqlite_file.exists():
                raise missing_store_file(self.sqlite_file) from exc
            if self.sqlite_file is not None and exc.orig is not None:
                said = folders.sentence(self.sqlite_file.parent, exc.orig, folders.STORE)
                if said is not None:  # read-only, not permitted or full: say which folder
                    raise StoreUnavailableError(said) from exc
            raise translate(exc, self.shown_url, init=init) from exc
        except SQLAlchemyError as exc:
            raise StoreUnavailableError(
                f"The store at {self.shown_url} failed: {first_line(exc)}."
            ) from exc


def missing_store_file(path: Path) -> StoreRefusedError:
    """No file where a SQLite store was named: not an outage (nothing is queued for it or
    retried until the path is fixed), and opening never creates one (docs/cli.md)."""
    return StoreRefusedError(
        f"There is no store file at {path}; check the path, or create a store there with "
        f"`decision-inbox --store {shlex.quote(str(path))} init`."
    )


# Complexity C (radon): one branch per cause with a sentence of its own; the fallbacks last.
def translate(exc: DBAPIError, shown_url: str, *, init: bool = False) -> InboxError:
    """One sentence for a driver error: permission, unreachable, or the driver's own words;
    ``init``: the error came while creating or upgrading the store's tables."""
    refused = refusal(exc.orig, shown_url)
    if refused is not None:
        return refused
    sqlstate = getattr(exc.orig, "sqlstate", None)
    if sqlstate in _WAITED:
        return StoreUnavailableError(
            f"The store at {shown_url} {_WAITED[sqlstate]}; try again in a moment."
        )
    if sqlstate in _SERVER_SHORT:
        return StoreUnavailableError(
            f"The server of the store at {shown_url} {_SERVER_SHORT[sqlstate]} "
            f"({first_line(exc.orig)}); {_SERVER_NEXT[sqlstate]}."
        )
    if sqlstate == "42501" and init:  # insufficient_privilege, creating the tables
        return PermissionDeniedError(
            f"The login of {shown_url} may not create the store's tables there "
            f"({first_line(exc.orig)}); `init` needs a superuser or the database's owner, so "
            "run it as one of them."
        )
    if sqlstate == "42501":  # insufficient_privilege
        return PermissionDeniedError(
            f"The store at {shown_url} denied this: {first_line(exc.orig)}."
        )
    if isinstance(exc, OperationalError) and exc.connection_invalidated is False:
        text = first_line(exc.orig)
        if "database is locked" in text:
            return StoreUnavailableError(
                f"The store at {shown_url} stayed locked by another writer for 5 seconds; "
                "try again in a moment."
            )
        if "unable to open database" in text:
            return StoreUnavailableError(
                f"The store file at {shown_url} cannot be opened; check the path and its "
                "permissions."
            )
    if sqlstate:
        # The server answered, so it is running and the URL is right: say what it said.
        return StoreUnavailableError(
            f"The store at {shown_url} refused this: {first_line(exc.orig)} (SQLSTATE "
            f"{sqlstate}); try again, and tell the store's admin if it keeps happening."
        )
    if shown_url.startswith("sqlite"):
        return StoreUnavailableError(
            f"The store file at {shown_url} cannot be used: {first_line(exc.orig)}; check the "
            "file and its folder."
        )
    return StoreUnavailableError(
        f"The store at {shown_url} cannot be used: {first_line(exc.orig)}; check that it is "
        "running and the URL is right."
    )


# The server is short of something (class 53): not this client's fault, and nothing to fix in
# the URL.
_SERVER_SHORT = {
    "53100": "has no disk space left",
    "53200": "ran out of memory",
    "53300": "has no connection to spare",
}
_SERVER_NEXT = {
    "53100": "ask its admin to free some, then try again",
    "53200": "try again in a moment, and tell its admin if it keeps happening",
    "53300": "try again in a moment, or ask its admin to raise max_connections",
}


# The server's own limits (migration v3 and the member logins' session settings): another
# session held what this write needed, or this session waited too long.
_WAITED = {
    "55P03": "could not take a lock another session holds (someone's transaction is still open)",
    "57014": "stopped a statement that ran past its time limit",
    "25P03": "closed this session's transaction, left idle past its time limit",
}

# libpq's own words, matched as text: an error raised while connecting carries no SQLSTATE.
_REFUSALS: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(r"password authentication failed for user \"([^\"]*)\""),
        "The store at {url} did not accept the password of {0}; check the password and try again.",
    ),
    (
        re.compile(r"no password supplied"),
        "The store at {url} asks for a password and none was given; add it and try again.",
    ),
    (
        re.compile(r"role \"([^\"]*)\" does not exist"),
        "The store at {url} has no login role {0}; check the user name in the URL, or ask the "
        "store's admin to create it.",
    ),
    (
        re.compile(r"role \"([^\"]*)\" is not permitted to log in"),
        "The store at {url} does not let {0} log in any more (the login was disabled); ask the "
        "store's admin to enable it again (`ALTER ROLE … LOGIN`) or to grant you access anew.",
    ),
    (
        re.compile(r"database \"([^\"]*)\" does not exist"),
        "The server of the store at {url} has no database {0}; check the database name in the URL.",
    ),
    (
        re.compile(r"no pg_hba\.conf entry for host \"([^\"]*)\""),
        "The store at {url} does not let this machine ({0}) log in; ask the store's admin to "
        "allow it in pg_hba.conf.",
    ),
    (
        re.compile(r"(invalid (?:port number|connection option|URI query parameter)[^\n]*)"),
        "The store URL {url} is not understood by the PostgreSQL driver ({0}); fix the URL.",
    ),
)


def refusal(orig: BaseException | None, shown_url: str) -> StoreRefusedError | None:
    """The sentence for a server (or driver) that refused this client for good, else None.

    Never quotes what it was given: the URL is the redacted one, and libpq does not repeat a
    password in its messages."""
    text = str(orig or "")
    for pattern, sentence in _REFUSALS:
        match = pattern.search(text)
        if match:
            return StoreRefusedError(sentence.format(*match.groups(), url=shown_url))
    return None


def first_line(exc: BaseException | None) -> str:
    text = str(exc or "").strip().splitlines()
    return text[0].rstrip(".") if text else type(exc).__name__
