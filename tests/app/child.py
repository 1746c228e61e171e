"""The real app in a child process, as a person starts it: ``decision-inbox gui``, offscreen,
with its own profile; stopped with SIGTERM (a clean quit) or SIGKILL (a crash)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from tests.processes import CliProcess, command
from tests.waiting import until

_T = TypeVar("_T")


class AppProcess:
    def __init__(
        self,
        profile: Path,
        store: str,
        user: str,
        *,
        notifier: str | None = None,
        env: dict[str, str] | None = None,
        platform: str = "offscreen",
    ) -> None:
        self.profile = profile
        profile.mkdir(parents=True, exist_ok=True)
        config: dict[str, Any] = {"sync": {"mode": "listen", "poll_seconds": 5}}
        if notifier:
            config["notifications"] = {"notifier": notifier}
        (profile / "config.json").write_text(json.dumps(config), encoding="utf-8")
        self.args = ["--store", store, "--user", user]  # what comes before the command
        self.command = command(*self.args)
        # the profile last: an ``env`` built from this process's environment carries the test's
        # own DECISION_INBOX_PROFILE, which must not win
        self.env = {**os.environ, **(env or {}), "DECISION_INBOX_PROFILE": str(profile)}
        self.env["QT_QPA_PLATFORM"] = platform
        # Kept on (the suite sets it): a store or keyring call on the app's GUI thread raises,
        # and stop() fails the test when one did.
        self.env["DECISION_INBOX_THREAD_CHECK"] = "1"
        self.child: CliProcess | None = None
        self._output = ""

    @property
    def process(self) -> subprocess.Popen[str] | None:
        return self.child.proc if self.child is not None else None

    def start(self) -> None:
        self.child = CliProcess(*self.args, "gui", env=self.env, merge_stderr=True)

    def wait_until_claimed(self, timeout: float = 30.0) -> None:
        """Until the app holds its profile's instance lock (the file holds its pid): from then
        on a second launch finds it and hands its request over."""
        assert self.child is not None
        lock = self.profile.resolve() / "app.lock"
        pid = str(self.child.proc.pid)
        self.wait_for(
            lambda: lock.exists() and lock.read_text(encoding="utf-8").strip() == pid,
            timeout,
            "its instance lock",
        )

    def wait_for(self, condition: Callable[[], _T | None], timeout: float, what: str) -> _T:
        """The first true value of ``condition`` (polled: a file or a bus the app writes to
        has no event to wait on here), failing at once, with the app's output, if it exits."""
        try:
            return until(condition, timeout, what, still=self._exited)
        except AssertionError as exc:
            raise AssertionError(f"{exc}; the app printed: {self.output()}") from None

    def _exited(self) -> str | None:
        return None if self.alive() else "the app exited"

    def stop(self, *, crash: bool = False, timeout: float = 20.0) -> int | None:
        child, self.child = self.child, None
        if child is None:
            return None
        try:
            if crash:
                return child.kill()
            child.proc.send_signal(signal.SIGTERM)
            try:
                return child.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                child.kill()
                raise AssertionError(f"the app did not quit on SIGTERM: {child.output()}") from None
        finally:
            child.out_done.wait(10)
            self._output = child.output()
            assert "GuiThreadError" not in self._output, self._output

    def alive(self) -> bool:
        return self.child is not None and self.child.alive()

    def output(self) -> str:
        """Everything the app printed (stdout and stderr, in order) so far."""
        return self.child.output() if self.child is not None else self._output
