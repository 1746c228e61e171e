"""A private Secret Service for one test: its own D-Bus session bus and gnome-keyring-daemon.

Nothing here can touch the real user's keyring: the bus is a new one (its config allows no
service activation, so nothing but our daemon can own ``org.freedesktop.secrets``), and the
daemon runs with ``HOME``, ``XDG_DATA_HOME`` (where its keyring files go), ``XDG_CONFIG_HOME``,
``XDG_CACHE_HOME`` and ``XDG_RUNTIME_DIR`` in a temporary folder removed at the end.

    with PrivateSecretService() as service:
        service.start_keyring()          # unlocked with the password "test"
        subprocess.run([...], env=service.env)

:attr:`PrivateSecretService.env` is for child processes: the bus address and those folders, and
no ``PYTHON_KEYRING_BACKEND``, so ``keyring`` discovers the Secret Service for real. Without
the unlock step gnome-keyring-daemon wants a GUI prompt and keyring raises ``KeyringLocked``.
"""

from __future__ import annotations

import os
import selectors
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from types import TracebackType

from tests.processes import stop_process

BINARIES = ("dbus-daemon", "dbus-send", "gnome-keyring-daemon")
DEBIAN_PACKAGES = ("dbus", "gnome-keyring")
KEYRING_PASSWORD = "test"  # of the throwaway login keyring
SECRETS_NAME = "org.freedesktop.secrets"
START_TIMEOUT_S = 5.0
STOP_TIMEOUT_S = 5.0

