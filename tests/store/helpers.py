"""Building a store for a test: initialised, with a small directory, through the real service."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import func, select

from inbox import cli
from inbox.core.model import Role
from inbox.store.connection import StoreConnection
from inbox.store.models import Base, ChangeRow
from inbox.store.service import StoreService


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """``decision-inbox ARGS`` in this process: exit code, stdout and stderr."""
    code = cli.main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@contextmanager
def initialised_service(url: str) -> Iterator[StoreService]:
    """A service on the store at ``url``, initialised first; the connection closes on exit."""
    store = StoreConnection.open(url)
    try:
        store.initialise()
        yield StoreService(store)
    finally:
        store.dispose()


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


def count(store: StoreConnection, model: type[Base]) -> int:
    with store.read() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def feed_length(store: StoreConnection) -> int:
    return count(store, ChangeRow)


def plan_nodes(
    store: StoreConnection, statement: str, parameters: Any, plan_cache_mode: str | None = None
) -> list[dict[str, Any]]:
    """Every node of the plan PostgreSQL runs ``statement`` with (``EXPLAIN ANALYZE``), under
    ``plan_cache_mode`` if given (``force_generic_plan``: as a long-lived connection plans)."""
    with store.engine.connect() as connection:
        if plan_cache_mode is not None:
            connection.exec_driver_sql(f"SET plan_cache_mode = {plan_cache_mode}")
        plan = connection.exec_driver_sql(
            "EXPLAIN (ANALYZE, FORMAT JSON) " + statement, parameters
        ).scalar_one()
    nodes: list[dict[str, Any]] = []
    todo = [plan[0]["Plan"]]
    while todo:
        node = todo.pop()
        nodes.append(node)
        todo.extend(node.get("Plans", ()))
    return nodes
