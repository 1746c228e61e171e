"""Every decision of the store, streamed: a full load of any size in one pass.

A full load reads each table once, whole, in decision order, and merges the six streams as it
goes, so it issues the same handful of statements for ten decisions or a million, binds no
parameter per row (PostgreSQL stops at 65 535 of them, SQLite at 32 766), holds only a batch of
rows at a time (server-side cursors on PostgreSQL) and builds no ORM objects: plain Core rows
become the frozen core values directly. Repeated short strings (handles, teams, assertion keys
and values, titles kept across revisions) are shared, which a store of 100 000 decisions repeats
millions of times.

Scoped to a person (inbox.core.scope), the same statements fetch the decisions in their scope
whole and of every other live decision only its index: the filter is one uncorrelated set
(inbox.store.scope.relevant_ids) each statement hashes once, so the work still does not grow
with rows it leaves out.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Generator, Iterator
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import Select, Table, and_, case, literal, or_, select, true
from sqlalchemy.orm import Session

from inbox.core.model import (
    Acknowledgment,
    AudienceEntry,
    Decision,
    Feedback,
    Revision,
    Role,
    State,
)
from inbox.store.models import (
    AcknowledgmentRow,
    AssertionRow,
    AudienceRow,
    DecisionRow,
    FeedbackRow,
    RevisionRow,
)
from inbox.store.scope import not_over, relevant_ids

BATCH = 5000  # rows per fetch: few round trips, a bounded amount of rows in memory


def _table(model: type[Any]) -> Table:
    return cast(Table, model.__table__)


_D = _table(DecisionRow)
_R = _table(RevisionRow)
_A = _table(AssertionRow)
_AUD = _table(AudienceRow)
_ACK = _table(AcknowledgmentRow)
_FB = _table(FeedbackRow)

# Each query but the assertions' starts with the decision id its row belongs to, in that order.
_DECISION_COLUMNS = select(
    _D.c.id,
    _D.c.key,
    _D.c.owner,
    _D.c.team,
    _D.c.state,
    _D.c.version,
    _D.c.deadline,
    _D.c.superseded_by,
    _D.c.created_at,
)
_DECISIONS = _DECISION_COLUMNS.add_columns(true().label("full")).order_by(_D.c.id)
_REVISIONS = select(
    _R.c.decision_id,
    _R.c.id,
    _R.c.number,
    _R.c.title,
    _R.c.body,
    _R.c.summary,
    _R.c.minor,
    _R.c.author,
    _R.c.created_at,
).order_by(_R.c.decision_id, _R.c.number)
_ASSERTIONS = select(_A.c.revision_id, _A.c.key, _A.c.value)
_AUDIENCE = select(_AUD.c.decision_id, _AUD.c.team, _AUD.c.person, _AUD.c.role).order_by(
    _AUD.c.decision_id, _AUD.c.id
)
_ACKS = select(_ACK.c.decision_id, _ACK.c.id, _ACK.c.person, _ACK.c.revision, _ACK.c.at).order_by(
    _ACK.c.decision_id, _ACK.c.at, _ACK.c.id
)
_FEEDBACK = select(
    _FB.c.decision_id,
    _FB.c.id,
    _FB.c.person,
    _FB.c.revision,
    _FB.c.body,
    _FB.c.objection,
    _FB.c.at,
).order_by(_FB.c.decision_id, _FB.c.at, _FB.c.id)


def _scoped(user: str) -> tuple[Select[Any], ...]:
    """The six statements for ``user``: in scope, whole; else, if live, the index only."""
    full = _D.c.id.in_(relevant_ids(user))
    live = not_over()  # and a state this version does not know: found unreadable, not hidden
    kept = or_(
        _R.c.decision_id.in_(relevant_ids(user)), and_(live, _R.c.number == _D.c.current_revision)
    )
    whole = _R.c.decision_id.in_(relevant_ids(user))
    revisions = (
        select(
            _R.c.decision_id,
            _R.c.id,
            _R.c.number,
            _R.c.title,
            case((whole, _R.c.body), else_=literal("")),
            case((whole, _R.c.summary), else_=literal("")),
            _R.c.minor,
            _R.c.author,
            _R.c.created_at,
        )
        .join(_D, _D.c.id == _R.c.decision_id)
        .where(kept)
        .order_by(_R.c.decision_id, _R.c.number)
    )
    assertions = (
        select(_A.c.revision_id, _A.c.key, _A.c.value)
        .join(_R, _R.c.id == _A.c.revision_id)
        .join(_D, _D.c.id == _R.c.decision_id)
        .where(kept)
    )
    return (
        _DECISION_COLUMNS.add_columns(full.label("full")).where(or_(full, live)).order_by(_D.c.id),
        revisions,
        assertions,
        _AUDIENCE.where(_AUD.c.decision_id.in_(relevant_ids(user))),
        _ACKS.where(_ACK.c.decision_id.in_(relevant_ids(user))),
        _FEEDBACK.where(_FB.c.decision_id.in_(relevant_ids(user))),
    )


class _Rows:
    """One ordered stream of rows, taken decision by decision."""

    def __init__(self, rows: Iterator[Any]) -> None:
        self._rows = rows
        self._next: Any = next(self._rows, None)

    def of(self, decision_id: int) -> list[Any]:
        """The rows of ``decision_id``; rows of lower ids (none, with foreign keys) are dropped."""
        taken: list[Any] = []
        row = self._next
        while row is not None and row[0] <= decision_id:
            if row[0] == decision_id:
                taken.append(row)
            row = next(self._rows, None)
        self._next = row
        return taken


class _Driver:
    """The session's own driver connection: rows as the driver's tuples, in batches.

    SQLAlchemy's result rows and type processors cost more than everything else of a full load
    together (they doubled the time of reading the rows), so the Core statements are compiled
    once and run on the driver's cursor, and the two column kinds that need it are converted
    here: timestamps (aware UTC) and, on SQLite, booleans."""

    def __init__(self, session: Session) -> None:
        connection = session.connection()
        self._dialect = connection.dialect
        self._dbapi = cast(Any, connection.connection.dbapi_connection)
        self._postgres = self._dialect.name == "postgresql"
        self._count = 0
        self._opened: list[Generator[Any, None, None]] = []
        if self._postgres:
            # Timestamps come back as UTC already, which costs nothing to check; in the
            # session's zone each needed a conversion that took as long as reading it.
            connection.exec_driver_sql("SET LOCAL TimeZone = 'UTC'")

    def rows(self, query: Select[Any]) -> Iterator[Any]:
        compiled = query.compile(dialect=self._dialect)
        sql = str(compiled)
        params: Any = compiled.params
        if compiled.positional:  # SQLite's "?" marks, in order
            params = tuple(compiled.params[name] for name in compiled.positiontup or ())
        if self._postgres:
            # A server-side cursor: only a batch of rows is here at a time.
            self._count += 1
            cursor = self._dbapi.cursor(name=f"decision_inbox_load_{self._count}")
            cursor.itersize = BATCH
        else:
            cursor = self._dbapi.cursor()  # SQLite steps through the rows as they are read
            cursor.arraysize = BATCH
        if params:
            cursor.execute(sql, params)
        else:  # no placeholders to fill: a literal "%" stays one
            cursor.execute(sql)
        batches = self._batches(cursor)
        self._opened.append(batches)
        return batches

    def close(self) -> None:
        """Close every cursor still open, while the connection still is: a load that stopped
        partway (a row it cannot map) otherwise left them to the garbage collector, which
        closed them on a connection already gone."""
        for batches in self._opened:
            batches.close()
        self._opened.clear()

    @staticmethod
    def _batches(cursor: Any) -> Generator[Any, None, None]:
        try:
            while batch := cursor.fetchmany(BATCH):
                yield from batch
        finally:
            cursor.close()

    def when(self, value: Any) -> Any:
        """A timestamp column's value as an aware UTC datetime (None stays None)."""
        if value is None:
            return None
        if isinstance(value, str):  # SQLite keeps naive UTC text
            return datetime.fromisoformat(value).replace(tzinfo=UTC)
        if value.tzinfo is UTC:
            return value
        return value.astimezone(UTC) if value.tzinfo is not None else value.replace(tzinfo=UTC)


