"""The local cache: what the client synced from the store, and the feed cursor.

It holds the decisions in its person's scope whole and every other live decision as its index
(inbox.core.scope): a conflict is two decisions asserting different values, and one of them may
concern nobody the person knows. The cache is disposable: a corrupt or foreign file is moved aside
and rebuilt from the store, which costs one full load. What must not be lost (the outbox, what
was notified) lives in the state file instead.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from inbox.core.codec import (
    code_check_from_dict,
    code_check_to_dict,
    decision_from_dict,
    decision_to_dict,
    person_from_dict,
    person_to_dict,
)
from inbox.core.keys import decision_sort_key
from inbox.core.model import CodeCheck, Decision, Person, Snapshot
from inbox.store.cursors import outdated
from inbox.sync.localdb import LocalFile, synchronized, transaction

log = logging.getLogger(__name__)

APPLICATION_ID = 0x44494331  # "DIC1"
VERSION = 1
SCHEMA = """
CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE decisions (key TEXT PRIMARY KEY, data TEXT NOT NULL, stamp INTEGER NOT NULL DEFAULT 0);
CREATE INDEX ix_decisions_stamp ON decisions (stamp);
CREATE TABLE people (handle TEXT PRIMARY KEY, data TEXT NOT NULL);
CREATE TABLE code_checks (team TEXT NOT NULL, repo TEXT NOT NULL, data TEXT NOT NULL,
                          PRIMARY KEY (team, repo));
