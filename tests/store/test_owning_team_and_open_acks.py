"""Two rules of schema v5 on both backends, with the same sentences: a decision belongs to one of
its owner's teams, and an open decision is answered with feedback, not acknowledged
(docs/decisions/0010-logins-through-database-functions.md)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from inbox.core.errors import LifecycleError, ValidationError
from inbox.store.connection import StoreConnection
from inbox.store.service import StoreService
from tests.processes import cli
from tests.sentences import one_sentence
from tests.store.helpers import feed_length, open_store, token_decision

Store = tuple[StoreConnection, StoreService]


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    store, service = open_store(store_url)
    service.add_team("web")
    service.add_person("tess", name="Tess", teams=["backend", "frontend"])
    service.add_person("nobody", name="No Team")
    yield store, service
    store.dispose()


def test_the_owning_team_is_one_of_the_owners_teams(store: Store) -> None:
    db, service = store
    before = feed_length(db)
    with pytest.raises(ValidationError) as two:
        service.create("tess", title="Which team?")
    assert str(two.value) == (
        "tess is in backend and frontend; choose the team that owns this decision with --team NAME."
    )
    with pytest.raises(ValidationError) as other:
        service.create("tess", title="Not theirs", team="web")
    assert str(other.value) == (
        "tess is not in web, and a decision belongs to one of its owner's teams; tess's teams "
        "are backend and frontend: give one with --team NAME."
    )
    with pytest.raises(ValidationError) as one:
        service.create("ana", title="Not hers", team="frontend")
    assert "ana's team is backend" in str(one.value)
    with pytest.raises(ValidationError) as none:
        service.create("nobody", title="No team at all")
    assert str(none.value) == (
        "nobody is in no team, and a decision belongs to its owner's team; an admin can add "
        "them to one with `decision-inbox person add nobody --team NAME`."
    )
    assert feed_length(db) == before  # nothing written, no key used up
    assert service.create("tess", title="Chosen", team="frontend").key == "D-1"
    assert service.create("ana", title="Her only team").key == "D-2"


def test_an_open_decision_is_not_acknowledged(store: Store) -> None:
    db, service = store
    key = token_decision(service, finalize=False)
    deadline = datetime(2030, 5, 6, 17, 30, tzinfo=UTC)
    service.open("ana", key, deadline=deadline)
    before = feed_length(db)
    with pytest.raises(LifecycleError) as refused:
        service.acknowledge("fred", key)
    assert str(refused.value) == (
        f"{key} is open for feedback until 2030-05-06 17:30 UTC; acknowledge it once it is "
        f"finalized, or give feedback with `decision-inbox feedback {key} --text …`."
    )
    assert feed_length(db) == before
    service.finalize("ana", key)
    assert service.acknowledge("fred", key).events == ("acknowledged",)


def test_the_command_line_says_both_rules_in_one_sentence(store_url: str) -> None:
    store, service = open_store(store_url)
    try:
        service.add_person("tess", name="Tess", teams=["backend", "frontend"])
        key = token_decision(service, finalize=False)
        service.open("ana", key, deadline=service.clock() + timedelta(days=2))
    finally:
        store.dispose()
    new = cli("new", "--title", "Which team?", store=store_url, user="tess", check=False)
    assert new.code == 1
    one_sentence(new.err, "tess is in backend and frontend", "--team NAME")
    ack = cli("ack", key, store=store_url, user="fred", check=False)
    assert ack.code == 1  # a wrong state, as every lifecycle refusal (docs/cli.md)
    one_sentence(ack.err, f"{key} is open for feedback until", f"decision-inbox feedback {key}")
    shown = cli("inbox", "--json", store=store_url, user="fred").json()
    assert shown["outbox"] == []  # refused at once: nothing queued, nothing retried
