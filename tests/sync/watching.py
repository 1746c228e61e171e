"""Run ``decision-inbox watch --json`` in a child process and read its lines as they come."""

from __future__ import annotations

import contextlib
import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from typing import Any


class Watch:
    def __init__(self, store: str, user: str, *, profile: str | None = None) -> None:
        env = os.environ.copy()
        if profile:
            env["DECISION_INBOX_PROFILE"] = profile
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "inbox.cli",
                "--store",
                store,
                "--user",
                user,
                "watch",
                "--json",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            bufsize=1,
        )
        self.lines: queue.Queue[tuple[float, dict[str, Any]]] = queue.Queue()
        self.status: queue.Queue[dict[str, Any]] = queue.Queue()
        self.stderr: list[str] = []
        threading.Thread(target=self._read_out, daemon=True).start()
        threading.Thread(target=self._read_err, daemon=True).start()

    def _read_out(self) -> None:
        assert self.proc.stdout
        for line in self.proc.stdout:
            self.lines.put((time.monotonic(), json.loads(line)))

    def _read_err(self) -> None:
        assert self.proc.stderr
        for line in self.proc.stderr:
            self.stderr.append(line)
            with contextlib.suppress(json.JSONDecodeError):  # a plain-text line
                self.status.put(json.loads(line))

    def wait_status(self, state: str, timeout: float = 30.0) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                record = self.status.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                break
            if record.get("status") == state:
                return record
        raise AssertionError(f"watch never reported {state!r}; stderr: {''.join(self.stderr)}")

    def next_line(self, timeout: float) -> tuple[float, dict[str, Any]] | None:
        try:
            return self.lines.get(timeout=timeout)
        except queue.Empty:
            return None

    def drain(self, quiet: float = 0.5) -> list[dict[str, Any]]:
        out = []
        while (item := self.next_line(quiet)) is not None:
            out.append(item[1])
        return out

    def stop(self, sig: int = signal.SIGTERM) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            return self.proc.wait(15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return self.proc.wait(5)
