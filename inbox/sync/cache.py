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
from collections.abc import Iterable, Mapping
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
CREATE TABLE decisions (key TEXT PRIMARY KEY, data TEXT NOT NULL);
CREATE TABLE people (handle TEXT PRIMARY KEY, data TEXT NOT NULL);
"""


class Cache(LocalFile):
    """Readers get frozen values; every method holds the file's lock."""

    APPLICATION_ID = APPLICATION_ID
    VERSION = VERSION
    SCHEMA = SCHEMA

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self._forget_outdated_cursor()

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
        decisions = [
            decision_from_dict(json.loads(d))
            for (d,) in self._db.execute("SELECT data FROM decisions")
        ]
        decisions.sort(key=lambda d: decision_sort_key(d.key))
        people = {
            p.handle: p
            for p in (
                person_from_dict(json.loads(d))
                for (d,) in self._db.execute("SELECT data FROM people")
            )
        }
        return Snapshot(tuple(decisions), people)

    @synchronized
    def replace_all(self, snapshot: Snapshot, cursor: str) -> None:
        """The first full load (or a rebuild): everything at once, with its cursor."""
        with transaction(self._db):
            self._db.execute("DELETE FROM decisions")
            self._db.execute("DELETE FROM people")
            self._put(snapshot.decisions, snapshot.people)
            self._set("cursor", cursor)

    @synchronized
    def apply(
        self, decisions: Iterable[Decision], people: Mapping[str, Person] | None, cursor: str
    ) -> None:
        """One catch-up batch in one local transaction: changed decisions, the directory when
        it changed, and the cursor, so a crash leaves either all of it or none."""
        with transaction(self._db):
            if people is not None:
                self._db.execute("DELETE FROM people")
            self._put(decisions, people or {})
            self._set("cursor", cursor)

    def _put(self, decisions: Iterable[Decision], people: Mapping[str, Person]) -> None:
        self._db.executemany(
            "INSERT OR REPLACE INTO decisions (key, data) VALUES (?, ?)",
            [(d.key, json.dumps(decision_to_dict(d))) for d in decisions],
        )
        self._db.executemany(
            "INSERT OR REPLACE INTO people (handle, data) VALUES (?, ?)",
            [(p.handle, json.dumps(person_to_dict(p))) for p in people.values()],
        )
