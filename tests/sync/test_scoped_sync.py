"""A client syncs its person's scope whole and of every other live decision only its index
(inbox.core.scope, applied by the store: inbox.store.scope), and follows the scope as it moves:
a membership or a code check of theirs brings decisions in and leaves others as their index or
drops them, and conflicts with decisions outside the scope are still found. On both backends,
PostgreSQL through its one-statement catch-up."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from inbox.core.inbox import compute_inbox
from inbox.core.model import CodeValue, Reason, Role, Snapshot
from inbox.core.scope import in_scope, kept_of, relied_keys
from inbox.store.connection import StoreConnection
from inbox.store.reader import load_snapshot
from inbox.store.scope import in_scope_among, scoped_keys
from inbox.store.service import StoreService
from inbox.store.stream import stream_decisions
from inbox.sync.client import Client
from inbox.sync.local import LocalClient
from tests.store.helpers import open_store


@pytest.fixture
def world(store_url: str) -> Iterator[tuple[StoreConnection, StoreService]]:
    store, service = open_store(store_url)  # ana: backend; fred, mallory: frontend
    service.add_team("mobile")
    service.add_person("mo", name="Mo", teams=["mobile"])
    try:
        yield store, service
    finally:
        store.dispose()


@pytest.fixture
def fred(store_url: str, tmp_path: Path) -> Iterator[Client]:
    client = Client.open(StoreConnection.open(store_url), "fred", tmp_path / "fred")
    try:
        yield client
    finally:
        client.close()
        client.store.dispose()


def decision(
    service: StoreService,
    owner: str,
    audience: list[tuple[str, str, Role]],
    assertions: dict[str, str],
    *,
    title: str = "A decision",
    body: str = "The long story.",
    finalize: bool = True,
) -> str:
    key = service.create(
        owner, title=title, body=body, audience=audience, assertions=assertions
    ).key
    assert key is not None
    if finalize:
        service.finalize(owner, key)
    return key


def truth(store: StoreConnection) -> Snapshot:
    with store.read() as session:
        return load_snapshot(session)


def assert_like_the_store(client: Client, store: StoreConnection) -> None:
    """The cache holds what the scope rule keeps of the store, the running inbox and a fresh one
    read from the cache agree, and both equal the inbox computed from the whole store."""
    whole = truth(store)
    cached = client.cache.snapshot()
    assert {d.key: d for d in cached.decisions} == {d.key: d for d in kept_of(whole, "fred")}
    now = client.syncer.clock()
    assert client.syncer.items(now) == compute_inbox("fred", whole, now)
    again = LocalClient.open(client.paths, "fred")
    try:
        assert again.inbox.items(now) == compute_inbox("fred", whole, now)
    finally:
        again.close()


def test_the_scope_comes_whole_the_other_live_decisions_as_their_index_and_conflicts_still_show(
    world: tuple[StoreConnection, StoreService], fred: Client
) -> None:
    store, service = world
    theirs = decision(service, "ana", [("team", "backend", Role.ACK)], {"api.limit": "100"})
    service.revise("ana", theirs, summary="tighter", set_assertions={"api.limit": "50"})
    over = decision(service, "ana", [("team", "backend", Role.ACK)], {"old.key": "1"})
    service.withdraw("ana", over)
    ours = decision(service, "mo", [("team", "frontend", Role.ACK)], {"api.limit": "200"})

    fred.syncer.sync()
    cached = {d.key: d for d in fred.cache.snapshot().decisions}
    assert set(cached) == {theirs, ours}  # the withdrawn one concerns fred not at all
    assert not cached[ours].partial and cached[ours].current.body == "The long story."
    index = cached[theirs]
    assert index.partial and index.audience == () and index.acknowledgments == ()
    assert [(r.number, r.body, dict(r.assertions)) for r in index.revisions] == [
        (2, "", {"api.limit": "50"})
    ]
    conflict = [i for i in fred.syncer.items() if i.reason is Reason.CONFLICT]
    assert [(i.key, i.conflict_key) for i in conflict] == [(ours, "api.limit")]
    assert [(p.key, p.value, p.owner) for p in conflict[0].conflicts_with] == [
        (theirs, "50", "ana")
    ]
    assert_like_the_store(fred, store)

    # A change to a decision outside the scope arrives as its index, through the catch-up.
    service.revise("ana", theirs, summary="back", set_assertions={"api.limit": "200"})
    fred.syncer.sync()
    assert not [i for i in fred.syncer.items() if i.reason is Reason.CONFLICT]
    assert_like_the_store(fred, store)


def test_a_membership_brings_decisions_in_and_leaving_a_team_drops_them(
    world: tuple[StoreConnection, StoreService], fred: Client
) -> None:
    store, service = world
    mobile = decision(service, "mo", [("team", "mobile", Role.ACK)], {"app.release": "14"})
    gone = decision(service, "mo", [("team", "mobile", Role.INFORM)], {"app.icon": "round"})
    frontend = decision(service, "mo", [("team", "frontend", Role.ACK)], {"web.theme": "dark"})
    old = decision(service, "mo", [("team", "frontend", Role.INFORM)], {"web.font": "serif"})
    fred.syncer.sync()
    assert {d.key for d in fred.cache.snapshot().decisions if not d.partial} == {frontend, old}

    service.add_person("fred", name="Fred", teams=["mobile"])  # joins mobile
    service.withdraw("mo", gone)  # over, but in fred's scope now: kept whole
    delta = fred.syncer.sync()
    assert (mobile, Reason.NEEDS_ACK) in [(i.key, i.reason) for i in delta.added]
    cached = {d.key: d for d in fred.cache.snapshot().decisions}
    assert not cached[mobile].partial and not cached[gone].partial
    assert cached[mobile].audience  # whole: audience, revisions, acknowledgments
    assert_like_the_store(fred, store)

    service.withdraw("mo", old)
    service.remove_from_teams("fred", ["frontend"])  # leaves frontend
    delta = fred.syncer.sync()
    assert (frontend, Reason.NEEDS_ACK) in [(i.key, i.reason) for i in delta.removed]
    cached = {d.key: d for d in fred.cache.snapshot().decisions}
    assert cached[frontend].partial  # live: its index stays, for conflicts
    assert old not in cached  # out of scope and over: dropped
    assert_like_the_store(fred, store)


def test_a_code_check_of_the_persons_team_brings_in_what_their_code_relies_on(
    world: tuple[StoreConnection, StoreService], fred: Client
) -> None:
    store, service = world
    relied = decision(service, "ana", [("team", "backend", Role.INFORM)], {"auth.ttl": "15"})
    fred.syncer.sync()
    assert {d.key: d for d in fred.cache.snapshot().decisions}[relied].partial

    found = (CodeValue("auth.ttl", "15", "holds", relied, 1),)
    service.report("fred", team="frontend", repo="web", commit=None, values=found)
    delta = fred.syncer.sync()
    assert [(i.key, i.reason, i.relies_on) for i in delta.added] == [
        (relied, Reason.NEEDS_ACK, ("auth.ttl in web",))
    ]
    assert not {d.key: d for d in fred.cache.snapshot().decisions}[relied].partial
    assert_like_the_store(fred, store)

    # The next check of the same repository no longer binds the key: back to its index.
    other = (CodeValue("web.other", "1", "no_decision", None, None),)
    service.report("fred", team="frontend", repo="web", commit=None, values=other)
    fred.syncer.sync()
    assert {d.key: d for d in fred.cache.snapshot().decisions}[relied].partial
    assert_like_the_store(fred, store)


def test_the_database_applies_the_same_rule_as_the_core_values(
    world: tuple[StoreConnection, StoreService], store_url: str, tmp_path: Path
) -> None:
    """Random audiences, owners, states and code checks: the set form, the per-decision form,
    the streamed full load and the catch-up all keep exactly what
    :func:`inbox.core.scope.in_scope` keeps, for every person."""
    store, service = world
    rng = random.Random(20261201)
    people = ["ana", "fred", "mallory", "mo"]
    teams = ["backend", "frontend", "mobile"]
    keys = [f"k.{n}" for n in range(6)]
    # Synced once while the store is empty: everything below reaches them by catch-up.
    clients = {
        user: Client.open(StoreConnection.open(store_url), user, tmp_path / user) for user in people
    }
    try:
        for client in clients.values():
            client.syncer.sync()
        for team, reporter in (("frontend", "fred"), ("mobile", "mo")):
            values = tuple(
                CodeValue(k, "1", "no_decision", None, None) for k in rng.sample(keys, 2)
            )
            service.report(reporter, team=team, repo="app", commit=None, values=values)
        for _ in range(40):
            random_decision(service, rng, people, teams, keys)
        whole = truth(store)
        with store.read() as session:
            for user in people:
                teams_of = whole.teams_of(user)
                relied = relied_keys(whole.code_checks, teams_of)
                rule = {d.key for d in whole.decisions if in_scope(d, user, teams_of, relied)}
                assert 0 < len(rule) < len(whole.decisions), user  # not a degenerate case
                assert scoped_keys(session, user) == rule, user
                everyone = [d.key for d in whole.decisions]
                assert in_scope_among(session, user, everyone) == rule, user
                streamed = {d.key: d for d in stream_decisions(session, user)}
                assert streamed == {d.key: d for d in kept_of(whole, user)}, user
        for user, client in clients.items():
            client.syncer.sync()
            cached = {d.key: d for d in client.cache.snapshot().decisions}
            assert cached == {d.key: d for d in kept_of(whole, user)}, user
            now = client.syncer.clock()
            assert client.syncer.items(now) == compute_inbox(user, whole, now), user
    finally:
        for client in clients.values():
            client.close()
            client.store.dispose()


def random_decision(
    service: StoreService, rng: random.Random, people: list[str], teams: list[str], keys: list[str]
) -> None:
    owner = rng.choice(people)
    audience = [
        (kind, rng.choice(people if kind == "person" else teams), rng.choice(list(Role)))
        for kind in rng.sample(["person", "team"], rng.randint(0, 2))
    ]
    asserted = {k: str(rng.randint(1, 3)) for k in rng.sample(keys, rng.randint(0, 2))}
    key = decision(service, owner, audience, asserted, finalize=False)
    if rng.random() < 0.3:  # the current revision asserts another key than the first
        service.revise(owner, key, summary="moved", set_assertions={keys[5]: "9"})
    state = rng.choice(["draft", "open", "finalized", "withdrawn"])
    if state == "open":
        service.open(owner, key, deadline=service.clock() + timedelta(days=1))
    elif state == "finalized":
        service.finalize(owner, key)
    elif state == "withdrawn":
        service.withdraw(owner, key)