# A session bus that listens in our folder and activates nothing: the stock session.conf would
# start any service with a .service file (gnome-keyring's own, with the caller's environment).
BUS_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir={directory}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"""

# Inherited variables that would lead a child to another keyring, bus or desktop session.
DROPPED_VARS = (
    "PYTHON_KEYRING_BACKEND",
    "DBUS_SESSION_BUS_ADDRESS",
    "DBUS_STARTER_ADDRESS",
    "DBUS_STARTER_BUS_TYPE",
    "GNOME_KEYRING_CONTROL",
    "SSH_AUTH_SOCK",
    "DISPLAY",
    "WAYLAND_DISPLAY",
)


def start_dbus_daemon(
    config: Path, env: dict[str, str], log: Path
) -> tuple[subprocess.Popen[bytes], str]:
    """A private dbus-daemon with ``config``; (process, its address, or "" if it printed none
    within START_TIMEOUT_S). Shared by the keyring and the notification fixtures."""
    # --nofork rather than --fork --print-pid: the bus stays our child, so that we can stop
    # it and reap it (a forked daemon becomes a zombie where PID 1 does not reap).
    with log.open("wb") as out:
        bus = subprocess.Popen(
            ["dbus-daemon", f"--config-file={config}", "--nofork", "--print-address=1"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=out,
            env=env,
        )
    assert bus.stdout is not None
    with selectors.DefaultSelector() as selector:
        selector.register(bus.stdout, selectors.EVENT_READ)
        ready = selector.select(START_TIMEOUT_S)
    address = bus.stdout.readline().decode().strip() if ready else ""
    bus.stdout.close()
    return bus, address


class SecretServiceUnavailableError(Exception):
    """The binaries are not installed (a test skips, which CI turns into a failure)."""


class SecretServiceError(Exception):
    """The binaries are there but the bus or the daemon would not start (a test fails)."""


def missing_binaries() -> list[str]:
    return [name for name in BINARIES if shutil.which(name) is None]


class PrivateSecretService:
    """A session bus, started on enter; gnome-keyring-daemon on it, started by
    :meth:`start_keyring` (and again after :meth:`stop_keyring`, on the same keyring files)."""

    def __init__(self) -> None:
        missing = missing_binaries()
        if missing:
            raise SecretServiceUnavailableError(
                f"{', '.join(missing)} not found: the real Secret Service test needs a D-Bus "
                f"session bus and gnome-keyring; Debian: apt-get install {' '.join(DEBIAN_PACKAGES)}."
            )
        # A short path: the bus and the daemon put Unix sockets in it (at most 107 bytes).
        self.home = Path(tempfile.mkdtemp(prefix="di-ss-"))
        self.bus: subprocess.Popen[bytes] | None = None
        self.daemon: subprocess.Popen[bytes] | None = None
        self.env: dict[str, str] = {}

    def __enter__(self) -> PrivateSecretService:
        try:
            self._start_bus()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @property
    def keyring_dir(self) -> Path:
        """Where the daemon keeps its keyring files (``$XDG_DATA_HOME/keyrings``)."""
        return self.home / "share" / "keyrings"

    def _log(self, name: str) -> Path:
        return self.home / f"{name}.log"

    def _start_bus(self) -> None:
        runtime = self.home / "runtime"
        for sub in ("share", "config", "cache", "runtime", "bus"):
            (self.home / sub).mkdir(mode=0o700)
        config = self.home / "bus.conf"
        config.write_text(BUS_CONFIG.format(directory=self.home / "bus"), encoding="utf-8")
        env = {k: v for k, v in os.environ.items() if k not in DROPPED_VARS}
        env.update(
            HOME=str(self.home),
            XDG_DATA_HOME=str(self.home / "share"),
            XDG_CONFIG_HOME=str(self.home / "config"),
            XDG_CACHE_HOME=str(self.home / "cache"),
            XDG_RUNTIME_DIR=str(runtime),
        )
        self.bus, address = start_dbus_daemon(config, env, self._log("dbus-daemon"))
        if not address:
            raise SecretServiceError(
                f"dbus-daemon printed no address within {START_TIMEOUT_S:.0f} s: "
                f"{self._tail('dbus-daemon')}"
            )
        env["DBUS_SESSION_BUS_ADDRESS"] = address
        self.env = env

    def start_keyring(self, *, unlock: bool = True) -> None:
        """Start gnome-keyring-daemon (secrets only) and wait until it owns the Secret Service
        name. ``unlock``: feed it the login password, as a desktop login does; without it the
        login keyring stays locked and unlocking needs a GUI prompt, which is not there."""
        if self.daemon is not None:
            raise RuntimeError("gnome-keyring-daemon is already running; stop_keyring() first")
        command = ["gnome-keyring-daemon", "--foreground", "--components=secrets"]
        if unlock:
            command.append("--unlock")
        with self._log("gnome-keyring").open("ab") as log:
            self.daemon = subprocess.Popen(
                command,
                stdin=subprocess.PIPE,
                stdout=log,
                stderr=log,
                env=self.env,
            )
        assert self.daemon.stdin is not None
        if unlock:
            self.daemon.stdin.write(KEYRING_PASSWORD.encode())
        self.daemon.stdin.close()
        deadline = time.monotonic() + START_TIMEOUT_S
        while not self.name_has_owner():
            if self.daemon.poll() is not None:
                raise SecretServiceError(
                    f"gnome-keyring-daemon exited with status {self.daemon.returncode}: "
                    f"{self._tail('gnome-keyring')}"
                )
            if time.monotonic() > deadline:
                raise SecretServiceError(
                    f"{SECRETS_NAME} has no owner {START_TIMEOUT_S:.0f} s after starting "
                    f"gnome-keyring-daemon: {self._tail('gnome-keyring')}"
                )
            time.sleep(0.05)

    def stop_keyring(self) -> None:
        """Stop the daemon and wait until the bus has released the Secret Service name."""
        daemon, self.daemon = self.daemon, None
        if daemon is None:
            return
        stop_process(daemon, STOP_TIMEOUT_S)
        deadline = time.monotonic() + STOP_TIMEOUT_S
        while self.name_has_owner():
            if time.monotonic() > deadline:
                raise SecretServiceError(
                    f"{SECRETS_NAME} still has an owner after the daemon exited"
                )
            time.sleep(0.05)

    def name_has_owner(self, name: str = SECRETS_NAME) -> bool:
        result = subprocess.run(
            [
                "dbus-send",
                "--session",
                "--print-reply",
                "--dest=org.freedesktop.DBus",
                "/org/freedesktop/DBus",
                "org.freedesktop.DBus.NameHasOwner",
                f"string:{name}",
            ],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=START_TIMEOUT_S,
        )
        if result.returncode != 0:
            raise SecretServiceError(
                f"dbus-send failed on the private bus: {result.stderr.strip()}"
            )
        return "boolean true" in result.stdout

    def close(self) -> None:
        try:
            if self.daemon is not None:
                daemon, self.daemon = self.daemon, None
                stop_process(daemon, STOP_TIMEOUT_S)
            if self.bus is not None:
                bus, self.bus = self.bus, None
                stop_process(bus, STOP_TIMEOUT_S)
        finally:
            shutil.rmtree(self.home, ignore_errors=True)

    def _tail(self, name: str) -> str:
        try:
            text = self._log(name).read_text(encoding="utf-8", errors="replace").strip()
        except OSError:
            return "(no log)"
        return text[-2000:] or "(empty log)"
