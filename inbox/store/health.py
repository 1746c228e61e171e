"""The store's health figures for ``decision-inbox admin status``
(docs/decisions/0009-writes-through-database-functions.md).

On PostgreSQL these are what lets one session hold the others back: the oldest open
transaction (it holds row locks, the feed's horizon and the NOTIFY queue's tail), how full the
NOTIFY queue is, and how many clients are connected. A login sees other sessions' transaction
start only with an admin's or superuser's rights; without them the figure covers its own.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import text

from inbox.store.connection import StoreConnection


@dataclass(frozen=True)
class Health:
    schema: int | None
    feed_events: int
    clients: int | None = None  # None: not a PostgreSQL store
    oldest_transaction_s: float | None = None  # None: no transaction open
    oldest_transaction_by: str | None = None
    notify_queue_usage: float | None = None  # the fraction, 0 … 1

    def lines(self) -> list[str]:
        out = [f"Schema: v{self.schema}", f"Feed: {self.feed_events} events"]
        if self.clients is None:
            return [*out, "Connected clients, open transactions, NOTIFY queue: not on SQLite"]
        if self.oldest_transaction_s is None:
            oldest = "none"
        else:
            oldest = f"{self.oldest_transaction_s:.0f} s ({self.oldest_transaction_by})"
        usage = self.notify_queue_usage or 0.0
        return [
            *out,
            f"Connected clients: {self.clients}",
            f"Oldest open transaction: {oldest}",
            f"NOTIFY queue usage: {usage:.1%}",
        ]


def status(store: StoreConnection) -> Health:
    version = store.version()  # first: a second connection open below would count as a client
    with store.read() as session:
        events = int(session.execute(text("SELECT count(*) FROM change_log")).scalar() or 0)
        if store.dialect != "postgresql":
            return Health(version, events)
        clients = session.execute(
            text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND application_name = 'decision-inbox' AND pid <> pg_backend_pid()"
            )
        ).scalar()
        # Server-wide: an open transaction in any database holds back what this one waits for.
        oldest = session.execute(
            text(
                "SELECT extract(epoch FROM now() - xact_start), usename FROM pg_stat_activity "
                "WHERE xact_start IS NOT NULL AND pid <> pg_backend_pid() "
                "AND backend_type = 'client backend' ORDER BY xact_start LIMIT 1"
            )
        ).first()
        usage = session.execute(text("SELECT pg_notification_queue_usage()")).scalar()
    return Health(
        version,
        events,
        clients=int(clients or 0),
        oldest_transaction_s=float(oldest[0]) if oldest else None,
        oldest_transaction_by=str(oldest[1]) if oldest else None,
        notify_queue_usage=float(usage or 0.0),
    )