CREATE TABLE IF NOT EXISTS unreadable (key TEXT PRIMARY KEY, cause TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS dropped (key TEXT PRIMARY KEY, stamp INTEGER NOT NULL);
INSERT INTO meta (name, value) VALUES ('scoped', '1');
"""
# Decisions that left the person's scope and are no longer live are deleted, and their keys
# kept here under the stamp that deleted them, so a reader that holds them decoded drops them
# too instead of decoding everything again. A file of before scoping ("scoped" missing from
# meta) held every decision of the store: its cursor is forgotten once, so the next sync loads
# what its person's scope holds.
_ADD_DROPPED = "CREATE TABLE IF NOT EXISTS dropped (key TEXT PRIMARY KEY, stamp INTEGER NOT NULL)"
# The decisions the store holds that this version could not read (inbox.store.validate), and in
# meta "skipped_events" how many feed events it skipped; files of before get the table.
_ADD_UNREADABLE = (
    "CREATE TABLE IF NOT EXISTS unreadable (key TEXT PRIMARY KEY, cause TEXT NOT NULL)"
)
# Each write transaction takes the next stamp and marks the rows it writes with it, so a reader
# holding the decoded decisions asks for the rows of later stamps only instead of decoding the
# world ("stamp" in meta: the latest; "people_stamp": the latest that rewrote the directory;
# "reset_stamp": the latest that replaced everything). Files of before the stamps get the column.
_ADD_STAMPS = (
    "ALTER TABLE decisions ADD COLUMN stamp INTEGER NOT NULL DEFAULT 0",
    "CREATE INDEX IF NOT EXISTS ix_decisions_stamp ON decisions (stamp)",
)
# The latest code check of each repository (schema v4 of the store), rewritten whole when one
# changes ("checks_stamp" in meta: the latest stamp that did). A file of before it gets the
# table, and "checks_missing" until the next catch-up has loaded them: its cursor may be past
# code checks it never kept.
_ADD_CODE_CHECKS = (
    "CREATE TABLE IF NOT EXISTS code_checks (team TEXT NOT NULL, repo TEXT NOT NULL, "
    "data TEXT NOT NULL, PRIMARY KEY (team, repo))",
    "INSERT OR REPLACE INTO meta (name, value) VALUES ('checks_missing', '1')",
)


@dataclass(frozen=True)
class CacheChanges:
    """What the cache holds beyond a reader's stamp: ``everything`` when the reader must start
    over (then ``decisions`` and ``people`` are the whole cache)."""

    stamp: int
    everything: bool
    decisions: tuple[Decision, ...]
    people: Mapping[str, Person] | None
    code_checks: tuple[CodeCheck, ...] | None = None  # None: unchanged
    unreadable: Mapping[str, str] = field(default_factory=dict)  # always the whole set
    dropped: tuple[str, ...] = ()  # keys deleted since (never with ``everything``)


class Cache(LocalFile):
    """Readers get frozen values; every method holds the file's lock."""

    APPLICATION_ID = APPLICATION_ID
    VERSION = VERSION
    SCHEMA = SCHEMA

    def __init__(self, path: Path, *, read_only: bool = False) -> None:
        super().__init__(path, read_only=read_only)
        if not read_only:  # a read-only profile keeps its file as it is
            self._add_stamps()
            self._add_code_checks()
            self._add_unreadable()
            self._add_dropped()
            self._forget_outdated_cursor()

    @synchronized
    def _add_stamps(self) -> None:
        columns = {row[1] for row in self._db.execute("PRAGMA table_info(decisions)")}
        if "stamp" in columns:
            return
        with transaction(self._db):
            # Another process of this profile may have added it meanwhile.
            if "stamp" not in {row[1] for row in self._db.execute("PRAGMA table_info(decisions)")}:
                for statement in _ADD_STAMPS:
                    self._db.execute(statement)

    @synchronized
    def _add_code_checks(self) -> None:
        if self._has_code_checks():
            return
        with transaction(self._db):
            if not self._has_code_checks():  # another process of this profile may have
                for statement in _ADD_CODE_CHECKS:
                    self._db.execute(statement)

    @synchronized
    def _add_unreadable(self) -> None:
        # Only a file of before the table pays for a write transaction at open.
        exists = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'unreadable'"
        if self._db.execute(exists).fetchone() is None:
            with transaction(self._db):
                self._db.execute(_ADD_UNREADABLE)

    @synchronized
    def _add_dropped(self) -> None:
        if self.get("scoped") is not None:
            return
        with transaction(self._db):
            if self.get("scoped") is not None:  # another process of this profile did it
                return
            self._db.execute(_ADD_DROPPED)
            forgot = self._db.execute("DELETE FROM meta WHERE name = 'cursor'").rowcount
            self._set("scoped", "1")
        if forgot:
            log.warning(
                "%s holds every decision of the store; the next sync loads the ones that "
                "concern its person, and of the others only what conflicts need",
                self.path,
            )

    def _has_code_checks(self) -> bool:
        found = self._db.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'code_checks'"
        ).fetchone()
        return found is not None

    @property
    @synchronized
    def checks_missing(self) -> bool:
        """Whether this file was made before it kept code checks and has not loaded them yet."""
        return self.get("checks_missing") is not None

    @synchronized
    def _forget_outdated_cursor(self) -> None:
        """A cursor of an older form cannot be translated into today's without reading some
        events twice or not at all: forget it, so that the next sync loads the store afresh
        (what a new cache costs), and say so once."""
        cursor = self.get("cursor")
        if cursor is None or not outdated(cursor):
            return
        with transaction(self._db):
            # Another process of this profile may have done this (and synced) meanwhile.
            self._db.execute("DELETE FROM meta WHERE name = 'cursor' AND value = ?", (cursor,))
        log.warning(
            "%s holds a change-feed position of an older version (%s); the next sync loads "
            "the store afresh",
            self.path,
            cursor,
        )

    @property
    @synchronized
    def cursor(self) -> str | None:
        """None until the first full load; then the feed position the cache is complete up to."""
        return self.get("cursor")

    @synchronized
    def snapshot(self) -> Snapshot:
        """Everything, decoded: for one-shot readers. A running client keeps a
        :class:`~inbox.sync.mirror.CacheMirror` instead, which decodes only what changed."""
        decisions = [
            decision_from_dict(json.loads(d))
            for (d,) in self._db.execute("SELECT data FROM decisions")
        ]
        decisions.sort(key=lambda d: decision_sort_key(d.key))
        return Snapshot(
            tuple(decisions), self._people(), self._code_checks(), unreadable=self._unreadable()
        )

    @property
    @synchronized
    def skipped_events(self) -> int:
        """How many change-feed events this profile skipped as unreadable (inbox.store.validate)."""
        return self._stamp("skipped_events")

    def _unreadable(self) -> dict[str, str]:
        try:
            return dict(self._db.execute("SELECT key, cause FROM unreadable").fetchall())
        except sqlite3.OperationalError:  # a read-only file of before the table
            return {}

    @synchronized
    def changes(self, since: int | None) -> CacheChanges:
        """What was written after stamp ``since`` (None: nothing known yet), decoding only
        that; one read transaction, so it is one consistent state of the file."""
        self._db.execute("BEGIN")
        try:
            stamp = self._stamp("stamp")
            if since is None or since < self._stamp("reset_stamp") or since > stamp:
                everything = True
                rows = self._db.execute("SELECT data FROM decisions")
                people: dict[str, Person] | None = self._people()
                checks: tuple[CodeCheck, ...] | None = self._code_checks()
                dropped: tuple[str, ...] = ()
            else:
                everything = False
                rows = self._db.execute("SELECT data FROM decisions WHERE stamp > ?", (since,))
                dropped = tuple(self._dropped(since))
                people = self._people() if self._stamp("people_stamp") > since else None
                checks = self._code_checks() if self._stamp("checks_stamp") > since else None
            # Decoded as the rows come: never the whole file's text and its values at once.
            decisions = tuple(decision_from_dict(json.loads(d)) for (d,) in rows)
            unreadable = self._unreadable()
        finally:
            self._db.execute("COMMIT")
        return CacheChanges(stamp, everything, decisions, people, checks, unreadable, dropped)

    def _dropped(self, since: int) -> list[str]:
        try:
            rows = self._db.execute("SELECT key FROM dropped WHERE stamp > ?", (since,))
            return [key for (key,) in rows]
        except sqlite3.OperationalError:  # a read-only file of before the table
            return []

    def _stamp(self, name: str) -> int:
        return int(self.get(name) or 0)

    def _code_checks(self) -> tuple[CodeCheck, ...]:
        if not self._has_code_checks():
            return ()  # a read-only file of before code checks: it never synced any
        rows = self._db.execute("SELECT data FROM code_checks ORDER BY team, repo").fetchall()
        return tuple(code_check_from_dict(json.loads(d)) for (d,) in rows)

    def _people(self) -> dict[str, Person]:
        return {
            p.handle: p
            for p in (
                person_from_dict(json.loads(d))
                for (d,) in self._db.execute("SELECT data FROM people")
            )
        }

    @synchronized
    def replace_all(
        self,
        decisions: Iterable[Decision],
        people: Mapping[str, Person],
        cursor: str,
        code_checks: Iterable[CodeCheck] = (),
        unreadable: Mapping[str, str] | None = None,
    ) -> int:
        """The first full load (or a rebuild): everything at once, with its cursor; the
        decisions may be a stream, written as they come (``unreadable``, if given, is read after
        it is consumed: the stream may find more). Returns the stamp written."""
        with transaction(self._db):
            self._db.execute("DELETE FROM decisions")
            self._db.execute("DELETE FROM people")
            self._db.execute("DELETE FROM unreadable")
            self._db.execute("DELETE FROM dropped")  # readers start over (reset_stamp)
            stamp = self._put(decisions, people, code_checks, fresh=True)
            self._set("scoped", "1")
            self._db.executemany(
                "INSERT INTO unreadable (key, cause) VALUES (?, ?)", (unreadable or {}).items()
            )
            self._set("reset_stamp", str(stamp))
            self._set("cursor", cursor)
        return stamp

    @synchronized
    def apply(
        self,
        decisions: Iterable[Decision],
        people: Mapping[str, Person] | None,
        cursor: str,
        code_checks: Iterable[CodeCheck] | None = None,
        *,
        unreadable: Mapping[str, str] | None = None,
        skipped: int = 0,
        dropped: Iterable[str] = (),
    ) -> tuple[int, int] | None:
        """One catch-up batch in one local transaction: changed decisions, the directory and
        the latest code checks when they changed, the decisions that became unreadable, those
        no longer kept (``dropped``: out of scope and not live), the count of skipped events and
        the cursor, so a crash leaves either all of it or none.

        Returns the stamps before and after: a reader that had seen the first has now seen the
        second plus exactly these decisions (and directory and checks); None when the batch
        also removed decisions (now unreadable), which every reader must read afresh."""
        decisions = list(decisions)
        with transaction(self._db):
            before = self._stamp("stamp")
            if people is not None:
                self._db.execute("DELETE FROM people")
            self._db.executemany(
                "DELETE FROM unreadable WHERE key = ?", [(d.key,) for d in decisions]
            )
            stamp = self._put(decisions, people, code_checks)
            gone = [(k,) for k in dropped]
            self._db.executemany("DELETE FROM decisions WHERE key = ?", gone)
            self._db.executemany(
                "INSERT OR REPLACE INTO dropped (key, stamp) VALUES (?, ?)",
                [(k, stamp) for (k,) in gone],
            )
            if unreadable:
                self._db.executemany(
                    "INSERT OR REPLACE INTO unreadable (key, cause) VALUES (?, ?)",
                    unreadable.items(),
                )
                self._db.executemany(
                    "DELETE FROM decisions WHERE key = ?", [(k,) for k in unreadable]
                )
                # A removed row is no later stamp a reader could see: make readers start over.
                self._set("reset_stamp", str(stamp))
            if skipped:
                self._set("skipped_events", str(self._stamp("skipped_events") + skipped))
            self._set("cursor", cursor)
        return None if unreadable else (before, stamp)

    def _put(
        self,
        decisions: Iterable[Decision],
        people: Mapping[str, Person] | None,
        code_checks: Iterable[CodeCheck] | None = None,
        *,
        fresh: bool = False,
    ) -> int:
        """Write under the next stamp (inside the caller's transaction); return it. ``fresh``:
        the tables were just emptied, so no key written can be among the dropped."""
        stamp = self._stamp("stamp") + 1
        kept: list[tuple[str]] = []

        def rows() -> Iterable[tuple[str, str, int]]:
            for d in decisions:
                if not fresh:
                    kept.append((d.key,))
                yield d.key, _encode(decision_to_dict(d)), stamp

        self._db.executemany(
            "INSERT OR REPLACE INTO decisions (key, data, stamp) VALUES (?, ?, ?)", rows()
        )
        self._db.executemany("DELETE FROM dropped WHERE key = ?", kept)  # kept again
        if people is not None:
            self._db.executemany(
                "INSERT OR REPLACE INTO people (handle, data) VALUES (?, ?)",
                [(p.handle, json.dumps(person_to_dict(p))) for p in people.values()],
            )
            self._set("people_stamp", str(stamp))
        if code_checks is not None:
            self._db.execute("DELETE FROM code_checks")
            self._db.executemany(
                "INSERT INTO code_checks (team, repo, data) VALUES (?, ?, ?)",
                [(c.team, c.repo, json.dumps(code_check_to_dict(c))) for c in code_checks],
            )
            self._set("checks_stamp", str(stamp))
            self._db.execute("DELETE FROM meta WHERE name = 'checks_missing'")
        self._set("stamp", str(stamp))
        return stamp


# One encoder made once: json.dumps builds a new one for every call given any option.
_encode = json.JSONEncoder(ensure_ascii=False, check_circular=False).encode
