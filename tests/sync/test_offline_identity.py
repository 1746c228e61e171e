"""Offline on PostgreSQL without ``--user``: the identity is the login role the store URL names,
known without asking the server, so the cached inbox, a queued acknowledgment and its later
delivery work as they do with ``--user``."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import make_url

from inbox.store import roles
from inbox.store.connection import StoreConnection
from inbox.store.service import StoreService
from inbox.sync.client import Client
from tests import pg
from tests.processes import cli
from tests.store.helpers import token_decision


def test_offline_without_user_takes_the_login_from_the_url(
    own_pg: pg.ThrowawayCluster, own_store: tuple[str, StoreService], isolated_profile: Path
) -> None:
    admin_url, service = own_store
    roles.grant(service.store, "fred", "unused-under-trust-authentication")
    key = token_decision(service)
    fred_url = make_url(admin_url).set(username="fred").render_as_string(hide_password=False)
    assert cli("inbox", "--json", store=fred_url).json()["user"] == "fred"
    # What `watch` or the app would have synced into this profile before the outage.
    store = StoreConnection.open(fred_url)
    client = Client.open(store, "fred", isolated_profile.resolve())
    client.syncer.sync()
    client.close()
    store.dispose()
    own_pg.pause()
    try:
        down = cli("inbox", "--json", store=fred_url)
        assert down.json()["user"] == "fred"
        assert [(i["key"], i["reason"]) for i in down.json()["items"]] == [(key, "needs_ack")]
        queued = cli("ack", key, store=fred_url)
        assert queued.out.startswith(f"Queued the acknowledgment of {key} r1"), queued.out
    finally:
        own_pg.resume()
    assert cli("ack", key, store=fred_url).code == 0  # delivers what was queued, exactly once
    shown = cli("show", key, "--json", store=admin_url, user="fred").json()
    assert [a["person"] for a in shown["acknowledgments"]] == ["fred"]
