"""A COMMIT whose answer never comes: the server saved the write, the client cannot know.

A proxy between the client and a real PostgreSQL forwards everything until the client sends
COMMIT, lets the server carry it out, and cuts the connection instead of passing the answer on.
The write is then in the store, and the client must not call it failed (someone would make it
again); it says that it may or may not have been saved.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest
from sqlalchemy.engine import make_url

from inbox.store.connection import CommitUnknownError, StoreConnection
from inbox.store.reader import load_snapshot
from inbox.store.service import StoreService
from tests.store.helpers import initialised_service

pytestmark = pytest.mark.postgres


class CuttingProxy:
    """Forwards one port to the server; once armed, the first COMMIT's answer is dropped and
    the client's connection closed."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.armed = threading.Event()
        self.cut = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            server = socket.create_connection(self.target)
            committing = threading.Event()
            threading.Thread(
                target=self._up, args=(client, server, committing), daemon=True
            ).start()
            threading.Thread(
                target=self._down, args=(server, client, committing), daemon=True
            ).start()

    def _up(
        self, client: socket.socket, server: socket.socket, committing: threading.Event
    ) -> None:
        while data := _recv(client):
            # psycopg sends COMMIT as a simple query: 'Q', length, "COMMIT\0".
            if self.armed.is_set() and not self.cut.is_set() and _is_commit(data):
                committing.set()
            server.sendall(data)
        server.close()

    def _down(
        self, server: socket.socket, client: socket.socket, committing: threading.Event
    ) -> None:
        while data := _recv(server):
            if committing.is_set():
                # The server answered the COMMIT, so it has carried it out; the client never
                # hears it.
                self.cut.set()
                client.shutdown(socket.SHUT_RDWR)
                client.close()
                return
            client.sendall(data)
        client.close()

    def close(self) -> None:
        self.listener.close()


def _is_commit(data: bytes) -> bool:
    return data.startswith(b"Q") and data[5:12] == b"COMMIT\x00"


def _recv(sock: socket.socket) -> bytes:
    try:
        return sock.recv(65536)
    except OSError:
        return b""


@pytest.fixture
def proxied(pg_url: str) -> Iterator[tuple[str, CuttingProxy]]:
    with initialised_service(pg_url) as service:
        service.add_team("backend")  # a decision belongs to one of its owner's teams
        service.add_person("ana", name="Ana", teams=["backend"])
    url = make_url(pg_url)
    proxy = CuttingProxy(url.host or "127.0.0.1", url.port or 5432)
    try:
        yield url.set(host="127.0.0.1", port=proxy.port).render_as_string(False), proxy
    finally:
        proxy.close()


def test_a_commit_whose_answer_is_lost_says_the_write_may_have_been_saved(
    proxied: tuple[str, CuttingProxy], pg_url: str
) -> None:
    url, proxy = proxied
    store = StoreConnection.open(url)
    try:
        service = StoreService(store)
        service.create("ana", title="Before")  # through the proxy, answered
        proxy.armed.set()
        with pytest.raises(CommitUnknownError) as raised:
            service.create("ana", title="Lost answer")
        assert proxy.cut.is_set()
        assert "may or may not have been saved" in raised.value.message
        assert "check that it is running" not in raised.value.message
    finally:
        store.dispose()
    direct = StoreConnection.open(pg_url)
    try:
        with direct.read() as session:
            titles = [d.title for d in load_snapshot(session).decisions]
    finally:
        direct.dispose()
    assert titles == ["Before", "Lost answer"]  # it was saved: "failed" would have been wrong
