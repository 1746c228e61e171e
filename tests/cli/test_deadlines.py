"""Deadlines a person can type: far-future dates, extreme offsets and local times that do not
exist each get one sentence, never an overflow or a silent shift by an hour."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from inbox import cli
from inbox.cli.lifecycle import parse_deadline
from inbox.core.errors import UsageError
from inbox.core.times import from_local
from tests.store.helpers import open_store


@pytest.fixture
def berlin(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TZ", "Europe/Berlin")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_a_skipped_local_time_is_refused(berlin: None) -> None:
    with pytest.raises(ValueError):
        from_local(datetime(2027, 3, 28, 2, 30))
    assert from_local(datetime(2027, 3, 28, 3, 30)).utcoffset().total_seconds() == 7200  # type: ignore[union-attr]


def test_a_repeated_local_time_is_its_first_occurrence(berlin: None) -> None:
    # 02:30 happens twice on 2027-10-31: first in summer time (+02:00).
    assert from_local(datetime(2027, 10, 31, 2, 30)).utcoffset().total_seconds() == 7200  # type: ignore[union-attr]


@pytest.mark.parametrize("text", ["9999-12-31", "9999-12-31T23:59:59-12:00", "2100-01-01T00:00Z"])
def test_far_deadlines_are_one_sentence(text: str) -> None:
    with pytest.raises(UsageError, match="years away"):
        parse_deadline(text, datetime(2026, 12, 1, tzinfo=UTC))


@pytest.fixture
def draft(sqlite_url: str) -> str:
    store, service = open_store(sqlite_url)
    service.create("ana", title="Token refresh", body="", team="backend")
    store.dispose()
    return sqlite_url


@pytest.mark.parametrize(
    ("deadline", "words"),
    [
        ("9999-12-31", "more than 10 years away"),
        ("9999-12-31T23:59:59-12:00", "more than 10 years away"),
        ("2027-03-28T02:30", "does not exist in your time zone"),
    ],
)
def test_open_with_an_impossible_deadline_says_so(
    draft: str, berlin: None, capsys: pytest.CaptureFixture[str], deadline: str, words: str
) -> None:
    code = cli.main(["--store", draft, "--user", "ana", "open", "D-1", "--deadline", deadline])
    err = capsys.readouterr().err
    assert code == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("decision-inbox: "), err
    assert words in lines[0] and "Error" not in lines[0], lines[0]
