"""One open store: its engine, its schema check and short read/write units of work.

Database failures leave this module as sentences (``inbox.core.errors``), never as driver
exceptions, so every caller (CLI, sync, app) shows the same words.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Connection, Engine
from sqlalchemy.engine import URL
from sqlalchemy.exc import (
    DBAPIError,
    IntegrityError,
    SQLAlchemyError,
)
from sqlalchemy.orm import Session

from inbox.core.errors import (
    InboxError,
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
from inbox.store.failures import (
    CommitUnknownError,
    ConcurrentWriteError,
    StoreRefusedError,
    first_line,
    missing_store_file,
    refusal,
    translate,
)

# Where callers have long found them; they live in inbox.store.failures.
__all__ = [
    "CommitUnknownError",
    "ConcurrentWriteError",
    "StoreConnection",
    "StoreRefusedError",
    "first_line",
    "missing_store_file",
    "refusal",
    "translate",
]


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

    def catch_up_page(
        self, cursor: str, limit: int = 500, scope: str | None = None
    ) -> catch_up.CatchUpPage | None:
        """The feed's next page with the decisions (and directory) it touched, in one round
        trip on PostgreSQL (``inbox.store.catch_up``), scoped to the person ``scope`` names;
        None on SQLite, which reads them apart.

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
                        return catch_up.read(connection, cursor, limit, scope)
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
