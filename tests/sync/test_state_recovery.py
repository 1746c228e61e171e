"""A damaged state file gives back every outbox entry whose bytes survived, and says how many
were lost.

Each trial fills an outbox (acknowledgments and feedback, some delivered and removed, some sent,
some refused), closes it, damages the file in one realistic way and opens it again. What must
come back is decided from the bytes: an entry whose table page is unchanged in the damaged file
must be recovered exactly, and so must every entry SQLite itself can still select from it; an
entry removed before the damage must never come back; and when the outbox's index pages
survived, recovered + lost is exactly what was queued. Rerun one trial with its seed, printed in
every assertion message.
"""

from __future__ import annotations

import random
import shutil
import sqlite3
import string
from pathlib import Path

import pytest

from inbox.sync.state import PENDING, REFUSED, SENT, ClientState, OutboxEntry
from tests.processes import cli
from tests.store.helpers import open_store, token_decision

TRIALS = 20
DAMAGES = ("truncated mid-page", "page overwritten with garbage", "header overwritten")

# Every test here opens a damaged state file, which the client moves aside with one warning.
pytestmark = pytest.mark.expect_log("inbox.sync.localdb", "WARNING")


def _fill(state: ClientState, rng: random.Random) -> dict[str, OutboxEntry]:
    """An outbox of a few pages; what is left in it after some were delivered, by id."""
    made: list[OutboxEntry] = []
    for i in range(rng.randint(20, 120)):
        if rng.random() < 0.6:
            made.append(state.queue_ack(f"D-{i}", rng.randint(1, 9)))
        else:
            # At most 1200 characters, 3600 bytes: no overflow page, so that "its page survived"
            # decides it (overflow has a test of its own).
            body = "".join(rng.choices(string.ascii_letters + " é✓", k=rng.randint(1, 1200)))
            made.append(state.queue_feedback(f"D-{i}", rng.randint(1, 9), body, rng.random() < 0.3))
    removed = rng.sample(made, len(made) // 4)
    state.remove([e.id for e in removed])
    for entry in rng.sample([e for e in made if e not in removed], len(made) // 5):
        if rng.random() < 0.5:
            state.mark(entry.id, SENT)
        else:
            state.mark(entry.id, REFUSED, "D-1 is withdrawn; nothing to acknowledge.")
    return {e.id: e for e in state.entries()}


def _damage(data: bytes, kind: str, page: int, rng: random.Random) -> bytes:
    pages = len(data) // page
    if kind == "truncated mid-page":
        cut = rng.randrange(page + 1, len(data) - 1)
        if cut % page == 0:
            cut += rng.randint(1, page - 1)
        return data[:cut]
    if kind == "page overwritten with garbage":
        n = rng.randint(2, pages)
        return data[: (n - 1) * page] + rng.randbytes(page) + data[n * page :]
    return rng.randbytes(100) + data[100:]


def _table_page(original: bytes, entry: OutboxEntry, page: int) -> int:
    """The page of the entry's row: its id followed by its kind is the start of the record."""
    at = original.find(entry.id.encode() + entry.kind.encode())
    assert at >= 0
    return at // page + 1


def _intact(original: bytes, damaged: bytes, number: int, page: int) -> bool:
    start, end = (number - 1) * page, number * page
    return len(damaged) >= end and original[start:end] == damaged[start:end]


def _sqlite_can_read(damaged: bytes, folder: Path) -> set[str]:
    """The ids of the rows SQLite itself still selects from the damaged file."""
    copy = folder / "probe.sqlite"
    copy.write_bytes(damaged)
    ids: set[str] = set()
    try:
        connection = sqlite3.connect(copy)
        try:
            # NOT INDEXED: the ids alone would come from the index, not from the rows.
            for row in connection.execute("SELECT * FROM outbox NOT INDEXED"):
                ids.add(row[0])
        finally:
            connection.close()
    except sqlite3.DatabaseError:
        pass  # it reads up to the first bad page, or nothing at all
    return ids


def _index_pages(path: Path) -> set[int]:
    connection = sqlite3.connect(path)
    try:
        rows = connection.execute(
            "SELECT pageno FROM dbstat WHERE name = 'sqlite_autoindex_outbox_1'"
        ).fetchall()
    finally:
        connection.close()
    return {n for (n,) in rows}


def _same(got: OutboxEntry, want: OutboxEntry) -> bool:
    status = PENDING if want.status == SENT else want.status  # sent goes out again
    return (got.kind, got.decision, got.revision, got.body, got.objection, got.created_at) == (
        want.kind,
        want.decision,
        want.revision,
        want.body,
        want.objection,
        want.created_at,
    ) and (got.status, got.error) == (status, want.error)


@pytest.mark.parametrize("damage", DAMAGES)
@pytest.mark.parametrize("seed", range(TRIALS))
def test_a_damaged_state_file_keeps_every_readable_outbox_entry(
    tmp_path: Path, seed: int, damage: str
) -> None:
    rng = random.Random(f"{seed}-{damage}")
    where = f"seed {seed}, {damage}"
    path = tmp_path / "state.sqlite"
    state = ClientState(path)
    queued = _fill(state, rng)
    state.close()
    original = path.read_bytes()
    page = int.from_bytes(original[16:18], "big")
    index_pages = _index_pages(path)
    damaged = _damage(original, damage, page, rng)
    path.write_bytes(damaged)
    must = {
        i
        for i, e in queued.items()
        if _intact(original, damaged, _table_page(original, e, page), page)
    } | (_sqlite_can_read(damaged, tmp_path) & queued.keys())

    reopened = ClientState(path)
    try:
        got = {e.id: e for e in reopened.entries()}
    finally:
        reopened.close()

    assert must <= got.keys(), f"{where}: lost {len(must - got.keys())} readable entries"
    assert got.keys() <= queued.keys(), f"{where}: an entry that never was"
    assert all(_same(got[i], queued[i]) for i in got), f"{where}: an entry came back changed"
    recovery = reopened.recovery
    assert recovery is not None, where
    assert recovery.recovered == len(got), where
    if all(_intact(original, damaged, n, page) for n in index_pages | {1}):
        assert recovery.exact, f"{where}: {recovery}"
    if recovery.exact:
        assert recovery.recovered + recovery.lost == len(queued), f"{where}: {recovery}"
    else:
        assert recovery.recovered + recovery.lost <= len(queued), f"{where}: {recovery}"
    assert recovery.aside.exists() and recovery.aside.name.startswith("state.sqlite.unreadable-")
    sentence = recovery.message
    assert sentence.endswith(".") and "\n" not in sentence, sentence
    assert str(recovery.recovered) in sentence or recovery.recovered == 0, sentence


def test_delivered_entries_never_come_back(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite"
    state = ClientState(path)
    kept = state.queue_ack("D-1", 1)
    gone = [state.queue_feedback(f"D-{i}", 1, "x" * 900, False) for i in range(2, 40)]
    state.remove([e.id for e in gone])
    state.close()
    data = path.read_bytes()
    path.write_bytes(b"\0" * 100 + data[100:])  # no header: the freelist cannot be found
    reopened = ClientState(path)
    try:
        assert [e.id for e in reopened.entries()] == [kept.id]
    finally:
        reopened.close()


def test_entries_only_in_the_write_ahead_log_come_back(tmp_path: Path) -> None:
    """A crash leaves the newest commits in state.sqlite-wal; the damaged file's log is kept
    beside it and read too."""
    path = tmp_path / "state.sqlite"
    state = ClientState(path)
    early = state.queue_ack("D-1", 1)
    state._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    late = [state.queue_feedback("D-2", 2, f"after the checkpoint {i}", False) for i in range(5)]
    crashed = tmp_path / "crashed"
    crashed.mkdir()
    for name in ("state.sqlite", "state.sqlite-wal"):  # what a kill -9 leaves on disk
        shutil.copy(tmp_path / name, crashed / name)
    state.close()
    damaged = crashed / "state.sqlite"
    data = damaged.read_bytes()
    damaged.write_bytes(b"garbage!" * 12 + data[96:])
    reopened = ClientState(damaged)
    try:
        ids = {e.id for e in reopened.entries()}
        assert ids == {early.id, *(e.id for e in late)}
        assert reopened.recovery is not None and reopened.recovery.recovered == 6
    finally:
        reopened.close()


def test_a_long_feedback_comes_back_from_its_overflow_pages(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite"
    state = ClientState(path)
    long = state.queue_feedback("D-3", 1, "ü" * 20_000, True)
    state.close()
    data = path.read_bytes()
    path.write_bytes(bytes(100) + data[100:])
    reopened = ClientState(path)
    try:
        [entry] = reopened.entries()
        assert (entry.id, entry.body, entry.objection) == (long.id, long.body, True)
    finally:
        reopened.close()


def test_the_outbox_is_on_disk_before_queued_is_said(tmp_path: Path) -> None:
    state = ClientState(tmp_path / "state.sqlite")
    try:
        assert state._db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        assert state._db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        state.close()


def test_an_undamaged_state_file_reports_nothing(tmp_path: Path) -> None:
    ClientState(tmp_path / "state.sqlite").close()
    state = ClientState(tmp_path / "state.sqlite")
    try:
        assert state.recovery is None
    finally:
        state.close()


def test_the_command_line_says_what_was_recovered(sqlite_url: str, isolated_profile: Path) -> None:
    store, service = open_store(sqlite_url)
    key = token_decision(service)
    store.dispose()
    cli("inbox", store=sqlite_url, user="fred")  # the profile's state file exists now
    [path] = isolated_profile.glob("clients/*/state.sqlite")
    state = ClientState(path)
    for revision in (1, 1, 1):
        state.queue_ack(key, revision)
    state.close()
    data = path.read_bytes()
    path.write_bytes(bytes(100) + data[100:])

    shown = cli("inbox", "--json", store=sqlite_url, user="fred")
    [line] = [x for x in shown.err.splitlines() if "damaged state file" in x]
    assert line.startswith("decision-inbox: warning: Recovered 3 queued acknowledgments"), line
    assert "nothing was lost" in line, line
    assert [e["status"] for e in shown.json()["outbox"]] == ["pending"] * 3
    again = cli("inbox", store=sqlite_url, user="fred")
    assert "damaged" not in again.err  # said once, by the command that recovered them
