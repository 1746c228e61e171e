"""An acknowledgment the store accepted from the command line is done: ``inbox`` does not list it
as sent-but-unconfirmed until some long-running client of the profile syncs."""

from __future__ import annotations

from pathlib import Path

from tests.processes import cli
from tests.store.helpers import open_store, token_decision


def test_a_delivered_acknowledgment_is_not_listed_as_waiting(
    sqlite_url: str, isolated_profile: Path
) -> None:
    store, service = open_store(sqlite_url)
    key = token_decision(service)
    store.dispose()
    assert cli("ack", key, store=sqlite_url, user="fred").code == 0
    shown = cli("inbox", "--json", store=sqlite_url, user="fred").json()
    assert shown["outbox"] == []
    assert [i["key"] for i in shown["items"] if i["reason"] == "needs_ack"] == []
    text = cli("inbox", store=sqlite_url, user="fred").out
    assert "Waiting to be delivered" not in text
