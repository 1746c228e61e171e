"""StoreService on SQLite and PostgreSQL: lifecycle rules, concurrency, idempotency, atomicity."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from inbox.core.errors import (
    ConflictError,
    InboxError,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
)
from inbox.core.model import State
from inbox.store.connection import StoreConnection
from inbox.store.models import AcknowledgmentRow, RevisionRow
from inbox.store.reader import load_decision
from inbox.store.service import StoreService
from tests.store.helpers import feed_length, open_store, token_decision


@pytest.fixture
def store(store_url: str) -> Iterator[tuple[StoreConnection, StoreService]]:
    store, service = open_store(store_url)
    yield store, service
    store.dispose()


Store = tuple[StoreConnection, StoreService]


def decision(store: StoreConnection, key: str):  # type: ignore[no-untyped-def]
    with store.read() as session:
        return load_decision(session, key)


def test_lifecycle_draft_open_finalize_and_events(store: Store) -> None:
    db, service = store
    key = token_decision(service, finalize=False)
    assert decision(db, key).state is State.DRAFT
    service.open("ana", key, deadline=service.clock() + timedelta(hours=2))
    assert decision(db, key).state is State.OPEN
    service.finalize("ana", key)
    d = decision(db, key)
    assert d.state is State.FINALIZED and d.version == 3


def test_only_the_owner_changes_a_decision_and_a_denial_writes_nothing(store: Store) -> None:
    db, service = store
    key = token_decision(service, finalize=False)
    before = feed_length(db)
    attempts: list[Callable[[], object]] = [
        lambda: service.finalize("fred", key),
        lambda: service.open("fred", key, deadline=service.clock() + timedelta(days=1)),
        lambda: service.withdraw("fred", key),
        lambda: service.revise("fred", key, title="Mine now", summary="takeover"),
    ]
    for attempt in attempts:
        with pytest.raises(PermissionDeniedError, match="Only ana, the owner of D-1"):
            attempt()
    assert feed_length(db) == before
    assert decision(db, key).revision == 1


def test_a_rejected_write_leaves_no_trace(store: Store) -> None:
    db, service = store
    key = token_decision(service)
    before = feed_length(db)
    with pytest.raises(ValidationError, match="always material"):
        service.revise(
            "ana", key, summary="s", minor=True, set_assertions={"auth.token.refresh_minutes": "60"}
        )
    with pytest.raises(ValidationError, match="change nothing"):
        service.revise("ana", key, summary="s", title="Token refresh policy")
    with pytest.raises(ValidationError, match="feedback is taken only while"):
        service.give_feedback("fred", key, body="late")
    assert feed_length(db) == before
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(RevisionRow)) == 1


def test_revision_carries_unchanged_content_and_applies_assertion_changes(store: Store) -> None:
    db, service = store
    key = token_decision(service)
    service.revise("ana", key, summary="grace", set_assertions={"auth.grace": "5"})
    service.revise(
        "ana", key, summary="drop", unset_assertions=["auth.token.refresh_minutes"], body="New body"
    )
    d = decision(db, key)
    assert [r.number for r in d.revisions] == [1, 2, 3]
    assert dict(d.revisions[1].assertions) == {
        "auth.grace": "5",
        "auth.token.refresh_minutes": "15",
    }
    assert dict(d.current.assertions) == {"auth.grace": "5"}
    assert d.current.title == "Token refresh policy" and d.current.body == "New body"
    assert d.state is State.FINALIZED  # a revision of a finalized decision stays finalized
    with pytest.raises(ValidationError, match="asserts nothing about nope"):
        service.revise("ana", key, summary="x", unset_assertions=["nope"])


def test_stale_expect_revision_is_a_conflict_naming_the_current_revision(store: Store) -> None:
    _, service = store
    key = token_decision(service)
    service.revise("ana", key, summary="60", set_assertions={"auth.token.refresh_minutes": "60"})
    with pytest.raises(ConflictError) as caught:
        service.revise("ana", key, summary="x", title="Other", expect_revision=1)
    assert caught.value.current_revision == 2
    assert caught.value.exit_code == 3
    assert "D-1 is at revision 2" in caught.value.message


def test_concurrent_edits_from_one_base_let_exactly_one_win(store: Store) -> None:
    db, service = store
    key = token_decision(service)
    barrier = threading.Barrier(8)
    outcomes: list[object] = []
    lock = threading.Lock()

    def edit(n: int) -> None:
        barrier.wait()
        try:
            result: object = service.revise(
                "ana", key, summary=f"edit {n}", title=f"Title {n}", expect_revision=1
            )
        except InboxError as exc:
            result = exc
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=edit, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    conflicts = [o for o in outcomes if isinstance(o, ConflictError)]
    assert len(outcomes) == 8
    assert len(conflicts) == 7, outcomes
    assert all(c.current_revision == 2 for c in conflicts)
    assert decision(db, key).revision == 2


def test_acknowledgment_is_idempotent_and_pinned_to_a_revision(store: Store) -> None:
    db, service = store
    key = token_decision(service)
    ack_id = str(uuid.uuid4())
    first = service.acknowledge("fred", key, ack_id=ack_id)
    before = feed_length(db)
    again = service.acknowledge("fred", key, ack_id=ack_id)
    other_id = service.acknowledge("fred", key)  # a second client, a new UUID, same revision
    assert first.events == ("acknowledged",)
    assert again.noop and other_id.noop
    assert feed_length(db) == before
    service.revise("ana", key, summary="60", set_assertions={"auth.token.refresh_minutes": "60"})
    old = service.acknowledge("mallory", key, revision=1)  # what mallory saw, recorded truly
    assert old.revision == 1
    with db.read() as session:
        rows = session.execute(
            select(AcknowledgmentRow.person, AcknowledgmentRow.revision).order_by(
                AcknowledgmentRow.person
            )
        ).all()
    assert [tuple(r) for r in rows] == [("fred", 1), ("mallory", 1)]
    with pytest.raises(NotFoundError, match="has no revision 3"):
        service.acknowledge("fred", key, revision=3)


def test_superseded_and_withdrawn_decisions_take_no_acknowledgment(store: Store) -> None:
    db, service = store
    old = token_decision(service)
    new = token_decision(service)
    service.supersede("ana", old, by=new)
    d = decision(db, old)
    assert d.state is State.SUPERSEDED and d.superseded_by == new
    with pytest.raises(ValidationError, match=f"acknowledge {new} instead"):
        service.acknowledge("fred", old)
    service.withdraw("ana", new)
    with pytest.raises(ValidationError, match="withdrawn"):
        service.acknowledge("fred", new)
    with pytest.raises(ValidationError, match="withdrawn"):
        service.finalize("ana", new)


def test_feedback_while_open_with_objection(store: Store) -> None:
    db, service = store
    key = token_decision(service, finalize=False)
    service.open("ana", key, deadline=service.clock() + timedelta(days=1))
    fid = str(uuid.uuid4())
    service.give_feedback("fred", key, body="Too short for mobile", objection=True, feedback_id=fid)
    assert service.give_feedback(
        "fred", key, body="Too short for mobile", objection=True, feedback_id=fid
    ).noop
    [fb] = decision(db, key).feedback
    assert fb.person == "fred" and fb.objection and fb.revision == 1


def test_opening_needs_a_future_deadline(store: Store) -> None:
    _, service = store
    key = token_decision(service, finalize=False)
    with pytest.raises(ValidationError, match="in the past"):
        service.open("ana", key, deadline=service.clock() - timedelta(minutes=1))


def test_unknown_people_teams_and_keys_are_named(store: Store) -> None:
    _, service = store
    with pytest.raises(NotFoundError, match="no person 'zed'"):
        service.create("zed", title="x")
    with pytest.raises(NotFoundError, match="no team 'ops'"):
        service.create("ana", title="x", team="ops")
    with pytest.raises(NotFoundError, match="no decision D-42"):
        service.finalize("ana", "D-42")


def test_keys_are_unique_under_concurrent_creates(store: Store) -> None:
    _db, service = store
    keys: list[str | None] = []
    lock = threading.Lock()

    def create(n: int) -> None:
        for i in range(3):
            change = service.create("ana", title=f"Decision {n}.{i}")
            with lock:
                keys.append(change.key)

    threads = [threading.Thread(target=create, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(keys, key=lambda k: int(str(k)[2:])) == [f"D-{n}" for n in range(1, 19)]
