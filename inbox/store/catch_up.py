"""A catch-up page in one round trip (PostgreSQL): the feed's next page and, with it, the
decisions its events touched and the directory when it changed.

A wake-up once cost some twenty round trips: a pool pre-ping, the snapshot, the window, a second
page to find nothing more, then a session with its BEGIN, one query per part of a decision and
its COMMIT. With a hundred clients woken by the same write, those round trips queue at one
server. Here one statement, run in autocommit, takes its snapshot, reads the window of the feed
(``inbox.store.feed.window_sql``, the same two index ranges), and returns the touched decisions
as JSON in the very shape of the client cache (``inbox.core.codec``), all seen in that one
snapshot, so events and the decisions they announce always agree.

Scoped to a person (inbox.core.scope), a touched decision in their scope comes whole and any
other only as its index (``partial``); the test is the per-decision form of the rule of
inbox.store.scope, index probes for each touched decision, never a pass over the store.

SQLite keeps its separate reads: in-process round trips cost microseconds.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, text

from inbox.core.codec import decision_from_dict
from inbox.core.model import Decision, Event, Person
from inbox.store import feed, validate

DIRECTORY_KINDS = ("team_added", "person_added", "member_added", "member_removed")


@dataclass(frozen=True)
class CatchUpPage:
    page: feed.FeedPage
    decisions: tuple[Decision, ...]
    people: dict[str, Person] | None  # None: no directory event on this page
    # Decisions whose JSON this version cannot map (key -> cause): kept out of ``decisions``,
    # so that one bad row never stops the catch-up (inbox.store.validate says the rest).
    unreadable: dict[str, str] = field(default_factory=dict)


def _iso(column: str) -> str:
    # Explicitly UTC and in the form the cache's codec reads, whatever the session's time zone.
    return f"""to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"')"""


# ``f.whole``: the decision is in the reader's scope (see _SCOPE); else only its index is sent.
_DECISION_JSON = f"""json_build_object(
    'key', d.key, 'owner', d.owner, 'team', d.team, 'state', d.state, 'version', d.version,
    'deadline', {_iso("d.deadline")}, 'superseded_by', d.superseded_by,
    'created_at', {_iso("d.created_at")}, 'partial', NOT f.whole,
    'revisions', (
        SELECT coalesce(json_agg(json_build_object(
            'number', r.number, 'title', r.title,
            'body', CASE WHEN f.whole THEN r.body ELSE '' END,
            'summary', CASE WHEN f.whole THEN r.summary ELSE '' END,
            'minor', r.minor, 'author', r.author, 'created_at', {_iso("r.created_at")},
            'assertions', (
                SELECT coalesce(json_object_agg(a.key, a.value), '{{}}')
                FROM assertions a WHERE a.revision_id = r.id
            )
        ) ORDER BY r.number), '[]')
        FROM revisions r
        WHERE r.decision_id = d.id AND (f.whole OR r.number = d.current_revision)
    ),
    'audience', (
        SELECT coalesce(json_agg(json_build_array(
            CASE WHEN au.team IS NOT NULL THEN 'team' ELSE 'person' END,
            coalesce(au.team, au.person), au.role
        ) ORDER BY au.id), '[]')
        FROM audience au WHERE au.decision_id = d.id AND f.whole
    ),
    'acknowledgments', (
        SELECT coalesce(json_agg(json_build_array(
            k.id, k.person, k.revision, {_iso("k.at")}
        ) ORDER BY k.at, k.id), '[]')
        FROM acknowledgments k WHERE k.decision_id = d.id AND f.whole
    ),
    'feedback', (
        SELECT coalesce(json_agg(json_build_array(
            fb.id, fb.person, fb.revision, fb.body, fb.objection, {_iso("fb.at")}
        ) ORDER BY fb.at, fb.id), '[]')
        FROM feedback fb WHERE fb.decision_id = d.id AND f.whole
    )
)"""

_PEOPLE_JSON = """(
    SELECT coalesce(json_agg(json_build_array(
        p.handle, p.name,
        (SELECT coalesce(json_agg(m.team), '[]') FROM memberships m WHERE m.person = p.handle)
    ) ORDER BY p.handle), '[]')
    FROM people p
)"""

_SNAPSHOT = "(SELECT s FROM snap)"

