"""The local cache: what the client synced from the store, and the feed cursor.

It holds every decision of the store, not only the user's: a conflict is two decisions asserting
different values, and one of them may concern nobody the user knows. Decisions are few (thousands
a year), so this stays small. The cache is disposable: a corrupt or foreign file is moved aside
and rebuilt from the store, which costs one full load. What must not be lost (the outbox, what
was notified) lives in the state file instead.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from inbox.core.codec import decision_from_dict, decision_to_dict, person_from_dict, person_to_dict
from inbox.core.keys import decision_sort_key
from inbox.core.model import Decision, Person, Snapshot
from inbox.store import feed
from inbox.sync.localdb import LocalFile, synchronized, transaction

log = logging.getLogger(__name__)

APPLICATION_ID = 0x44494331  # "DIC1"
VERSION = 1
SCHEMA = """
CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE decisions (key TEXT PRIMARY KEY, data TEXT NOT NULL, stamp INTEGER NOT NULL DEFAULT 0);
CREATE INDEX ix_decisions_stamp ON decisions (stamp);
CREATE TABLE people (handle TEXT PRIMARY KEY, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS unreadable (key TEXT PRIMARY KEY, cause TEXT NOT NULL);
"""
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


@dataclass(frozen=True)
class CacheChanges:
    """What the cache holds beyond a reader's stamp: ``everything`` when the reader must start
    over (then ``decisions`` and ``people`` are the whole cache)."""

    stamp: int
    everything: bool
    decisions: tuple[Decision, ...]
    people: Mapping[str, Person] | None
    unreadable: Mapping[str, str]


class Cache(LocalFile):
    """Readers get frozen values; every method holds the file's lock."""

    APPLICATION_ID = APPLICATION_ID
    VERSION = VERSION
    SCHEMA = SCHEMA

    def __init__(self, path: Path, *, read_only: bool = False) -> None:
        super().__init__(path, read_only=read_only)
        if not read_only:  # a read-only profile keeps its file as it is
            self._add_stamps()
            self._add_unreadable()
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
    def _add_unreadable(self) -> None:
        # Only a file of before the table pays for a write transaction at open.
        exists = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'unreadable'"
        if self._db.execute(exists).fetchone() is None:
            with transaction(self._db):
                self._db.execute(_ADD_UNREADABLE)

    @synchronized
    def _forget_outdated_cursor(self) -> None:
        """A cursor of an older form cannot be translated into today's without reading some
        events twice or not at all: forget it, so that the next sync loads the store afresh
        (what a new cache costs), and say so once."""
        cursor = self.get("cursor")
        if cursor is None or not feed.outdated(cursor):
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
        return Snapshot(tuple(decisions), self._people(), self._unreadable())

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
                rows = self._db.execute("SELECT data FROM decisions").fetchall()
                people: dict[str, Person] | None = self._people()
                everything = True
            else:
                rows = self._db.execute(
                    "SELECT data FROM decisions WHERE stamp > ?", (since,)
                ).fetchall()
                people = self._people() if self._stamp("people_stamp") > since else None
                everything = False
            unreadable = self._unreadable()
        finally:
            self._db.execute("COMMIT")
        decisions = tuple(decision_from_dict(json.loads(d)) for (d,) in rows)
        return CacheChanges(stamp, everything, decisions, people, unreadable)

    def _stamp(self, name: str) -> int:
        return int(self.get(name) or 0)

    def _people(self) -> dict[str, Person]:
        return {
            p.handle: p
            for p in (
                person_from_dict(json.loads(d))
                for (d,) in self._db.execute("SELECT data FROM people")
            )
        }

    @synchronized
    def replace_all(self, snapshot: Snapshot, cursor: str) -> None:
        """The first full load (or a rebuild): everything at once, with its cursor."""
        with transaction(self._db):
            self._db.execute("DELETE FROM decisions")
            self._db.execute("DELETE FROM people")
            self._db.execute("DELETE FROM unreadable")
            self._db.executemany(
                "INSERT INTO unreadable (key, cause) VALUES (?, ?)", snapshot.unreadable.items()
            )
            stamp = self._put(snapshot.decisions, snapshot.people)
            self._set("reset_stamp", str(stamp))
            self._set("cursor", cursor)

    @synchronized
    def apply(
        self,
        decisions: Iterable[Decision],
        people: Mapping[str, Person] | None,
        cursor: str,
        *,
        unreadable: Mapping[str, str] | None = None,
        skipped: int = 0,
    ) -> None:
        """One catch-up batch in one local transaction: changed decisions, the directory when
        it changed, the decisions that became unreadable, the count of skipped events and the
        cursor, so a crash leaves either all of it or none."""
        decisions = list(decisions)
        with transaction(self._db):
            if people is not None:
                self._db.execute("DELETE FROM people")
            self._db.executemany(
                "DELETE FROM unreadable WHERE key = ?", [(d.key,) for d in decisions]
            )
            stamp = self._put(decisions, people)
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

    def _put(self, decisions: Iterable[Decision], people: Mapping[str, Person] | None) -> int:
        """Write under the next stamp (inside the caller's transaction); return it."""
        stamp = self._stamp("stamp") + 1
        self._db.executemany(
            "INSERT OR REPLACE INTO decisions (key, data, stamp) VALUES (?, ?, ?)",
            [(d.key, json.dumps(decision_to_dict(d)), stamp) for d in decisions],
        )
        if people is not None:
            self._db.executemany(
                "INSERT OR REPLACE INTO people (handle, data) VALUES (?, ?)",
                [(p.handle, json.dumps(person_to_dict(p))) for p in people.values()],
            )
            self._set("people_stamp", str(stamp))
        self._set("stamp", str(stamp))
        return stamp
