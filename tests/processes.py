"""Child processes of the tests: the real ``decision-inbox`` command line, and the helper
programs tests start (dbus-daemon, gnome-keyring, the mock notification server, Xvfb, trayer).

- :func:`cli` runs one command to its end and returns a :class:`Result` (exit code, stdout,
  stderr, ``.json()``).
- :class:`CliProcess` starts a long-running one (the app, ``watch``) with a reader thread per
  stream, and stops it cleanly; :class:`Watch` is ``watch --json`` on top of it, its lines
  parsed as they come, so a test waits for a line instead of sleeping.

Both run ``python -m inbox.cli`` from this interpreter, so a child imports the code under test.
"""

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
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Self

ENTRY = ("-m", "inbox.cli")
TIMEOUT = 60.0  # seconds a one-shot command may take on a slow, shared machine


@dataclass(frozen=True)
class Result:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


def command(
    *args: str,
    store: str | None = None,
    user: str | None = None,
    entry: Sequence[str] = ENTRY,
) -> list[str]:
    """The command line for ``args``, with ``--store`` and ``--user`` first when given.
    ``entry`` replaces ``-m inbox.cli``, e.g. ``("-c", script)`` for a script that patches the
    command line before it calls ``inbox.cli.main``."""
    head = [sys.executable, *entry]
    if store is not None:
        head += ["--store", store]
    if user:
        head += ["--user", user]
    return [*head, *args]


def cli(
    *args: str,
    store: str | None = None,
    user: str | None = None,
    env: Mapping[str, str] | None = None,
    stdin: str | None = None,
    check: bool = True,
    timeout: float = TIMEOUT,
    entry: Sequence[str] = ENTRY,
) -> Result:
    """Run ``decision-inbox [--store S] [--user U] ARGS`` to its end, as a script would.

    ``env`` is the child's whole environment (default: this process's). With ``check`` a
    non-zero exit fails the test with the child's stderr."""
    proc = subprocess.run(
        command(*args, store=store, user=user, entry=entry),
        capture_output=True,
        text=True,
        env=dict(os.environ if env is None else env),
        input=stdin,
        timeout=timeout,
    )
    result = Result(proc.returncode, proc.stdout, proc.stderr)
    if check and proc.returncode != 0:
        raise AssertionError(f"{args} exited {proc.returncode}: {proc.stderr}")
    return result


def reasons(store: str, user: str) -> list[str]:
    """The reasons in ``user``'s inbox, in order, as ``inbox --json`` gives them."""
    return [
        item["reason"] for item in cli("inbox", "--json", store=store, user=user).json()["items"]
    ]


class CliProcess:
    """A long-running ``decision-inbox``, started at once, its output read as it comes.

    ``stdout``/``stderr`` hold every line so far (newline kept); subclasses parse each line as it
    comes (:meth:`on_stdout`, :meth:`on_stderr`). :meth:`stop` sends SIGTERM (a clean quit) or another signal and always reaps it; use
    the object as a context manager to stop it on the way out of a test."""

    def __init__(
        self,
        *args: str,
        store: str | None = None,
        user: str | None = None,
        env: Mapping[str, str] | None = None,
        merge_stderr: bool = False,
    ) -> None:
        self.args = command(*args, store=store, user=user)
        self.env = dict(os.environ if env is None else env)
        self.stdout: list[str] = []
        self.stderr: list[str] = []
        self.out_done = threading.Event()  # stdout reached its end: every line is in
        self.proc = subprocess.Popen(
            self.args,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT if merge_stderr else subprocess.PIPE,
            text=True,
            env=self.env,
            bufsize=1,
        )
        threading.Thread(target=self._read, args=("out",), daemon=True).start()
        if not merge_stderr:
            threading.Thread(target=self._read, args=("err",), daemon=True).start()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # --- reading ---------------------------------------------------------------------------

    def _read(self, stream: str) -> None:
        pipe = self.proc.stdout if stream == "out" else self.proc.stderr
        assert pipe is not None
        try:
            for line in pipe:
                (self.stdout if stream == "out" else self.stderr).append(line)
                (self.on_stdout if stream == "out" else self.on_stderr)(line)
        finally:
            if stream == "out":
                self.out_done.set()

    def on_stdout(self, line: str) -> None:
        """Called on the reader thread for each stdout line; for subclasses."""

    def on_stderr(self, line: str) -> None:
        """Called on the reader thread for each stderr line; for subclasses."""

    def output(self) -> str:
        """Everything printed so far, stdout then stderr."""
        return "".join(self.stdout) + "".join(self.stderr)

    # --- the end ---------------------------------------------------------------------------

    def alive(self) -> bool:
        return self.proc.poll() is None

    def wait(self, timeout: float = TIMEOUT) -> Result:
        """Wait for the process to end by itself; fails (and kills it) after ``timeout``."""
        try:
            code = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError(
                f"{' '.join(self.args[1:])} did not exit within {timeout:.0f} s:\n{self.output()}"
            ) from None
        self.out_done.wait(10)
        return Result(code, "".join(self.stdout), "".join(self.stderr))

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 15.0) -> int:
        """Send ``sig`` (unless it already ended) and reap it; killed if it lingers. Its
        exit code (negative for a signal, as Popen says)."""
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            code = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            code = self.kill()
        self.out_done.wait(10)
        return code

    def kill(self) -> int:
        self.proc.kill()
        return self.proc.wait(10)


