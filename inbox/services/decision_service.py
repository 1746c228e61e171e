"""DecisionService: what the window reads and the owner writes, off the GUI thread.

Reads come from this profile's cache (with the outbox laid over it), so the window works offline;
owner writes (new, revise, open, finalize, supersede, withdraw) go to the store directly, since
they must be checked against the current revision and cannot wait in an outbox. Each result comes
back as a signal on the GUI thread: a failure as the typed error itself (its fields intact; the
window words it with ``inbox.services.wording``), an accepted write as ``SyncService.changed``
with the store's ``Change``, so a view refreshes what the write touched at once; the engine is
asked for a sync as well, for everything else that moved meanwhile.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from inbox.core.delta import InboxDelta
from inbox.core.detail import build_detail
from inbox.core.errors import InboxError, StoreUnavailableError
from inbox.core.model import Change, Snapshot
from inbox.core.requests import (
    GiveFeedback,
    NewDecision,
    OpenForFeedback,
    ReviseDecision,
    Supersede,
)
from inbox.core.triage import Triage
from inbox.services.sync_service import SyncService
from inbox.store.clock import utcnow
from inbox.sync.local import LocalClient
from inbox.sync.overlay import overlay
from inbox.sync.state import PENDING, SENT

if TYPE_CHECKING:  # imported when the store is first used: see DecisionService.store
    from inbox.store.service import StoreService
    from inbox.sync.client import Client

log = logging.getLogger(__name__)

TRIAGE_KEY = "ui.triage"  # in the profile's state file, beside the outbox


def search_index(snapshot: Snapshot) -> dict[str, str]:
    """Decision key → the text a search looks in beyond the row: body and assertions."""
    index = {}
    for decision in snapshot.decisions:
        current = decision.current
        assertions = " ".join(f"{k} {v}" for k, v in current.assertions.items())
        index[decision.key] = f"{current.body} {assertions}".casefold()
    return index


class DecisionService(QObject):
    detail_loaded = Signal(object)  # DecisionDetail
    detail_failed = Signal(str, object)  # key, InboxError
    directory_loaded = Signal(object, object)  # teams: list[str], people: dict[str, Person]
    decisions_loaded = Signal(object)  # list of (key, title, state) of every cached decision
    search_index_loaded = Signal(object)  # dict[str, str]
    triage_loaded = Signal(object)  # Triage
    digest_loaded = Signal(object)  # Digest
    digest_failed = Signal(object)  # InboxError
    write_failed = Signal(object)  # InboxError: a ConflictError carries the current revision

    def __init__(self, sync: SyncService, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.sync = sync
        self.tasks = sync.tasks
        self._service: StoreService | None = None
        self._indexed = False
        sync.synced.connect(self._on_sync_synced)
        sync.local_changed.connect(self.load_triage)

    @property
    def user(self) -> str:
        return self.sync.user

    @property
    def client(self) -> Client | None:
        """The open client; None while the app is still opening the store."""
        return self.sync.client

    def _local(self) -> LocalClient:
        """The cache and state files (task thread)."""
        local = self.sync.local
        if local is None:
            raise StoreUnavailableError("Decision Inbox is still connecting to the store.")
        return local

    def _client(self) -> Client:
        """The client, for work that needs the store (task thread)."""
        client = self.sync.client
        if client is None:
            raise StoreUnavailableError(
                "Decision Inbox is still connecting to the store; try again in a moment."
            )
        return client

    @property
    def store(self) -> StoreService:
        """The store's write service (task thread), made when first needed: its module brings
        SQLAlchemy, which the window does not wait for."""
        if self._service is None:
            from inbox.store.service import StoreService

            self._service = StoreService(self._client().store)
        return self._service

    # -- reads --------------------------------------------------------------------------------

    def load_detail(self, key: str, *, fresh: bool = False) -> None:
        """The detail of ``key`` from the cache; ``fresh``: that decision read from the store
        instead (a write of this client just touched it, and the cache has it only after the
        next sync round), or from the cache when the store cannot be reached."""

        def work() -> object:
            local = self._local()
            queued = [
                e.revision
                for e in local.state.entries(PENDING, SENT)
                if e.kind == "ack" and e.decision == key and e.revision is not None
            ]
            snapshot = local.inbox.snapshot()
            if fresh or _indexed(snapshot, key):  # outside the scope: read it whole
                snapshot = self._fresh_snapshot(key)
            return build_detail(snapshot, key, self.user, utcnow(), queued)

        def failed(error: InboxError) -> None:
            self.detail_failed.emit(key, error)

        self.tasks.submit(work, self.detail_loaded.emit, failed)

    def _fresh_snapshot(self, key: str) -> Snapshot:
        local = self._local()
        if self.sync.client is None:
            return local.inbox.snapshot()
        from inbox.store import validate

        cached = local.cache.snapshot()
        try:
            with self.sync.client.store.read() as session:
                readable, _ = validate.load_decisions(session, {key})
                found = {d.key: d for d in readable}
        except StoreUnavailableError:
            return local.inbox.snapshot()
        decisions = [found.pop(d.key, d) for d in cached.decisions] + list(found.values())
        entries = local.state.entries(PENDING, SENT)
        snapshot = Snapshot(
            tuple(decisions), cached.people, cached.code_checks, unreadable=cached.unreadable
        )
        return overlay(snapshot, entries, self.user)

    def load_triage(self) -> None:
        def work() -> Triage:
            local = self.sync.local
            saved = local.state.get(TRIAGE_KEY) if local is not None else None
            try:
                return Triage.from_json(json.loads(saved)) if saved else Triage()
            except ValueError:
                log.warning("forgetting unreadable snooze and done marks")
                return Triage()

        self.tasks.submit(work, self.triage_loaded.emit)

    def save_triage(self, triage: Triage) -> None:
        text = json.dumps(triage.to_json())
        self.tasks.submit(lambda: self._local().state.put(TRIAGE_KEY, text))

    def load_digest(self, days: int = 7) -> None:
        def work() -> object:
            from inbox.core.digest import build_digest
            from inbox.store import validate
            from inbox.store.reader import load_events

            until = utcnow()
            since = until - timedelta(days=days)
            with self._client().store.read() as session:
                events, _ = validate.usable_events(load_events(session, since))
                return build_digest(validate.load_snapshot(session), events, since, until)

        self.tasks.submit(work, self.digest_loaded.emit, self.digest_failed.emit)

    def _on_sync_synced(self, delta: InboxDelta) -> None:
        # A round that changed decisions (or the first one) may have moved the search index and
        # the directory on; both are rebuilt from the cache on the worker. Quiet rounds (the
        # 30 s timer) cost nothing here.
        if self._indexed and not (delta.decisions or delta.events):
            return
        self._indexed = True

        def work() -> tuple[dict[str, str], list[str], Mapping[str, object], list[object]]:
            snapshot = self._local().inbox.snapshot()
            teams = sorted({t for p in snapshot.people.values() for t in p.teams})
            decisions: list[object] = [(d.key, d.title, d.state) for d in snapshot.decisions]
            return search_index(snapshot), teams, dict(snapshot.people), decisions

        def done(
            result: tuple[dict[str, str], list[str], Mapping[str, object], list[object]],
        ) -> None:
            index, teams, people, decisions = result
            self.search_index_loaded.emit(index)
            self.directory_loaded.emit(teams, people)
            self.decisions_loaded.emit(decisions)

        self.tasks.submit(work, done)

    # -- writes -------------------------------------------------------------------------------
    # ``initiator`` is whoever asked (a view, usually): it comes back with the change, so the
    # asking view can tell its own write from another's (Anki's ``OpChanges`` initiator).

    def create(self, request: NewDecision, initiator: object = None) -> None:
        audience = [(a.kind, a.name, a.role) for a in request.audience]
        self._write(
            lambda: self.store.create(
                self.user,
                title=request.title,
                body=request.body,
                team=request.team,
                audience=audience,
                assertions=dict(request.assertions),
            ),
            initiator,
        )

    def revise(self, request: ReviseDecision, initiator: object = None) -> None:
        self._write(
            lambda: self.store.revise(
                self.user,
                request.key,
                summary=request.summary,
                title=request.title,
                body=request.body,
                set_assertions=dict(request.set_assertions),
                unset_assertions=request.unset_assertions,
                minor=request.minor,
                expect_revision=request.expect_revision,
            ),
            initiator,
        )

    def open_for_feedback(self, request: OpenForFeedback, initiator: object = None) -> None:
        self._write(
            lambda: self.store.open(self.user, request.key, deadline=request.deadline), initiator
        )

    def finalize(self, key: str, initiator: object = None) -> None:
        self._write(lambda: self.store.finalize(self.user, key), initiator)

    def withdraw(self, key: str, initiator: object = None) -> None:
        self._write(lambda: self.store.withdraw(self.user, key), initiator)

    def supersede(self, request: Supersede, initiator: object = None) -> None:
        self._write(lambda: self.store.supersede(self.user, request.key, by=request.by), initiator)

    def give_feedback(self, request: GiveFeedback, initiator: object = None) -> None:
        self.sync.give_feedback(request.key, request.text, request.objection, initiator)

    def _write(self, work: Callable[[], Change], initiator: object) -> None:
        def done(change: Change) -> None:
            self.sync.changed.emit(change, initiator)
            self.sync.sync_now()

        self.tasks.submit(work, done, self.write_failed.emit)


def _indexed(snapshot: Snapshot, key: str) -> bool:
    """Whether the cache holds decision ``key`` as its index only (inbox.core.scope)."""
    return any(d.key == key and d.partial for d in snapshot.decisions)
