"""The client's precious local state: the outbox and the notification policy's memory.

Kept apart from the cache (a file that may be rebuilt at any time) so that a corrupt cache can
never take an unsent acknowledgment with it. Every change here is one local transaction.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from inbox.sync.localdb import LocalFile, synchronized, transaction

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


class ClientState(LocalFile):
    """The outbox, and named values (the notification policy's memory) in ``meta``."""

    APPLICATION_ID = APPLICATION_ID
    VERSION = VERSION
    SCHEMA = SCHEMA

    # -- outbox ------------------------------------------------------------------------------

    def queue_ack(self, decision: str, revision: int) -> OutboxEntry:
        return self._queue("ack", decision, revision, None, False)

    def queue_feedback(
        self, decision: str, revision: int | None, body: str, objection: bool
    ) -> OutboxEntry:
        return self._queue("feedback", decision, revision, body, objection)

    @synchronized
    def _queue(
        self, kind: str, decision: str, revision: int | None, body: str | None, objection: bool
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
        return entry

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