class Watch(CliProcess):
    """``decision-inbox watch --json``: stdout lines parsed as they come (``lines``: arrival
    time and record), stderr status records (``status``); a line that is not JSON (torn by a
    kill) is kept in ``torn``."""

    def __init__(
        self,
        store: str | None,
        user: str | None,
        *,
        profile: str | None = None,
        env: Mapping[str, str] | None = None,
        debug: bool = False,
    ) -> None:
        self.lines: queue.Queue[tuple[float, dict[str, Any]]] = queue.Queue()
        self.status: queue.Queue[dict[str, Any]] = queue.Queue()
        self.torn: list[str] = []
        environment = dict(os.environ if env is None else env)
        if profile:
            environment["DECISION_INBOX_PROFILE"] = profile
        head = ("--debug",) if debug else ()
        super().__init__(*head, "watch", "--json", store=store, user=user, env=environment)

    def on_stdout(self, line: str) -> None:
        try:
            self.lines.put((time.monotonic(), json.loads(line)))
        except json.JSONDecodeError:
            self.torn.append(line)

    def on_stderr(self, line: str) -> None:
        with contextlib.suppress(json.JSONDecodeError):  # a plain-text line
            record = json.loads(line)
            if isinstance(record, dict):
                self.status.put(record)

    def wait_status(self, state: str, timeout: float = 30.0) -> dict[str, Any]:
        """The next status record of ``state`` (``online``, ``offline``, ``error``)."""
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
        """The next printed record and when it arrived, or None after ``timeout`` seconds."""
        try:
            return self.lines.get(timeout=timeout)
        except queue.Empty:
            return None

    def lines_until(
        self, found: Callable[[dict[str, Any]], bool], timeout: float = 30.0
    ) -> list[dict[str, Any]]:
        """Every record printed up to and including the first one for which ``found`` is true.
        What came before it is everything the rounds before that one printed: wait for a line
        the test caused, instead of a quiet period that proves nothing."""
        got = []
        deadline = time.monotonic() + timeout
        while (item := self.next_line(max(0.01, deadline - time.monotonic()))) is not None:
            got.append(item[1])
            if found(item[1]):
                return got
            if time.monotonic() >= deadline:
                break
        raise AssertionError(
            f"watch never printed the line awaited within {timeout:.0f} s; printed {got}; "
            f"stderr: {''.join(self.stderr)}"
        )

    def drain(self, quiet: float = 0.5) -> list[dict[str, Any]]:
        """Records printed until none came for ``quiet`` seconds: for the benchmark only. A
        quiet period proves nothing in a test; use :meth:`lines_until` or :meth:`rest`."""
        out = []
        while (item := self.next_line(quiet)) is not None:
            out.append(item[1])
        return out

    def rest(self) -> list[dict[str, Any]]:
        """Stop the watch cleanly (SIGTERM: the round under way finishes first) and return
        every record it printed that was not taken yet, to its last line. Fails unless it
        exits 0."""
        code = self.stop()
        assert code == 0, f"watch exited {code}: {''.join(self.stderr)}"
        return self.collected()

    def collected(self) -> list[dict[str, Any]]:
        """After the process ended: every record it printed not yet taken."""
        assert self.out_done.wait(10), "stdout of the watch never reached its end"
        out = []
        with contextlib.suppress(queue.Empty):
            while True:
                out.append(self.lines.get_nowait()[1])
        return out


def stop_process(
    process: subprocess.Popen[bytes] | subprocess.Popen[str], timeout: float = 5.0
) -> None:
    """Terminate a helper program, kill it if it lingers past ``timeout`` seconds; always
    reap it."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
