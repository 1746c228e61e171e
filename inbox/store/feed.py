"""The change feed: events appended in the writing transaction, read back by cursor
(docs/architecture.md, "The change feed").

A cursor is an opaque string. On SQLite it is the last seen ``seq``: one writer at a time means
rows become visible in seq order.

On PostgreSQL sequence values are taken before commit, so a smaller seq can become visible after
a larger one, and no position in ``seq`` (or in transaction ids) is safe to stand on. The cursor
is therefore the reader's previous snapshot (``pg_current_snapshot()`` as text,
``xmin:xmax:xip,…``), as in PgQ: a read takes the rows whose writing transaction is visible in a
snapshot taken now and was not visible in the previous one. Every committed row falls in exactly
one such window whenever it commits, and a transaction left open elsewhere on the server (in any
database) holds back nothing but its own rows. Within a window the rows are paged in ``seq``
order; a cursor partway through one names both snapshots and the last seq read, and becomes the
newer snapshot only after the window's last page.
"""

from __future__ import annotations

import json
import logging
import re
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
from inbox.store.cursors import outdated
from inbox.store.models import ChangeRow, UtcDateTime

NOTIFY_CHANNEL = "decision_inbox"
log = logging.getLogger(__name__)
START = ""

_SNAPSHOT = re.compile(r"(\d+):(\d+):((?:\d+(?:,\d+)*)?)")
_PARTWAY = "/"  # prev/cur/seq: snapshot text never holds a slash


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
    """Events after ``cursor``, each exactly once, at most ``limit``; the cursor to go on from."""
    if connection.dialect.name == "postgresql":
        return _read_postgres(connection, cursor, limit)
    return _read_sqlite(connection, cursor, limit)


def end(connection: Connection) -> str:
    """A cursor past everything committed now: where a full load starts from."""
    if connection.dialect.name == "postgresql":
        return str(connection.execute(text("SELECT pg_current_snapshot()::text")).scalar_one())
    last = connection.execute(text("SELECT max(seq) FROM change_log")).scalar()
    return str(last) if last else START


_COLUMNS = "seq, kind, decision, revision, actor, at, data"


def _read_sqlite(connection: Connection, cursor: str, limit: int) -> FeedPage:
    after = _parse_int_cursor(cursor)
    rows = connection.execute(
        _typed(f"SELECT {_COLUMNS} FROM change_log WHERE seq > :after ORDER BY seq LIMIT :limit"),
        {"after": after, "limit": limit},
    ).all()
    events = tuple(to_event(row) for row in rows)
    return FeedPage(events, str(events[-1].seq) if events else cursor)


# Rows visible in {cur} and not in :prev. "Not visible in prev" is "txid >= xmax(prev), or txid
# among prev's in-progress ids", written as two index ranges on (txid, seq) so that neither
# scans the rows of transactions that prev already saw, however old prev's xmin is.
def window_sql(cur: str) -> str:
    """The rows of the window from :prev to the snapshot ``cur`` (an SQL expression), after
    seq :after, at most :limit; ``inbox.store.catch_up`` reads it with a snapshot of its own."""
    return f"""
SELECT {_COLUMNS} FROM (
    SELECT {_COLUMNS} FROM change_log
    WHERE txid >= pg_snapshot_xmax(CAST(:prev AS pg_snapshot))
      AND txid < pg_snapshot_xmax({cur})
      AND pg_visible_in_snapshot(txid, {cur})
      AND seq > :after
    UNION ALL
    SELECT {_COLUMNS} FROM change_log
    WHERE txid = ANY(CAST(:prev_xip AS xid8[]))
      AND pg_visible_in_snapshot(txid, {cur})
      AND seq > :after
) AS window_rows
ORDER BY seq LIMIT :limit
"""


