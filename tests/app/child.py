"""The real app in a child process, as a person starts it: ``decision-inbox gui``, offscreen,
with its own profile; stopped with SIGTERM (a clean quit) or SIGKILL (a crash)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any


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
        self.command = [sys.executable, "-m", "inbox.cli", "--store", store, "--user", user]
        # the profile last: an ``env`` built from this process's environment carries the test's
        # own DECISION_INBOX_PROFILE, which must not win
        self.env = {**os.environ, **(env or {}), "DECISION_INBOX_PROFILE": str(profile)}
        self.env["QT_QPA_PLATFORM"] = platform
        # Kept on (the suite sets it): a store or keyring call on the app's GUI thread raises,
        # and stop() fails the test when one did.
        self.env["DECISION_INBOX_THREAD_CHECK"] = "1"
        self.process: subprocess.Popen[str] | None = None
        self.log = profile / "app.log"

    def start(self) -> None:
        out = open(self.log, "a", encoding="utf-8")  # noqa: SIM115 - the child owns it
        self.process = subprocess.Popen(
            [*self.command, "gui"], env=self.env, stdout=out, stderr=out, text=True
        )

    def stop(self, *, crash: bool = False, timeout: float = 20.0) -> int | None:
        if self.process is None:
            return None
        self.process.send_signal(signal.SIGKILL if crash else signal.SIGTERM)
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise AssertionError(f"the app did not quit on SIGTERM: {self.output()}") from None
        finally:
            self.process = None
            assert "GuiThreadError" not in self.output(), self.output()

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8") if self.log.exists() else ""
