"""Run the real ``decision-inbox`` command line in a child process, as a script would."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Result:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


def cli(
    *args: str, store: str, user: str | None = None, check: bool = True, stdin: str | None = None
) -> Result:
    command = [sys.executable, "-m", "inbox.cli", "--store", store]
    if user:
        command += ["--user", user]
    proc = subprocess.run(
        [*command, *args],
        capture_output=True,
        text=True,
        env=os.environ.copy(),
        input=stdin,
        timeout=60,
    )
    result = Result(proc.returncode, proc.stdout, proc.stderr)
    if check and proc.returncode != 0:
        raise AssertionError(f"{args} exited {proc.returncode}: {proc.stderr}")
    return result


def reasons(store: str, user: str) -> list[str]:
    return [
        item["reason"] for item in cli("inbox", "--json", store=store, user=user).json()["items"]
    ]
