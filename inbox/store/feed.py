"""The change feed: events appended in the writing transaction, read back by cursor
(docs/architecture.md, "The change feed").

A cursor is an opaque string. On SQLite it is the last seen ``seq``: one writer at a time means
rows become visible in seq order. On PostgreSQL it is ``"<txid>:<seq>"``: sequence values are
taken before commit, so a smaller seq can become visible after a larger one; a reader therefore
only takes rows whose transaction id is below the oldest transaction still running
(``pg_snapshot_xmin``) and orders by (txid, seq), so nothing can later appear behind its cursor.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Connection,
    Engine,
    Integer,
    Row,
    String,
    Text,
    TextClause,
    text,
)
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from inbox.core.errors import UsageError
from inbox.core.model import Event
from inbox.store.models import ChangeRow, UtcDateTime

NOTIFY_CHANNEL = "decision_inbox"
log = logging.getLogger(__name__)
START = ""


@dataclass(frozen=True)
class FeedPage:
    events: tuple[Event, ...]
    cursor: str


def append(
    session: Session,
    kind: str,
    *,
    actor: str,
    at: datetime,
    decision: str | None = None,
    revision: int | None = None,
    data: Mapping[str, object] | None = None,
) -> ChangeRow:
    row = ChangeRow(
        kind=kind,
        decision=decision,
        revision=revision,
        actor=actor,
        at=at,
        data=json.dumps(dict(data or {}), sort_keys=True, default=str),
    )
    session.add(row)
    return row


def notify(session: Session) -> None:
    """Ask for a wake-up of PostgreSQL listeners once this transaction has committed.

    ``StoreConnection.write`` sends it (``send_hint``) after the commit, in a transaction of its
    own: PostgreSQL reports a full NOTIFY queue at commit, and a hint must never make the write
    it announces fail. A lost hint costs a client latency, never an event: it catches up anyway.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.info[HINT] = True


HINT = "decision_inbox_hint"


def send_hint(engine: Engine) -> None:
    """NOTIFY the listeners, best effort: a hint that cannot be sent is logged and dropped."""
    try:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(
                text(
                    "SELECT pg_notify(:channel, "
                    "(SELECT coalesce(max(seq), 0)::text FROM change_log))"
                ),
                {"channel": NOTIFY_CHANNEL},
            )
    except SQLAlchemyError as exc:
        cause = getattr(exc, "orig", None) or exc
        log.info("The wake-up hint after a write was not sent (%s).", type(cause).__name__)


def read(connection: Connection, cursor: str = START, limit: int = 1000) -> FeedPage:
    """Events after ``cursor`` in commit-safe order, at most ``limit``; the cursor to go on from."""
    if connection.dialect.name == "postgresql":
        return _read_postgres(connection, cursor, limit)
    return _read_sqlite(connection, cursor, limit)


_COLUMNS = "seq, kind, decision, revision, actor, at, data"


def _read_sqlite(connection: Connection, cursor: str, limit: int) -> FeedPage:
    after = _parse_int_cursor(cursor)
    rows = connection.execute(
        _typed(f"SELECT {_COLUMNS} FROM change_log WHERE seq > :after ORDER BY seq LIMIT :limit"),
        {"after": after, "limit": limit},
    ).all()
    events = tuple(to_event(row) for row in rows)
    return FeedPage(events, str(events[-1].seq) if events else cursor)


def _read_postgres(connection: Connection, cursor: str, limit: int) -> FeedPage:
    txid, seq = _parse_pg_cursor(cursor)
    rows = connection.execute(
        _typed(
            # The text alias must not be named txid: ORDER BY prefers output names, and text
            # order puts '1000' before '999'.
            f"SELECT {_COLUMNS}, txid::text AS txid_text FROM change_log "
            "WHERE (txid, seq) > (CAST(:txid AS xid8), :seq) "
            "AND txid < pg_snapshot_xmin(pg_current_snapshot()) "
            "ORDER BY txid, seq LIMIT :limit"
        ),
        {"txid": str(txid), "seq": seq, "limit": limit},
    ).all()
    events = tuple(to_event(row) for row in rows)
    if not rows:
        return FeedPage((), cursor)
    return FeedPage(events, f"{rows[-1].txid_text}:{rows[-1].seq}")


def _typed(sql: str) -> TextClause:
    # Typed columns make SQLAlchemy turn SQLite's timestamp strings into aware datetimes.
    return text(sql).columns(  # type: ignore[return-value]
        seq=BigInteger,
        kind=String,
        decision=String,
        revision=Integer,
        actor=String,
        at=UtcDateTime,
        data=Text,
        txid_text=String,
    )


def to_event(row: Row[Any] | ChangeRow) -> Event:
    """A feed row (a typed query row or an ORM ChangeRow) as a core Event."""
    return Event(
        seq=row.seq,
        kind=row.kind,
        decision=row.decision,
        revision=row.revision,
        actor=row.actor,
        at=row.at,
        data=json.loads(row.data),
    )


def _parse_int_cursor(cursor: str) -> int:
    if not cursor:
        return 0
    try:
        return int(cursor)
    except ValueError:
        raise UsageError(f"The feed cursor {cursor!r} is not a SQLite store's cursor.") from None


def _parse_pg_cursor(cursor: str) -> tuple[int, int]:
    if not cursor:
        return 0, 0
    txid, _, seq = cursor.partition(":")
    try:
        return int(txid), int(seq)
    except ValueError:
        raise UsageError(
            f"The feed cursor {cursor!r} is not a PostgreSQL store's cursor."
        ) from None


def end(connection: Connection) -> str:
    """A cursor at the end of what is safely readable now: where a full load starts from."""
    if connection.dialect.name == "postgresql":
        row = connection.execute(
            text(
                "SELECT txid::text, seq FROM change_log "
                "WHERE txid < pg_snapshot_xmin(pg_current_snapshot()) "
                "ORDER BY txid DESC, seq DESC LIMIT 1"
            )
        ).first()
        return f"{row[0]}:{row[1]}" if row else START
    last = connection.execute(text("SELECT max(seq) FROM change_log")).scalar()
    return str(last) if last else START
