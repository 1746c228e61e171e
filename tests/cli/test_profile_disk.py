"""A full disk or a read-only profile is one sentence naming the folder and the cause, and the
reading commands still work from a read-only profile.

A read-only profile is a read-only bind mount when the tests run as root (root ignores file
permissions, so ``chmod`` would prove nothing), else ``chmod -R a-w``. A full disk is a small
tmpfs mounted over the profile, then filled; that needs root, and the test says so when
skipped.
"""

from __future__ import annotations

import contextlib
import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.processes import Result, Watch, cli
from tests.store.helpers import open_store, token_decision

READING = (("inbox",), ("inbox", "--json"), ("show", "D-1"), ("digest",))
WRITING = (("ack", "D-1"), ("watch",))


def _mount(*args: str) -> None:
    result = subprocess.run(["mount", *args], capture_output=True, text=True, timeout=30)
    if result.returncode != 0:
        pytest.skip(f"mount {' '.join(args)} failed ({result.stderr.strip()}): needs root")


def _umount(folder: Path) -> None:
    subprocess.run(["umount", str(folder)], check=True, capture_output=True, timeout=30)


@contextlib.contextmanager
def read_only(folder: Path) -> Iterator[None]:
    if os.geteuid() == 0:
        _mount("--bind", str(folder), str(folder))
        try:
            _mount("-o", "remount,bind,ro", str(folder))
            yield
        finally:
            _umount(folder)
        return
    modes = {p: p.stat().st_mode for p in [folder, *folder.rglob("*")]}
    for path, mode in modes.items():
        path.chmod(mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
    try:
        yield
    finally:
        for path, mode in modes.items():
            path.chmod(mode)


def _proves_read_only(folder: Path) -> None:
    with pytest.raises(OSError):
        (folder / "probe").write_text("x")


def _run(*args: str, store: str | None = None) -> Result:
    if store is None:  # the embedded store, in the profile
        return cli_embedded(*args)
    return cli(*args, store=store, user="fred", check=False)


def cli_embedded(*args: str) -> Result:
    """``decision-inbox`` on the profile's embedded store (tests.processes.cli always passes one)."""
    proc = subprocess.run(
        [sys.executable, "-m", "inbox.cli", "--user", "fred", *args],
        capture_output=True,
        text=True,
        env=os.environ.copy(),
        timeout=60,
    )
    return Result(proc.returncode, proc.stdout, proc.stderr)


def _only_line(result: Result) -> str:
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, result.err
    assert "unexpected error" not in lines[0] and "Traceback" not in result.err
    return lines[0]


def _check_read_only_profile(profile: Path, store: str | None) -> None:
    _proves_read_only(profile)
    for command in READING:
        result = _run(*command, store=store)
        assert result.code == 0, (command, result.err)
        assert result.out.strip(), command
        if result.err:
            line = _only_line(result)
            assert line.startswith("decision-inbox: warning: The profile folder "), line
            assert f"{profile} is read-only" in line, line
    assert "D-1" in _run("inbox", "--json", store=store).out
    for command in WRITING:
        result = _run(*command, store=store)
        assert result.code == 1, (command, result.out)
        line = _only_line(result)
        assert f"{profile} is read-only" in line and "make" in line and "writable" in line, line


def test_reading_commands_work_from_an_existing_read_only_profile(
    sqlite_url: str, isolated_profile: Path
) -> None:
    store, service = open_store(sqlite_url)
    token_decision(service)
    store.dispose()
    assert cli("inbox", store=sqlite_url, user="fred").code == 0  # cache and state exist now
    assert list(isolated_profile.glob("clients/*/state.sqlite"))
    with read_only(isolated_profile):
        _check_read_only_profile(isolated_profile, sqlite_url)


def test_a_fresh_read_only_profile_is_named(sqlite_url: str, isolated_profile: Path) -> None:
    store, service = open_store(sqlite_url)
    token_decision(service)
    store.dispose()
    assert list(isolated_profile.iterdir()) == []
    with read_only(isolated_profile):
        _check_read_only_profile(isolated_profile, sqlite_url)


def test_the_embedded_store_reads_from_a_read_only_profile(isolated_profile: Path) -> None:
    assert cli_embedded("demo").code == 0
    assert cli_embedded("inbox").code == 0
    with read_only(isolated_profile):
        _proves_read_only(isolated_profile)
        for command in READING:
            result = cli_embedded(*command)
            assert result.code == 0, (command, result.err)
            line = _only_line(result)
            assert f"The profile folder {isolated_profile} is read-only" in line, line
        refused = cli_embedded("ack", "D-1")
        assert refused.code == 1
        line = _only_line(refused)
        assert f"{isolated_profile} is read-only" in line, line


@pytest.fixture
def small_disk(isolated_profile: Path) -> Iterator[Path]:
    """The profile on a 4 MB tmpfs of its own (root only)."""
    if os.geteuid() != 0:
        pytest.skip("a full disk is simulated with a tmpfs mount, which needs root")
    _mount("-t", "tmpfs", "-o", "size=4m", "tmpfs", str(isolated_profile))
    try:
        yield isolated_profile
    finally:
        _umount(isolated_profile)


def _fill(folder: Path) -> None:
    with (folder / "filler").open("wb") as out, contextlib.suppress(OSError):
        while True:
            out.write(b"\0" * 65536)
            out.flush()
    with pytest.raises(OSError):
        (folder / "probe").write_bytes(b"\0" * 65536)


def test_a_full_disk_under_the_profile_is_named_in_watch_and_ack(
    sqlite_url: str, small_disk: Path, tmp_path: Path
) -> None:
    store, service = open_store(sqlite_url)
    token_decision(service)
    watch = Watch(sqlite_url, "fred", profile=str(small_disk))
    try:
        watch.wait_status("online")
        _fill(small_disk)
        # A decision with a large body: the next catch-up must write it into the cache.
        for i in range(3):
            service.create("ana", title=f"Large {i}", body=f"{i} " * 150_000)
        status = watch.wait_status("error", timeout=60)
        message = status["message"]
        assert message.startswith(f"The disk holding {small_disk}"), message
        assert "is full; free some space there" in message, message
        assert "rollback" not in message and "unexpectedly" not in message
    finally:
        watch.stop()
        store.dispose()
    queued = cli("ack", "D-2", store=sqlite_url, user="fred", check=False)
    assert queued.code == 1
    line = _only_line(queued)
    assert f"The disk holding {small_disk}" in line and "is full" in line, line
