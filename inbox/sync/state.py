"""The client's precious local state: the outbox and the notification policy's memory.

Kept apart from the cache (a file that may be rebuilt at any time) so that a corrupt cache can
never take an unsent acknowledgment with it. Every change here is one local transaction.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from inbox.sync.localdb import LocalFile, synchronized, transaction
from inbox.sync.salvage import salvage_outbox

log = logging.getLogger(__name__)

APPLICATION_ID = 0x44495331  # "DIS1"
VERSION = 1
SCHEMA = """
CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE outbox (
    id TEXT PRIMARY KEY,             -- the client-made UUID the store deduplicates on
    kind TEXT NOT NULL CHECK (kind IN ('ack', 'feedback')),
    decision TEXT NOT NULL,
    revision INTEGER,                -- acknowledgments are pinned to what the person saw
    body TEXT,
    objection INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'error')),
    error TEXT
);
"""

# Acknowledgments in their undo window: queued like any other entry (so a crash cannot lose
# them) but not sent before ``until``. Kept in a table of its own so the outbox's rows keep their
# shape (the salvage of a damaged file reads them by position); a hold lost with a damaged file
# only means the entry goes out at once.
HOLDS = "CREATE TABLE IF NOT EXISTS holds (id TEXT PRIMARY KEY, until TEXT NOT NULL)"

PENDING, SENT, REFUSED = "pending", "sent", "error"
"""An outbox entry waits to be sent, was sent and awaits the feed's confirmation, or was refused by
the store (kept with the store's sentence, never retried)."""


@dataclass(frozen=True)
class OutboxEntry:
    id: str
    kind: str
    decision: str
    revision: int | None
    body: str | None
    objection: bool
    created_at: datetime
    status: str
    error: str | None


@dataclass(frozen=True)
class Recovery:
    """What opening a damaged state file saved of its outbox: ``recovered`` entries queued
    again, ``lost`` ones known to have existed but unreadable (all of them when ``exact``; when
    the damage reached the index that lists them, a lower bound), and where the damaged file
    now lies."""

    recovered: int
    lost: int
    exact: bool
    aside: Path

    @property
    def message(self) -> str:
        """One sentence for the person (the command line's stderr, the app's banner)."""
        again = "give again any acknowledgment or feedback the inbox does not list"
        if self.exact and not self.lost:
            lost = "nothing was lost"
        elif self.exact:
            lost = f"{self.lost} could not be read: {again}"
        elif self.lost:
            lost = f"at least {self.lost} could not be read: {again}"
        else:
            lost = f"others may have been lost: {again}"
        if self.recovered == 0:
            return (
                f"The state file was damaged (kept as {self.aside.name}) and no queued "
                f"acknowledgment or feedback could be read from it; {lost}."
            )
        return (
            f"Recovered {self.recovered} queued acknowledgment{'' if self.recovered == 1 else 's'}"
            f" or feedback from a damaged state file (kept as {self.aside.name}); {lost}."
        )


class ClientState(LocalFile):
    """The outbox, and named values (the notification policy's memory) in ``meta``.

    ``recovery`` is set when the file was unreadable and moved aside on opening: what was saved
    of its outbox, for the person to be told once (``Recovery.message``)."""

    APPLICATION_ID = APPLICATION_ID
    VERSION = VERSION
    SCHEMA = SCHEMA

    def __init__(self, path: Path, *, read_only: bool = False) -> None:
        super().__init__(path, read_only=read_only)
        self.recovery: Recovery | None = None
        if read_only:
            return
        # FULL: a commit is on disk before "Queued" is said, even across a power cut (WAL with
        # NORMAL may lose the last commits). secure_delete: a delivered entry's bytes are
        # zeroed, so a salvage of a damaged file can never bring it back.
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.execute("PRAGMA secure_delete=ON")
        with self._lock, transaction(self._db):
            self._db.execute(HOLDS)
        if self.moved_aside is not None:
            self.recovery = self._requeue(self.moved_aside)

    def _requeue(self, aside: Path) -> Recovery | None:
        found = salvage_outbox(aside)
        rows = [
            # Sent but unconfirmed goes out again: delivery is idempotent on the entry's id.
            (*row[:7], PENDING if row[7] == SENT else row[7], row[8])
            for row in found.rows.values()
        ]
        with self._lock, transaction(self._db):
            self._db.executemany(
                "INSERT OR IGNORE INTO outbox (id, kind, decision, revision, body, objection,"
                " created_at, status, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
        recovery = Recovery(len(rows), found.unreadable, found.index_complete, aside)
        log.info("%s", recovery.message)  # the front ends show it; the log keeps it too
        return recovery

    # -- outbox ------------------------------------------------------------------------------

    def queue_ack(
        self, decision: str, revision: int, *, hold_until: datetime | None = None
    ) -> OutboxEntry:
        """Queue an acknowledgment; with ``hold_until`` it is not sent before then (its undo
        window), unless :meth:`release` lets it go sooner or :meth:`cancel` takes it back."""
        return self._queue("ack", decision, revision, None, False, hold_until)

    def queue_feedback(
        self, decision: str, revision: int | None, body: str, objection: bool
    ) -> OutboxEntry:
        return self._queue("feedback", decision, revision, body, objection)

    @synchronized
    def _queue(
        self,
        kind: str,
        decision: str,
        revision: int | None,
        body: str | None,
        objection: bool,
        hold_until: datetime | None = None,
    ) -> OutboxEntry:
        entry = OutboxEntry(
            str(uuid.uuid4()),
            kind,
            decision,
            revision,
            body,
            objection,
            datetime.now(UTC),
            PENDING,
            None,
        )
        with transaction(self._db):
            self._db.execute(
                "INSERT INTO outbox (id, kind, decision, revision, body, objection, created_at,"
                " status) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    entry.id,
                    kind,
                    decision,
                    revision,
                    body,
                    int(objection),
                    entry.created_at.isoformat(),
                    PENDING,
                ),
            )
            if hold_until is not None:
                self._db.execute(
                    "INSERT INTO holds (id, until) VALUES (?, ?)",
                    (entry.id, hold_until.astimezone(UTC).isoformat()),
                )
        return entry

    @synchronized
    def held(self, now: datetime) -> set[str]:
        """Ids of the entries still in their undo window at ``now``: not to be sent yet."""
        rows = self._db.execute(
            "SELECT id FROM holds WHERE until > ?", (now.astimezone(UTC).isoformat(),)
        )
        return {r[0] for r in rows}

    @synchronized
    def release(self, entry_id: str) -> None:
        """End an entry's undo window: it may be sent now."""
        with transaction(self._db):
            self._db.execute("DELETE FROM holds WHERE id = ?", (entry_id,))

    @synchronized
    def cancel(self, entry_id: str) -> bool:
        """Take back an entry still in its undo window; False when it has left it (released,
        or sent already), and then nothing changes."""
        with transaction(self._db):
            held = self._db.execute(
                "SELECT 1 FROM holds h JOIN outbox o ON o.id = h.id "
                "WHERE h.id = ? AND o.status = ?",
                (entry_id, PENDING),
            ).fetchone()
            self._db.execute("DELETE FROM holds WHERE id = ?", (entry_id,))
            if held is None:
                return False
            self._db.execute("DELETE FROM outbox WHERE id = ?", (entry_id,))
        return True

    @synchronized
    def entries(self, *statuses: str) -> list[OutboxEntry]:
        wanted = statuses or (PENDING, SENT, REFUSED)
        marks = ", ".join("?" for _ in wanted)
        rows = self._db.execute(
            "SELECT id, kind, decision, revision, body, objection, created_at, status, error "
            f"FROM outbox WHERE status IN ({marks}) ORDER BY created_at, id",
            wanted,
        ).fetchall()
        return [
            OutboxEntry(
                r[0], r[1], r[2], r[3], r[4], bool(r[5]), datetime.fromisoformat(r[6]), r[7], r[8]
            )
            for r in rows
        ]

    @synchronized
    def mark(self, entry_id: str, status: str, error: str | None = None) -> None:
        with transaction(self._db):
            self._db.execute(
                "UPDATE outbox SET status = ?, error = ? WHERE id = ?", (status, error, entry_id)
            )

    @synchronized
    def remove(self, entry_ids: list[str]) -> None:
        if not entry_ids:
            return
        with transaction(self._db):
            self._db.executemany("DELETE FROM outbox WHERE id = ?", [(i,) for i in entry_ids])
            self._db.executemany("DELETE FROM holds WHERE id = ?", [(i,) for i in entry_ids])
