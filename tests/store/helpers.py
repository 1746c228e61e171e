"""Building a store for a test: initialised, with a small directory, through the real service."""

from __future__ import annotations

from sqlalchemy import func, select

from inbox.core.model import Role
from inbox.store.connection import StoreConnection
from inbox.store.models import ChangeRow
from inbox.store.service import StoreService


def open_store(url: str) -> tuple[StoreConnection, StoreService]:
    store = StoreConnection.open(url)
    store.initialise()
    service = StoreService(store)
    for team in ("backend", "frontend"):
        service.add_team(team)
    service.add_person("ana", name="Ana", teams=["backend"])
    service.add_person("fred", name="Fred", teams=["frontend"])
    service.add_person("mallory", name="Mallory", teams=["frontend"])
    return store, service


def token_decision(service: StoreService, *, finalize: bool = True) -> str:
    key = service.create(
        "ana",
        title="Token refresh policy",
        audience=[("team", "frontend", Role.ACK), ("person", "fred", Role.CONSULT)],
        assertions={"auth.token.refresh_minutes": "15"},
    ).key
    assert key is not None
    if finalize:
        service.finalize("ana", key)
    return key


def feed_length(store: StoreConnection) -> int:
    with store.read() as session:
        return int(session.scalar(select(func.count()).select_from(ChangeRow)) or 0)
