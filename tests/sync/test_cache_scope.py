"""The cache under scoping: a decision dropped from it is dropped by every reader too, without
a reload, and a cache made before scoping (it held the whole store) is loaded afresh once."""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

import pytest

from inbox.core.model import State
from inbox.core.scope import index_entry
from inbox.sync.cache import Cache
from inbox.sync.mirror import CacheMirror
from tests.core.builders import decision


def test_a_dropped_decision_leaves_every_reader_and_can_come_back(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite"
    writer, other = Cache(path), Cache(path)  # two processes of one profile, in effect
    try:
        one = decision("D-1", state=State.FINALIZED, assertions={"k": "1"})
        two = decision("D-2", state=State.FINALIZED, assertions={"k": "2"})
        writer.replace_all([one, two], {}, "7:9:")
        mirror = CacheMirror(other)
        mirror.refresh()
        assert set(mirror.decisions) == {"D-1", "D-2"}

        stamps = writer.apply([index_entry(one)], None, "7:10:", dropped=["D-2"])
        assert stamps is not None  # a drop is no reason for readers to start over
        keys, _, everything, _ = mirror.refresh()
        assert keys == {"D-1", "D-2"} and not everything
        assert set(mirror.decisions) == {"D-1"} and mirror.decisions["D-1"].partial
        assert [d.key for d in writer.snapshot().decisions] == ["D-1"]

        writer.apply([two], None, "7:11:")  # in scope again
        keys, _, everything, _ = mirror.refresh()
        assert keys == {"D-2"} and not everything
        assert set(mirror.decisions) == {"D-1", "D-2"}
        assert other.changes(stamps[1]).dropped == ()  # its tombstone went with it
    finally:
        writer.close()
        other.close()


def test_the_mirror_takes_a_drop_it_is_handed(tmp_path: Path) -> None:
    cache = Cache(tmp_path / "cache.sqlite")
    try:
        one = decision("D-1", state=State.WITHDRAWN)
        stamp = cache.replace_all([one], {}, "7:9:")
        mirror = CacheMirror(cache)
        mirror.reset({"D-1": one}, {}, (), {}, stamp)
        stamps = cache.apply([], None, "7:10:", dropped=["D-1"])
        assert stamps is not None
        assert mirror.wrote([], None, stamps, dropped=["D-1"]) == {"D-1"}
        assert mirror.decisions == {}
        assert mirror.refresh()[0] == set()  # nothing more to read
    finally:
        cache.close()


@pytest.mark.expect_log("inbox.sync.cache", "WARNING")
def test_a_cache_of_before_scoping_is_loaded_afresh_once(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "cache.sqlite"
    cache = Cache(path)
    cache.replace_all([decision("D-1")], {}, "7:9:")
    cache.close()
    with sqlite3.connect(path) as old:  # what a cache of the version before looks like
        old.execute("DROP TABLE dropped")
        old.execute("DELETE FROM meta WHERE name = 'scoped'")
    with caplog.at_level(logging.WARNING, logger="inbox.sync.cache"):
        for _ in range(2):
            cache = Cache(path)
            assert cache.cursor is None  # the next sync is a full load, of the scope
            assert [d.key for d in cache.snapshot().decisions] == ["D-1"]  # shown meanwhile
            cache.close()
    lines = [r.getMessage() for r in caplog.records if r.name == "inbox.sync.cache"]
    assert len(lines) == 1 and str(path) in lines[0] and "every decision" in lines[0], lines
