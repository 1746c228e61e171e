"""The change listener blocks on its socket: a NOTIFY or an interrupt wakes it, nothing else."""

from __future__ import annotations

import select
import threading
import time
import types
from collections.abc import Callable, Iterator

import psycopg
import pytest
from sqlalchemy.engine import make_url

from inbox.store.feed import NOTIFY_CHANNEL
from inbox.sync import wakeup
from inbox.sync.wakeup import Interrupt, PostgresListener
from tests import pg, waiting

pytestmark = pytest.mark.postgres


@pytest.fixture
def selects(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The times the listener called ``select``."""
    calls: list[float] = []

    def counted(*args: object) -> object:
        calls.append(time.monotonic())
        return select.select(*args)  # type: ignore[call-overload]

    monkeypatch.setattr(wakeup, "select", types.SimpleNamespace(select=counted))
    return calls


@pytest.fixture
def listener(pg_url: str) -> Iterator[tuple[PostgresListener, Interrupt]]:
    interrupt = Interrupt()
    waiting = PostgresListener(make_url(pg_url), interrupt)
    yield waiting, interrupt
    waiting.close()
    interrupt.close()


def waiting_in_thread(
    listener: PostgresListener, timeout: float
) -> tuple[threading.Thread, list[object]]:
    result: list[object] = []
    thread = threading.Thread(target=lambda: result.append(listener.wait(timeout)), daemon=True)
    thread.start()
    return thread, result


def until(condition: Callable[[], object], seconds: float = 10.0) -> None:
    waiting.until(condition, seconds, "the listener")


def test_a_quiet_wait_is_one_select_for_its_whole_timeout(
    listener: tuple[PostgresListener, Interrupt], selects: list[float]
) -> None:
    waiting, _ = listener
    started = time.monotonic()
    assert waiting.wait(1.0) is False
    assert time.monotonic() - started >= 1.0
    # Polling in slices (as before: 0.2 s) would have called it five times or more.
    assert len(selects) == 1


def test_a_notify_wakes_the_blocked_listener_at_once(
    listener: tuple[PostgresListener, Interrupt], selects: list[float], pg_url: str
) -> None:
    waiting, _ = listener
    thread, result = waiting_in_thread(waiting, 60.0)
    until(lambda: selects)  # blocked in select
    with psycopg.connect(pg.libpq_url(pg_url), autocommit=True) as other:
        sent = time.monotonic()
        other.execute(f"NOTIFY {NOTIFY_CHANNEL}, '1'")
    thread.join(10.0)
    assert result == [True]
    assert time.monotonic() - sent < 10.0
    assert len(selects) == 1


def test_an_interrupt_ends_the_wait_for_shutdown(
    listener: tuple[PostgresListener, Interrupt], selects: list[float]
) -> None:
    waiting, interrupt = listener
    thread, result = waiting_in_thread(waiting, 60.0)
    until(lambda: selects)
    interrupt.set()
    thread.join(5.0)
    assert not thread.is_alive() and result == [True]
    assert interrupt.take() and not interrupt.take()  # taken once, and the pipe drained
    assert waiting.wait(0.05) is False  # a drained pipe does not wake the next wait


def test_a_burst_of_notifies_is_one_wake_up(
    listener: tuple[PostgresListener, Interrupt], pg_url: str
) -> None:
    waiting, _ = listener
    with psycopg.connect(pg.libpq_url(pg_url)) as other:  # delivered together, at its commit
        for n in range(5):
            other.execute(f"NOTIFY {NOTIFY_CHANNEL}, '{n}'")
        other.commit()
    until(lambda: waiting.wait(0.1))
    assert waiting.wait(0.2) is False  # all five were taken by the one wake-up
