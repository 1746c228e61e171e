"""Clients read defensively (inbox.store.validate): a feed event of a kind this version does not
know, or whose data it cannot interpret, is skipped with one warning and counted; a decision that
fails validation is listed as "D-n could not be read: …" while the rest of the inbox works.

The rows are forged as the superuser, the way a hand edit or a later version could write them:
the database's rules stop members, not everyone (docs/decisions/0009)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import text

from inbox.store.connection import StoreConnection
from inbox.store.service import StoreService
from inbox.sync.client import Client
from inbox.ui.status_widget import ConnectionStatusWidget
from tests.processes import Watch, cli
from tests.sentences import one_sentence
from tests.store.helpers import open_store, token_decision

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


@pytest.fixture
def world(store_url: str, isolated_profile: Path) -> Iterator[tuple[StoreService, Client]]:
    store, service = open_store(store_url)
    # The command line's own profile folder: `inbox` reads what this client synced.
    client = Client.open(StoreConnection.open(store_url), "fred", isolated_profile)
    yield service, client
    client.close()
    client.store.dispose()
    store.dispose()


def forge_events(store: StoreConnection) -> None:
    """A later version's event kind, and data that is not JSON (its rule dropped, as a later
    version's migration could)."""
    with store.engine.begin() as c:
        if c.dialect.name == "postgresql":
            c.execute(text("ALTER TABLE change_log DROP CONSTRAINT ck_change_log_data"))
        else:
            c.execute(text("DROP TRIGGER change_log_json"))
        for kind, data in (("archived", '{"why": "old"}'), ("acknowledged", "{oops")):
            c.execute(
                text(
                    "INSERT INTO change_log (kind, decision, revision, actor, at, data) "
                    "VALUES (:k, 'D-1', 1, 'ana', :at, :d)"
                ),
                {"k": kind, "at": NOW, "d": data},
            )


def forge_decisions(store: StoreConnection) -> None:
    """D-7 without a revision, D-8 in a state this version does not know; with their events."""
    with store.engine.begin() as c:
        if c.dialect.name == "postgresql":
            c.execute(text("SET LOCAL session_replication_role = replica"))  # no triggers
            c.execute(text("ALTER TABLE decisions DROP CONSTRAINT ck_decisions_state"))
        else:
            c.execute(text("PRAGMA ignore_check_constraints = ON"))
        # D-7 live, so that fred (out of its scope) keeps its index: what cannot be read is
        # listed whenever the store sends it (a draft out of scope is not sent at all).
        for number, state in ((7, "finalized"), (8, "archived")):
            c.execute(
                text(
                    "INSERT INTO decisions (number, key, owner, team, state, current_revision, "
                    "version, created_at) VALUES (:n, :k, 'ana', 'backend', :s, 1, 1, :at)"
                ),
                {"n": number, "k": f"D-{number}", "s": state, "at": NOW},
            )
            c.execute(
                text(
                    "INSERT INTO change_log (kind, decision, revision, actor, at, data) "
                    "VALUES ('created', :k, 1, 'ana', :at, '{}')"
                ),
                {"k": f"D-{number}", "at": NOW},
            )
    with store.engine.begin() as c:
        if c.dialect.name == "sqlite":
            c.execute(text("PRAGMA ignore_check_constraints = OFF"))
            # D-8 got no revision either; give it one so that only its state is the problem.
        c.execute(
            text(
                "INSERT INTO revisions (decision_id, number, title, body, summary, minor, author, "
                "created_at) SELECT id, 1, 'Archived', '', 'Created', false, 'ana', :at "
                "FROM decisions WHERE key = 'D-8'"
            ),
            {"at": NOW},
        )


UNREADABLE = {
    "D-7": "it has no revision",
    "D-8": "'archived' is not a valid State, which this version does not know",
}