def first_window_sql(cur: str) -> str:
    """From the start: everything visible in ``cur``."""
    return f"""
SELECT {_COLUMNS} FROM change_log
WHERE txid < pg_snapshot_xmax({cur})
  AND pg_visible_in_snapshot(txid, {cur})
  AND seq > :after
ORDER BY seq LIMIT :limit
"""


_WINDOW = window_sql("CAST(:cur AS pg_snapshot)")
_FIRST_WINDOW = first_window_sql("CAST(:cur AS pg_snapshot)")


def _read_postgres(connection: Connection, cursor: str, limit: int) -> FeedPage:
    prev, cur, after = parse_pg_cursor(cursor)
    if cur is None:
        # A new window: the snapshot is taken once, and every page of the window uses it.
        cur = str(connection.execute(text("SELECT pg_current_snapshot()::text")).scalar_one())
    params = window_params(prev, cur, after, limit)
    rows = connection.execute(_typed(_WINDOW if prev else _FIRST_WINDOW), params).all()
    return page_of([to_event(row) for row in rows], prev, cur, limit)


def window_params(prev: str, cur: str | None, after: int, limit: int) -> dict[str, object]:
    """The parameters of :func:`window_sql` (one more row than ``limit``: is there more?)."""
    params: dict[str, object] = {"cur": cur, "after": after, "limit": limit + 1}
    if prev:
        params |= {"prev": prev, "prev_xip": "{" + prev.rsplit(":", 1)[1] + "}"}
    return params


def page_of(events: list[Event], prev: str, cur: str, limit: int) -> FeedPage:
    """The page of a window read with one row more than ``limit``, and its cursor."""
    if len(events) > limit:  # more in this window: stay in it
        return FeedPage(
            tuple(events[:limit]), _PARTWAY.join((prev, cur, str(events[limit - 1].seq)))
        )
    return FeedPage(tuple(events), cur)


def partway(cursor: str) -> bool:
    """Is this cursor inside a window, with more of it to read?"""
    return _PARTWAY in cursor


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
    )


def to_event(row: Row[Any] | ChangeRow) -> Event:
    """A feed row (a typed query row or an ORM ChangeRow) as a core Event. Data that is not a
    JSON object (a superuser's hand edit, a later version's) leaves ``problem`` set instead of
    raising: inbox.store.validate skips such an event with one warning."""
    data, problem = event_data(row.data)
    return Event(
        seq=row.seq,
        kind=row.kind,
        decision=row.decision,
        revision=row.revision,
        actor=row.actor,
        at=row.at,
        data=data,
        problem=problem,
    )


def event_data(raw: object) -> tuple[dict[str, Any], str | None]:
    """A feed row's data as a dict, and why it is not one (then the dict is empty)."""
    try:
        data = json.loads(raw)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return {}, "its data is not JSON"
    if not isinstance(data, dict):
        return {}, "its data is not a JSON object"
    return data, None


def _parse_int_cursor(cursor: str) -> int:
    if not cursor:
        return 0
    try:
        return int(cursor)
    except ValueError:
        raise UsageError(f"The feed cursor {cursor!r} is not a SQLite store's cursor.") from None


def parse_pg_cursor(cursor: str) -> tuple[str, str | None, int]:
    """(previous snapshot or "" from the start, the window's snapshot or None for a new
    window, the last seq read in the window)."""
    if not cursor:
        return START, None, 0
    if _SNAPSHOT.fullmatch(cursor):
        return cursor, None, 0
    parts = cursor.split(_PARTWAY)
    if len(parts) == 3:
        prev, cur, seq = parts
        if (not prev or _SNAPSHOT.fullmatch(prev)) and _SNAPSHOT.fullmatch(cur) and seq.isdigit():
            return prev, cur, int(seq)
    if outdated(cursor):
        raise UsageError(
            f"The feed cursor {cursor!r} is of an older form; load the store afresh "
            "(a client does so by itself)."
        )
    raise UsageError(f"The feed cursor {cursor!r} is not a PostgreSQL store's cursor.")
