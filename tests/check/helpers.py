"""Building a repository and a store for ``check`` tests, and running the real command in it."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from inbox.store.service import StoreService
from tests.processes import Result
from tests.store.helpers import initialised_service


def write_repo(root: Path, files: Mapping[str, str]) -> Path:
    """Write ``files`` (path: text, dedented) under ``root``; returns ``root``."""
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return root


def check(cwd: Path, *args: str, store: str | None, user: str | None = None) -> Result:
    """``decision-inbox --store STORE check ARGS`` in a child process, in ``cwd``."""
    command = [sys.executable, "-m", "inbox.cli"]
    if store:
        command += ["--store", store]
    if user:
        command += ["--user", user]
    env = os.environ.copy()
    # The child imports this worktree's code wherever it runs.
    env["PYTHONPATH"] = os.pathsep.join(
        [str(Path(__file__).resolve().parents[2]), env.get("PYTHONPATH", "")]
    )
    proc = subprocess.run(
        [*command, "check", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    return Result(proc.returncode, proc.stdout, proc.stderr)


def problem_lines(result: Result) -> list[str]:
    """The lines before the summary, which is always last."""
    lines = result.out.strip().splitlines()
    assert lines and lines[-1].startswith("Checked "), result.out
    return lines[:-1]


@contextmanager
def people(url: str) -> Iterator[StoreService]:
    """An initialised store with ana (backend) and fred (frontend)."""
    with initialised_service(url) as service:
        for team in ("backend", "frontend"):
            service.add_team(team)
        service.add_person("ana", name="Ana", teams=["backend"])
        service.add_person("fred", name="Fred", teams=["frontend"])
        yield service


def decide(
    service: StoreService, title: str, assertions: Mapping[str, str], *, owner: str = "ana"
) -> str:
    """A finalized decision asserting ``assertions``; its key."""
    key = service.create(owner, title=title, assertions=dict(assertions)).key
    assert key is not None
    service.finalize(owner, key)
    return key
