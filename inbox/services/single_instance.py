"""One app per profile: a second launch hands its request to the running one over a
local socket, which raises its window, and exits. Vorta's approach, with a file lock
deciding who is first: two launches at the same moment would otherwise both find no server, and
the later ``listen`` would take the socket from the earlier."""

from __future__ import annotations

import hashlib
import time

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtNetwork import QLocalServer, QLocalSocket

from inbox import APP_NAME
from inbox.config.profile import Profile
from inbox.core.errors import InboxError
from inbox.platform.instance_lock import AlreadyRunningError, InstanceLock


def server_name(profile: Profile) -> str:
    digest = hashlib.sha256(str(profile.config_dir).encode()).hexdigest()[:16]
    return f"{APP_NAME}-{digest}"


class SingleInstance(QObject):
    raise_requested = Signal(object)  # decision key to select, or None

    def __init__(self, profile: Profile, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = server_name(profile)
        self._server: QLocalServer | None = None
        self._lock = InstanceLock(profile.data_dir / "app.lock")

    def claim(self, key: str | None, wait_s: float = 15.0) -> bool:
        """True: this is the profile's app, now listening. False: another one runs and was
        asked to show ``key`` (it may still be starting, so keep knocking for ``wait_s``)."""
        try:
            self._lock.acquire()
        except AlreadyRunningError:
            deadline = time.monotonic() + wait_s
            while time.monotonic() < deadline:
                if self.forward(key, timeout_ms=500):
                    return False
                time.sleep(0.2)
            raise InboxError(
                "Another Decision Inbox is running for this profile but does not answer; "
                "close it (or end its process) and start again."
            ) from None
        self.listen()
        return True

    def forward(self, key: str | None, timeout_ms: int = 1000) -> bool:
        """True when another instance runs and got the request; then this one should exit."""
        socket = QLocalSocket()
        socket.connectToServer(self.name)
        if not socket.waitForConnected(timeout_ms):
            return False
        socket.write(f"raise {key or ''}\n".encode())
        socket.waitForBytesWritten(timeout_ms)
        socket.disconnectFromServer()
        return True

    def listen(self) -> None:
        server = QLocalServer(self)
        # A crashed instance leaves its socket file behind; the file lock (InstanceLock) is what
        # says nobody runs, so a stale socket may go.
        QLocalServer.removeServer(self.name)
        server.listen(self.name)
        server.newConnection.connect(self._on_server_new_connection)
        self._server = server

    def close(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None
        self._lock.release()

    @Slot()
    def _on_server_new_connection(self) -> None:
        assert self._server is not None
        socket = self._server.nextPendingConnection()
        if socket is None:
            return

        def read() -> None:
            if not socket.canReadLine():
                return
            line = bytes(socket.readLine().data()).decode(errors="replace").strip()
            socket.disconnectFromServer()
            if line.startswith("raise"):
                key = line[len("raise") :].strip()
                self.raise_requested.emit(key or None)

        socket.readyRead.connect(read)
        if socket.bytesAvailable():
            read()
