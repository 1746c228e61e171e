"""``check --report``: what a check found, as the values the store records (docs/check.md).

Each binding becomes one value: its key, the value the file holds (None when it could not be
read), the status, and the decision and revision it was checked against (None for a conflict,
or when no live decision asserts the key). The commit is ``git rev-parse HEAD`` of the
repository when git and a repository are there, else none.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterable
from pathlib import Path

from inbox.check.status import Result, Status
from inbox.core.model import CodeValue

_COMMIT = re.compile(r"[0-9a-f]{4,64}")
GIT_TIMEOUT_S = 10


def code_values(results: Iterable[Result]) -> tuple[CodeValue, ...]:
    values = []
    for result in results:
        governing = result.governing.decision if result.governing else None
        found = None if result.status is Status.UNRESOLVED else result.found
        values.append(
            CodeValue(
                key=result.binding.key,
                found=found,
                status=str(result.status),
                decision=None if governing is None else governing.key,
                revision=None if governing is None else governing.revision,
            )
        )
    return tuple(values)


def git_commit(root: Path) -> str | None:
    """The commit checked out in the repository holding ``root``, or None without one."""
    git = shutil.which("git")
    if git is None:
        return None
    try:
        done = subprocess.run(
            [git, "rev-parse", "HEAD"],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=GIT_TIMEOUT_S,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    commit = done.stdout.strip().lower()
    return commit if done.returncode == 0 and _COMMIT.fullmatch(commit) else None