@pytest.mark.expect_log("inbox.store.validate", "WARNING")
def test_unknown_and_malformed_events_are_skipped_once_and_counted(
    world: tuple[StoreService, Client], caplog: pytest.LogCaptureFixture, store_url: str
) -> None:
    service, client = world
    key = token_decision(service)
    client.syncer.sync()
    forge_events(service.store)
    caplog.set_level(logging.WARNING, "inbox.store.validate")
    delta = client.syncer.sync()
    assert [e.kind for e in delta.events] == []  # neither reached the policy
    skipped = [r for r in caplog.records if r.name == "inbox.store.validate"]
    assert len(skipped) == 2
    assert "'archived' is not one this version knows" in skipped[0].getMessage()
    assert "its data is not JSON" in skipped[1].getMessage()
    service.revise("ana", key, summary="60", set_assertions={"auth.token.refresh_minutes": "60"})
    after = client.syncer.sync()
    assert [e.kind for e in after.events] == ["revised"]  # sync goes on past them
    assert len([r for r in caplog.records if r.name == "inbox.store.validate"]) == 2  # once each
    assert client.cache.skipped_events == 2
    shown = cli("inbox", "--json", store=store_url, user="fred").json()
    assert shown["skipped_events"] == 2
    text_out = cli("inbox", store=store_url, user="fred").out
    assert "Skipped 2 change-feed events this version cannot read" in text_out


def test_unreadable_decisions_are_listed_by_key_and_the_rest_works(
    world: tuple[StoreService, Client], store_url: str, tmp_path: Path
) -> None:
    service, client = world
    client.syncer.sync()  # first: a cursor, so the forged rows come by catch-up
    key = token_decision(service)
    forge_decisions(service.store)
    client.syncer.sync()
    assert client.syncer.unreadable() == UNREADABLE
    assert [(i.key, str(i.reason)) for i in client.syncer.items()] == [(key, "needs_ack")]
    # A profile loading afresh sees the same.
    fresh = Client.open(StoreConnection.open(store_url), "fred", tmp_path / "fresh")
    try:
        fresh.syncer.sync()
        assert fresh.syncer.unreadable() == UNREADABLE
        assert fresh.cache.snapshot().unreadable == UNREADABLE
    finally:
        fresh.close()
        fresh.store.dispose()
    out = cli("inbox", store=store_url, user="fred").out
    assert "D-7 could not be read: it has no revision." in out and key in out
    assert cli("inbox", "--json", store=store_url, user="fred").json()["unreadable"] == [
        {"key": k, "cause": c} for k, c in sorted(UNREADABLE.items())
    ]
    shown = cli("show", "D-7", store=store_url, check=False)
    assert shown.code == 1
    one_sentence(shown.err, "D-7 could not be read: it has no revision")
    cli("show", key, store=store_url)
    cli("digest", store=store_url)


def test_watch_keeps_working_past_forged_rows(service_and_url: tuple[StoreService, str]) -> None:
    service, store_url = service_and_url
    watch = Watch(store_url, "fred")
    try:
        watch.wait_status("online")
        forge_events(service.store)
        forge_decisions(service.store)
        key = token_decision(service)
        got = watch.next_line(timeout=20)
        assert got is not None and got[1]["key"] == key
    finally:
        assert watch.stop() == 0


@pytest.fixture
def service_and_url(store_url: str) -> Iterator[tuple[StoreService, str]]:
    store, service = open_store(store_url)
    yield service, store_url
    store.dispose()


def test_the_apps_status_names_what_it_could_not_read(qtbot: QtBot) -> None:
    widget = ConnectionStatusWidget()
    qtbot.addWidget(widget)
    widget.show_readability(UNREADABLE, 2)
    assert widget.text.startswith("2 unreadable · 2 events skipped")
    assert "D-7 could not be read: it has no revision" in widget.readability_details
    widget.show_readability({}, 0)
    assert widget.text.startswith("Connecting") or "unreadable" not in widget.text
