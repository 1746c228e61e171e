"""One person's client of one store: the store connection, cache, state and syncer together."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from inbox.core.errors import InboxError, RevisionUnknownError, StoreUnavailableError
from inbox.core.model import Change
from inbox.store.connection import StoreConnection
from inbox.store.reader import find_decision
from inbox.sync.cache import Cache
from inbox.sync.local import LocalClient
from inbox.sync.paths import ClientPaths
from inbox.sync.state import ClientState, OutboxEntry, Recovery
from inbox.sync.syncer import Syncer


@dataclass
class Client:
    store: StoreConnection
    local: LocalClient
    syncer: Syncer

    @classmethod
    def open(
        cls,
        store: StoreConnection,
        user: str,
        data_dir: Path,
        paths: ClientPaths | None = None,
        *,
        read_only: bool = False,
        local: LocalClient | None = None,
    ) -> Client:
        """``read_only``: the profile cannot be written; its cache and outbox are read as they
        are (or as empty), for a command that only shows them. ``local``: the files the window
        opened before the store was reached, used when they are this client's (else left to
        their owner to close)."""
        paths = paths or ClientPaths.for_client(data_dir, store.shown_url, user)
        if local is None or local.paths != paths or local.user != user:
            local = LocalClient.open(paths, user, read_only=read_only)
        syncer = Syncer(store, local.cache, local.state, user, view=local.inbox)
        return cls(store, local, syncer)

    @property
    def user(self) -> str:
        return self.local.user

    @property
    def paths(self) -> ClientPaths:
        return self.local.paths

    @property
    def cache(self) -> Cache:
        return self.local.cache

    @property
    def state(self) -> ClientState:
        return self.local.state

    @property
    def recovery(self) -> Recovery | None:
        """Set when this open found the state file damaged: what was saved of the outbox and
        what was lost (``Recovery.message`` is the sentence to show once)."""
        return self.state.recovery

    def close(self) -> None:
        self.local.close()

    def acknowledge(self, key: str, revision: int | None) -> tuple[Change | None, str]:
        """Queue and try to deliver at once; (change, message) or (None, queued message)."""
        key = key.strip().upper()
        if revision is None:
            revision = self.current_revision(key)
        entry = self.state.queue_ack(key, revision)
        return self.push(entry, f"Queued the acknowledgment of {key} r{revision}")

    def give_feedback(self, key: str, body: str, objection: bool) -> tuple[Change | None, str]:
        key = key.strip().upper()
        revision = self.current_revision(key)
        entry = self.state.queue_feedback(key, revision, body, objection)
        what = "objection" if objection else "feedback"
        return self.push(entry, f"Queued your {what} on {key} r{revision}")

    def push(self, entry: OutboxEntry, queued: str) -> tuple[Change | None, str]:
        """Try to deliver a queued entry now; ``queued`` is what to say if it has to wait."""
        try:
            change = self.syncer.deliver(entry)
        except StoreUnavailableError as exc:
            if not self.syncer.reached():
                # Never once reached: more likely a wrong URL than an outage, and an entry
                # queued under a wrong URL would wait forever where no sync ever looks.
                self.state.remove([entry.id])
                raise StoreUnavailableError(
                    f"{exc.message.rstrip('.')}; nothing was queued, because this profile has "
                    "never reached that store."
                ) from None
            return None, (
                f"{queued}: the store is unreachable ({exc.message.rstrip('.')}); "
                "the next sync of this profile delivers it."
            )
        except InboxError:
            self.state.remove([entry.id])  # refused for good: the person sees why, right now
            raise
        self.syncer.delivered(entry, change)
        return change, change.message

    def current_revision(self, key: str) -> int:
        try:
            with self.store.read() as session:
                return find_decision(session, key).current_revision
        except StoreUnavailableError:
            for d in self.cache.snapshot().decisions:
                if d.key == key:
                    return d.revision
            raise RevisionUnknownError(key) from None