def stream_decisions(session: Session, scope: str | None = None) -> Iterator[Decision]:
    """Every decision, in id order, built while the rows stream in; with ``scope`` (a handle),
    those in that person's scope whole and every other live one as its index."""
    driver = _Driver(session)
    queries: tuple[Select[Any], ...]
    if scope is None:
        queries = cast(
            tuple[Select[Any], ...],
            (_DECISIONS, _REVISIONS, _ASSERTIONS, _AUDIENCE, _ACKS, _FEEDBACK),
        )
    else:
        queries = _scoped(scope)
    try:
        yield from _built(driver, queries)
    finally:
        driver.close()


def _built(driver: _Driver, queries: tuple[Select[Any], ...]) -> Iterator[Decision]:
    # One object per distinct short string: sys.intern is a C call, and interned strings go
    # when nothing holds them any more.
    s, when = sys.intern, driver.when
    # Assertions become the revisions' dicts as they are read: no order, no join needed.
    asserted: dict[int, dict[str, str]] = {}
    for revision_id, key, value in driver.rows(queries[2]):
        asserted.setdefault(revision_id, {})[s(key)] = s(value)
    parts = [_Rows(driver.rows(q)) for q in (queries[1], *queries[3:])]
    revisions, audience, acks, feedback = (p.of for p in parts)
    for row in driver.rows(queries[0]):
        did, key, owner, team, state, version, deadline, superseded_by, created_at, full = row
        yield Decision(
            key=key,
            owner=s(owner),
            team=None if team is None else s(team),
            state=State(state),
            version=version,
            deadline=when(deadline),
            superseded_by=superseded_by,
            created_at=when(created_at),
            revisions=_revisions(revisions(did), asserted, s, when),
            audience=tuple(
                AudienceEntry("team", s(t), Role(r))
                if t is not None
                else AudienceEntry("person", s(p), Role(r))
                for _, t, p, r in audience(did)
            ),
            acknowledgments=tuple(
                Acknowledgment(i, s(p), n, when(at)) for _, i, p, n, at in acks(did)
            ),
            feedback=tuple(
                Feedback(i, s(p), n, b, bool(o), when(at)) for _, i, p, n, b, o, at in feedback(did)
            ),
            partial=not full,
        )


def _revisions(
    rows: list[Any],
    asserted: dict[int, dict[str, str]],
    s: Callable[[str], str],
    when: Callable[[Any], Any],
) -> tuple[Revision, ...]:
    out: list[Revision] = []
    title: str = ""
    body: str = ""
    for _, rid, number, t, b, summary, minor, author, created_at in rows:
        # An unchanged title or body (a minor revision, an assertion edit) is kept once.
        title = title if t == title else t
        body = body if b == body else b
        out.append(
            Revision(
                number=number,
                title=title,
                body=body,
                summary=s(summary),
                minor=bool(minor),
                author=s(author),
                created_at=when(created_at),
                assertions=asserted.pop(rid, {}),
            )
        )
    return tuple(out)
