"""A private D-Bus session bus for one test, with or without a mock notification server on it.

The server is python-dbusmock's ``notification_daemon`` template run by Debian's
``/usr/bin/python3`` (see docs/testing.md, "Notifications on a real session bus"); each
Notify call becomes one line of its log, which :meth:`NotificationBus.notify_calls` parses. The
bus is started the way tests/sync/secret_service.py starts one: its own dbus-daemon, listening in
a temporary folder, activating nothing, so no real desktop service can answer.

    @pytest.fixture
    def notification_server(monkeypatch) -> Iterator[NotificationBus]:
        yield from private_bus(monkeypatch, server=True)   # sets DBUS_SESSION_BUS_ADDRESS

    def test_x(notification_server: NotificationBus) -> None:
        ...
        assert notification_server.wait_for_notify(1)[0].summary == "…"

A fixture is ``yield from private_bus(monkeypatch, server=True)``: it skips when the system tools
are missing (which CI turns into a failure for tests marked ``dbus``) and fails when the tools are
there but do not start.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from dbus_fast import Message, MessageType, Variant
from dbus_fast.aio import MessageBus

# _stop: the keyring fixture's "terminate, kill if it lingers, reap"; one copy for both.
from tests.processes import stop_process
from tests.sync.secret_service import BUS_CONFIG, DROPPED_VARS, start_dbus_daemon

SYSTEM_PYTHON = "/usr/bin/python3"  # Debian's, which has python3-dbusmock (needs python3-gi/dbus)
BINARIES = ("dbus-daemon", "notify-send")
DEBIAN_PACKAGES = ("dbus", "python3-dbusmock", "libnotify-bin")
NOTIFICATIONS = "org.freedesktop.Notifications"
NOTIFICATIONS_PATH = "/org/freedesktop/Notifications"
CAPABILITIES = "actions body body-markup icon-static"
START_TIMEOUT_S = 10.0
STOP_TIMEOUT_S = 5.0

# python-dbusmock lists a template's methods in its introspection data but not the signals the
# real interface declares (https://github.com/martinpitt/python-dbusmock/issues/23), and
# desktop-notifier subscribes to ActionInvoked only when introspection declares it. Every real
# server does, so this template adds the two signals of the spec to the stock one's introspection.
TEMPLATE = '''"""notification_daemon, plus the signals of the spec in its introspection data."""
import dbus.service
from dbusmock.templates import notification_daemon as stock
from dbusmock.templates.notification_daemon import BUS_NAME, MAIN_IFACE, MAIN_OBJ, SYSTEM_BUS


@dbus.service.signal(MAIN_IFACE, signature="us")
def ActionInvoked(self, id, action_key):
    pass


@dbus.service.signal(MAIN_IFACE, signature="uu")
def NotificationClosed(self, id, reason):
    pass


def load(mock, parameters):
    stock.load(mock, parameters)
    for signal in (ActionInvoked, NotificationClosed):
        mock.methods[MAIN_IFACE][signal.__name__] = (signal._dbus_signature, "", "", signal)
'''


class BusUnavailableError(Exception):
    """The tools are not installed: the test skips (a failure in CI for ``dbus`` tests)."""


class BusError(Exception):
    """The tools are there but the bus or the mock server did not start: the test fails."""


@dataclass(frozen=True)
class NotifyCall:
    """One ``Notify`` call, as the mock server logged it."""

    app_name: str
    replaces_id: int
    icon: str
    summary: str
    body: str
    actions: list[str]
    hints: dict[str, Any]
    timeout_ms: int

    @property
    def action_keys(self) -> list[str]:
        return self.actions[0::2]


def missing_tools() -> list[str]:
    missing = [name for name in BINARIES if shutil.which(name) is None]
    probe = [SYSTEM_PYTHON, "-c", "import dbusmock"]
    if not Path(SYSTEM_PYTHON).exists() or subprocess.run(probe, capture_output=True).returncode:
        missing.append(f"{SYSTEM_PYTHON} with dbusmock")
    return missing


class NotificationBus:
    """A session bus in a temporary folder; :meth:`start_server` puts the mock server on it."""

    def __init__(self) -> None:
        missing = missing_tools()
        if missing:
            raise BusUnavailableError(
                f"{', '.join(missing)} not found: the native notification tests need a D-Bus "
                f"session bus and a mock notification server; Debian: apt-get install "
                f"{' '.join(DEBIAN_PACKAGES)}."
            )
        self.home = Path(tempfile.mkdtemp(prefix="di-nb-"))  # short: it holds a Unix socket
        self.address = ""
        self.env: dict[str, str] = {}
        self._bus: subprocess.Popen[bytes] | None = None
        self._server: subprocess.Popen[bytes] | None = None

    @property
    def log_path(self) -> Path:
        return self.home / "notify.log"

    def start(self) -> None:
        (self.home / "bus").mkdir(mode=0o700)
        config = self.home / "bus.conf"
        config.write_text(BUS_CONFIG.format(directory=self.home / "bus"), encoding="utf-8")
        env = {k: v for k, v in os.environ.items() if k not in DROPPED_VARS}
        self._bus, self.address = start_dbus_daemon(config, env, self.home / "dbus-daemon.log")
        if not self.address:
            raise BusError(f"dbus-daemon printed no address: {self._tail('dbus-daemon.log')}")
        self.env = {**env, "DBUS_SESSION_BUS_ADDRESS": self.address}

    def start_server(self) -> None:
        """Start the mock server and wait until it owns the notification name."""
        template = self.home / "notification_daemon_signals.py"
        template.write_text(TEMPLATE, encoding="utf-8")
        command = [SYSTEM_PYTHON, "-m", "dbusmock", "--session", "--template", str(template)]
        command += ["--parameters", json.dumps({"capabilities": CAPABILITIES})]
        with self.log_path.open("wb") as log, (self.home / "dbusmock.err").open("wb") as err:
            self._server = subprocess.Popen(
                command, stdin=subprocess.DEVNULL, stdout=log, stderr=err, env=self.env
            )
        deadline = time.monotonic() + START_TIMEOUT_S
        while not self.has_owner(NOTIFICATIONS):
            if self._server.poll() is not None or time.monotonic() > deadline:
                raise BusError(f"the mock notification server did not start: {self._tail()}")
            time.sleep(0.05)

    def stop_server(self) -> None:
        """Stop the mock server and wait until the bus has released the name."""
        server, self._server = self._server, None
        if server is not None:
            stop_process(server)
        deadline = time.monotonic() + STOP_TIMEOUT_S
        while self.has_owner(NOTIFICATIONS):
            if time.monotonic() > deadline:
                raise BusError(f"{NOTIFICATIONS} still has an owner after the server exited")
            time.sleep(0.05)

    def has_owner(self, name: str) -> bool:
        reply = self._call(
            "org.freedesktop.DBus",
            "/org/freedesktop/DBus",
            "org.freedesktop.DBus",
            "NameHasOwner",
            "s",
            [name],
        )
        return bool(reply[0])

    def notify_calls(self) -> list[NotifyCall]:
        """Every Notify call the server received so far, in order."""
        calls = []
        for line in self.log_path.read_text(encoding="utf-8").splitlines():
            _, _, rest = line.partition(" ")  # after the time stamp
            if rest.startswith("Notify "):
                calls.append(NotifyCall(*parse_logged_args(rest.removeprefix("Notify "))))
        return calls

    def close_calls(self) -> list[int]:
        """The ids of every CloseNotification call the server received so far, in order."""
        closed = []
        for line in self.log_path.read_text(encoding="utf-8").splitlines():
            _, _, rest = line.partition(" ")
            if rest.startswith("CloseNotification "):
                closed.append(int(rest.removeprefix("CloseNotification ").strip()))
        return closed

    def wait_for_close(self, notification_id: int, timeout_s: float = 5.0) -> bool:
        """Whether the popup with this id was closed within ``timeout_s``."""
        deadline = time.monotonic() + timeout_s
        while notification_id not in self.close_calls() and time.monotonic() < deadline:
            time.sleep(0.02)
        return notification_id in self.close_calls()

    def wait_for_notify(self, count: int, timeout_s: float = 5.0) -> list[NotifyCall]:
        """The Notify calls, once there are at least ``count`` (a child process may lag)."""
        deadline = time.monotonic() + timeout_s
        while len(calls := self.notify_calls()) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        return calls

    def emit_action_invoked(self, notification_id: int, action_key: str) -> None:
        """Make the server emit ``ActionInvoked(id, action_key)``, as a click on a button does."""
        args = [Variant("u", notification_id), Variant("s", action_key)]
        self._call(
            NOTIFICATIONS,
            NOTIFICATIONS_PATH,
            "org.freedesktop.DBus.Mock",
            "EmitSignal",
            "sssav",
            ["", "ActionInvoked", "us", args],
        )

    def close(self) -> None:
        try:
            for attr in ("_server", "_bus"):
                process = getattr(self, attr)
                setattr(self, attr, None)
                if process is not None:
                    stop_process(process)
        finally:
            shutil.rmtree(self.home, ignore_errors=True)

    def _call(
        self, dest: str, path: str, iface: str, member: str, sig: str, body: list[Any]
    ) -> Any:
        async def call() -> Any:
            bus = await MessageBus(bus_address=self.address).connect()
            try:
                message = Message(
                    destination=dest,
                    path=path,
                    interface=iface,
                    member=member,
                    signature=sig,
                    body=body,
                )
                reply = await bus.call(message)
            finally:
                bus.disconnect()
            if reply is None or reply.message_type is not MessageType.METHOD_RETURN:
                raise BusError(f"{member} failed: {reply.body if reply else 'no reply'}")
            return reply.body

        return asyncio.run(asyncio.wait_for(call(), START_TIMEOUT_S))

    def _tail(self, name: str = "dbusmock.err") -> str:
        try:
            text = (self.home / name).read_text(encoding="utf-8", errors="replace").strip()
        except OSError:
            return "(no log)"
        return text[-2000:] or "(empty log)"


_TOKEN = re.compile(r'\s*("[^"]*"|-?\d+|True|False|[\[\]{}:,])')


def parse_logged_args(text: str) -> list[Any]:
    """The arguments of one dbusmock log line: strings in double quotes (logged unescaped, so
    the tests' texts hold no double quote), integers, booleans, [lists] and {dicts}."""
    tokens = []
    position = 0
    while position < len(text.rstrip()):
        match = _TOKEN.match(text, position)
        if match is None:
            raise ValueError(f"cannot parse the dbusmock log at {text[position:]!r}")
        tokens.append(match.group(1))
        position = match.end()
    values: list[Any] = []
    rest = tokens
    while rest:
        value, rest = _value(rest)
        values.append(value)
    return values


def _value(tokens: list[str]) -> tuple[Any, list[str]]:
    head, rest = tokens[0], tokens[1:]
    if head.startswith('"'):
        return head[1:-1], rest
    if head in ("True", "False"):
        return head == "True", rest
    if head in ("[", "{"):
        close = "]" if head == "[" else "}"
        items: list[Any] = []
        while rest[0] != close:
            item, rest = _value(rest)
            if head == "{":
                assert rest[0] == ":", rest
                value, rest = _value(rest[1:])
                item = (item, value)
            items.append(item)
            rest = rest[1:] if rest[0] == "," else rest
        return (items if head == "[" else dict(items)), rest[1:]
    return int(head), rest


def private_bus(monkeypatch: pytest.MonkeyPatch, *, server: bool) -> Iterator[NotificationBus]:
    """The body of a fixture: a private bus (with the mock server on it when ``server``) whose
    address is this test's ``DBUS_SESSION_BUS_ADDRESS``; stopped and removed afterwards."""
    problem: Exception | None = None
    bus: NotificationBus | None = None
    try:
        bus = NotificationBus()
        bus.start()
        if server:
            bus.start_server()
    except (BusUnavailableError, BusError) as exc:
        problem = exc  # reported outside the except block, without a chained traceback
    if problem is not None:
        if bus is not None:
            bus.close()
        if isinstance(problem, BusUnavailableError):
            pytest.skip(str(problem))
        pytest.fail(f"Could not start a private session bus: {problem}", pytrace=False)
    assert bus is not None
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", bus.address)
    try:
        yield bus
    finally:
        bus.close()
