"""A person leaves teams (``person remove HANDLE --team NAME``): the membership goes, the feed
says ``member_removed`` for each team, and what cannot be done is one sentence, alike on both
backends. On PostgreSQL the database's function does it (only an admin may: tests/store/
test_security.py)."""

from __future__ import annotations

import pytest
from alembic import command

from inbox.core.errors import NotFoundError, UsageError, ValidationError
from inbox.store import schema
from inbox.store.connection import StoreConnection
from inbox.store.reader import load_people
from inbox.store.service import StoreService
from tests.processes import cli
from tests.store.helpers import feed_length, open_store


def test_a_person_leaves_teams_with_an_event_each(store_url: str) -> None:
    store, service = open_store(store_url)  # fred: frontend
    try:
        service.add_team("mobile")
        service.add_person("fred", name="Fred", teams=["mobile"])
        before = feed_length(store)
        change = service.remove_from_teams("fred", ["frontend", "mobile", "frontend"])
        assert change.events == ("member_removed", "member_removed")
        assert change.message == "fred left frontend, mobile."
        assert feed_length(store) == before + 2
        with store.read() as session:
            assert load_people(session)["fred"].teams == frozenset()
    finally:
        store.dispose()


@pytest.mark.parametrize(
    ("handle", "teams", "error", "sentence"),
    [
        ("fred", ["backend"], ValidationError,
         "fred is not in the team backend; nothing to remove."),
        ("fred", ["design"], NotFoundError,
         "There is no team 'design' in this store; an admin can add it."),
        ("zoe", ["frontend"], NotFoundError,
         "There is no person 'zoe' in this store; an admin can add them."),
        ("fred", [], UsageError, "Name at least one team to leave (--team)."),
    ],
)  # fmt: skip
def test_what_cannot_be_removed_is_one_sentence_and_changes_nothing(
    store_url: str, handle: str, teams: list[str], error: type[Exception], sentence: str
) -> None:
    store, service = open_store(store_url)
    try:
        before = feed_length(store)
        with pytest.raises(error) as raised:
            service.remove_from_teams(handle, teams)
        assert str(raised.value) == sentence
        assert feed_length(store) == before
        with store.read() as session:
            assert load_people(session)["fred"].teams == frozenset({"frontend"})
    finally:
        store.dispose()


def test_the_command_line_takes_a_person_out_of_a_team(store_url: str) -> None:
    store, _ = open_store(store_url)
    store.dispose()
    assert cli("person", "remove", "fred", "--team", "frontend", store=store_url).out == (
        "fred left frontend.\n"
    )
    again = cli("person", "remove", "fred", "--team", "frontend", store=store_url, check=False)
    assert (again.code, again.err.strip()) == (
        1,
        "decision-inbox: fred is not in the team frontend; nothing to remove.",
    )


def test_a_v5_store_upgrades_in_place_and_then_a_person_leaves(store_url: str) -> None:
    store = StoreConnection.open(store_url)
    try:
        if store.sqlite_file is not None:
            store.sqlite_file.touch()  # opening never creates a SQLite store
        config = schema._alembic_config()
        with store.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "v0005")
        assert store.version() == 5
        store.initialise()  # what `decision-inbox upgrade` runs
        assert store.version() == schema.SCHEMA_VERSION == 6
        service = StoreService(store)
        service.add_team("frontend")
        service.add_person("fred", name="Fred", teams=["frontend"])
        assert service.remove_from_teams("fred", ["frontend"]).events == ("member_removed",)
    finally:
        store.dispose()