# The touched decisions in the reader's scope (all of them when :scope is NULL): the owner, the
# audience by person or team, or a key the latest check of a repository of one of their teams
# reported, asserted by the current revision.
_SCOPE = """rel AS MATERIALIZED (
    SELECT d.id FROM decisions d
    WHERE d.key IN (SELECT decision FROM page) AND (
        CAST(:scope AS text) IS NULL
        OR d.owner = :scope
        OR EXISTS (
            SELECT 1 FROM audience au
            WHERE au.decision_id = d.id AND (au.person = :scope OR au.team IN (
                SELECT m.team FROM memberships m WHERE m.person = :scope))
        )
        OR EXISTS (
            SELECT 1 FROM revisions r JOIN assertions a ON a.revision_id = r.id
            WHERE r.decision_id = d.id AND r.number = d.current_revision
              AND a.key IN (
                -- Each latest check's values through the primary key, never a pass over all
                -- of them: OFFSET 0 keeps the planner from turning the LATERAL into a hash
                -- join, which reads every value of every check ever reported.
                SELECT v.key
                FROM (
                    SELECT max(c.id) AS id FROM code_checks c
                    WHERE c.team IN (SELECT m.team FROM memberships m WHERE m.person = :scope)
                    GROUP BY c.team, c.repo
                ) latest
                CROSS JOIN LATERAL (
                    SELECT cv.key FROM code_check_values cv WHERE cv.check_id = latest.id
                    OFFSET 0
                ) v)
        )
    )
)"""


def _statement(window: str) -> str:
    return f"""
WITH snap AS MATERIALIZED (
    SELECT coalesce(CAST(:cur AS pg_snapshot), pg_current_snapshot()) AS s
),
page AS MATERIALIZED ({window}),
{_SCOPE}
SELECT
    (SELECT s::text FROM snap) AS cur,
    (SELECT coalesce(json_agg(json_build_array(
        seq, kind, decision, revision, actor, {_iso("at")}, data
    ) ORDER BY seq), '[]') FROM page) AS events,
    (SELECT coalesce(json_agg({_DECISION_JSON} ORDER BY d.number), '[]')
     FROM decisions d CROSS JOIN LATERAL (SELECT d.id IN (SELECT id FROM rel) AS whole) f
     WHERE d.key IN (SELECT decision FROM page)) AS decisions,
    CASE WHEN EXISTS (SELECT 1 FROM page WHERE kind = ANY(CAST(:directory AS text[])))
         THEN {_PEOPLE_JSON} END AS people
"""


_NEXT = text(_statement(feed.window_sql(_SNAPSHOT)))
_FIRST = text(_statement(feed.first_window_sql(_SNAPSHOT)))


def read(connection: Connection, cursor: str, limit: int, scope: str | None = None) -> CatchUpPage:
    """The page after ``cursor`` (a PostgreSQL cursor) with what it touched, in one statement,
    scoped to the person ``scope`` names (None: every decision whole). ``connection`` should be
    in autocommit: then the statement is the whole transaction."""
    prev, cur, after = feed.parse_pg_cursor(cursor)
    params: dict[str, Any] = dict(feed.window_params(prev, cur, after, limit))
    params["scope"] = scope
    params["directory"] = "{" + ",".join(DIRECTORY_KINDS) + "}"
    row = connection.execute(_NEXT if prev else _FIRST, params).one()
    events = [_event(e) for e in _json(row.events)]
    page = feed.page_of(events, prev, row.cur, limit)
    decisions: list[Decision] = []
    unreadable: dict[str, str] = {}
    for d in _json(row.decisions):
        try:
            decisions.append(decision_from_dict(d))
        except (ValueError, KeyError, TypeError, IndexError) as exc:
            key = d.get("key") if isinstance(d, dict) else None
            unreadable[str(key)] = validate.cause_of(exc)
    people = None
    if row.people is not None:
        people = {h: Person(h, n, frozenset(t)) for h, n, t in _json(row.people)}
    return CatchUpPage(page, tuple(decisions), people, unreadable)


def _json(value: Any) -> Any:
    # psycopg decodes json columns itself; text would come as a string.
    return json.loads(value) if isinstance(value, str) else value


def _event(row: list[Any]) -> Event:
    seq, kind, decision, revision, actor, at, data = row
    payload, problem = feed.event_data(data)
    return Event(
        seq=seq,
        kind=kind,
        decision=decision,
        revision=revision,
        actor=actor,
        at=datetime.fromisoformat(at),
        data=payload,
        problem=problem,
    )
