"""Migration v3 (the rules in the database): a v2 store with data is upgraded in place, and a v2
client refuses to write to a v3 store with the sentence docs/architecture.md documents."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from alembic import command
from sqlalchemy import insert, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError

from inbox.core.errors import FieldError, LifecycleError, PermissionDeniedError, SchemaError
from inbox.store import schema
from inbox.store.connection import StoreConnection
from inbox.store.models import (
    AcknowledgmentRow,
    AssertionRow,
    AudienceRow,
    ChangeRow,
    DecisionRow,
    FeedbackRow,
    MembershipRow,
    PersonRow,
    RevisionRow,
    TeamRow,
)
from inbox.store.reader import load_decision
from inbox.store.service import StoreService
from tests.store.helpers import count, run

T0 = datetime(2026, 10, 1, 9, 0, tzinfo=UTC)


def _v2_store(url: str) -> StoreConnection:
    """A store migrated to v2 only, holding what a v2 client wrote: D-1 at r2, acknowledged at
    r1, with feedback and its feed."""
    store = StoreConnection.open(url)
    if store.sqlite_file is not None:
        store.sqlite_file.touch()  # opening never creates a SQLite store; init would go to v3
    config = schema._alembic_config()
    with store.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "v0002")
        _v2_data(connection)
    assert store.version() == 2
    return store


def _v2_data(c: Connection) -> None:
    c.execute(insert(TeamRow), [{"name": t, "created_at": T0} for t in ("backend", "frontend")])
    c.execute(
        insert(PersonRow),
        [
            {"handle": "ana", "name": "Ana", "is_admin": False, "created_at": T0},
            {"handle": "fred", "name": "Fred", "is_admin": False, "created_at": T0},
        ],
    )
    c.execute(
        insert(MembershipRow),
        [{"person": "ana", "team": "backend"}, {"person": "fred", "team": "frontend"}],
    )
    c.execute(
        insert(DecisionRow).values(
            id=1, number=1, key="D-1", owner="ana", team="backend", state="finalized",
            current_revision=2, version=3, created_at=T0,
        )
    )  # fmt: skip
    for number, value in ((1, "15"), (2, "60")):
        c.execute(
            insert(RevisionRow).values(
                id=number, decision_id=1, number=number, title="Token refresh policy",
                body=f"Every {value} minutes.", summary="Created" if number == 1 else "60",
                minor=False, author="ana", created_at=T0 + timedelta(days=number),
            )
        )  # fmt: skip
        c.execute(
            insert(AssertionRow).values(
                revision_id=number, key="auth.token.refresh_minutes", value=value
            )
        )
    c.execute(insert(AudienceRow).values(decision_id=1, team="frontend", role="ack"))
    c.execute(
        insert(AcknowledgmentRow).values(
            id="00000000-0000-4000-8000-000000000001", decision_id=1, revision=1,
            person="fred", at=T0 + timedelta(days=1, hours=1),
        )
    )  # fmt: skip
    c.execute(
        insert(FeedbackRow).values(
            id="00000000-0000-4000-8000-000000000002", decision_id=1, revision=1,
            person="fred", body="Fine by us.", objection=False, at=T0 + timedelta(hours=2),
        )
    )  # fmt: skip
    events = [("created", 1), ("finalized", 1), ("acknowledged", 1), ("revised", 2)]
    c.execute(
        insert(ChangeRow),
        [
            {"kind": kind, "decision": "D-1", "revision": n, "actor": "ana", "at": T0,
             "data": json.dumps({"n": i})}
            for i, (kind, n) in enumerate(events)
        ],
    )  # fmt: skip


def test_v3_upgrades_a_v2_store_with_its_data_in_place(
    store_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    store = _v2_store(store_url)
    try:
        code, out, err = run(capsys, "--store", store_url, "init")
        assert (code, err) == (0, "")
        assert f"from schema v2 to v{schema.SCHEMA_VERSION}" in out
        assert store.version() == schema.SCHEMA_VERSION

        with store.read() as session:
            d1 = load_decision(session, "D-1")
        assert (d1.state.value, d1.revision, len(d1.revisions)) == ("finalized", 2, 2)
        assert [dict(r.assertions) for r in d1.revisions] == [
            {"auth.token.refresh_minutes": "15"},
            {"auth.token.refresh_minutes": "60"},
        ]
        assert [(a.person, a.revision) for a in d1.acknowledgments] == [("fred", 1)]
        assert [f.body for f in d1.feedback] == ["Fine by us."]
        assert count(store, ChangeRow) == 4

        # The rules hold on the upgraded data, and the numbers go on from what was there.
        service = StoreService(store)
        assert service.acknowledge("fred", "D-1").message == "Acknowledged D-1 r2."
        assert service.revise("ana", "D-1", summary="typo", title="Token refresh").revision == 3
        assert service.create("ana", title="After the upgrade").key == "D-2"
        with pytest.raises(LifecycleError):
            service.give_feedback("fred", "D-1", body="too late")
        assert count(store, ChangeRow) == 4 + 3
    finally:
        store.dispose()


def test_a_v2_client_refuses_to_write_to_a_v3_store(
    store_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = StoreConnection.open(store_url)
    try:
        store.initialise()
    finally:
        store.dispose()
    # What a v2 client runs: the same check, knowing v2 as its newest.
    stored = schema.SCHEMA_VERSION
    monkeypatch.setattr(schema, "SCHEMA_VERSION", 2)
    v2 = StoreConnection.open(store_url)
    try:
        with pytest.raises(SchemaError) as refused:
            StoreService(v2).add_team("backend")
        assert str(refused.value) == (
            f"The store at {v2.shown_url} is schema v{stored}; this client knows up to v2. "
            "Upgrade Decision Inbox."
        )
    finally:
        v2.dispose()


def test_the_rules_refuse_hand_edits_on_both_backends(store_url: str) -> None:
    """What would break every client is refused even to a hand edit with full rights (the
    SQLite file's user, PostgreSQL's superuser), and the client names the rule."""
    store = StoreConnection.open(store_url)
    try:
        store.initialise()
        service = StoreService(store)
        service.add_team("backend")
        service.add_person("ana", name="Ana", teams=["backend"])
        with pytest.raises(FieldError, match="not valid"):
            service.add_person("ana\n", name="Look-alike")  # the handle pattern ends at \Z
        key = service.create("ana", title="T", assertions={"a.b": "1"}).key
        service.finalize("ana", str(key))
        edits = {
            "key": "INSERT INTO decisions (number, key, owner, state, current_revision, version, "
            "created_at) VALUES (2, 'D-2 ', 'ana', 'draft', 1, 1, CURRENT_TIMESTAMP)",
            "handle": "INSERT INTO people (handle, name, is_admin, created_at) "
            "VALUES ('fred\n', 'F', false, CURRENT_TIMESTAMP)",
            "feed data": "INSERT INTO change_log (kind, actor, at, data) "
            "VALUES ('created', 'ana', CURRENT_TIMESTAMP, '{oops')",
            "sequence": "INSERT INTO revisions (decision_id, number, title, body, summary, minor, "
            "author, created_at) VALUES (1, 3, 'T', '', 's', false, 'ana', CURRENT_TIMESTAMP)",
            "rewrite": "UPDATE revisions SET title = 'Mine'",
            "forget": "DELETE FROM change_log",
        }
        for name, sql in edits.items():
            with pytest.raises(DBAPIError), store.engine.begin() as connection:
                connection.exec_driver_sql(sql)
                pytest.fail(f"the {name} edit went through")  # never reached: refused above
        with store.read() as session:
            assert load_decision(session, "D-1").current.title == "T"
        # Through the client's own path a rule's refusal is one sentence, not a conflict.
        refused = pytest.raises(PermissionDeniedError, match="The store refused this")
        with refused, store.write() as session:
            session.execute(text("UPDATE revisions SET title = 'Mine'"))
    finally:
        store.dispose()
