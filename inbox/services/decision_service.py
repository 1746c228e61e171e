"""DecisionService: what the window reads and the owner writes, off the GUI thread.

Reads come from this profile's cache (with the outbox laid over it), so the window works offline;
owner writes (new, revise, open, finalize, supersede, withdraw) go to the store directly, since
they must be checked against the current revision and cannot wait in an outbox. Each result comes
back as a signal on the GUI thread; each write asks the engine for a sync so the views catch up.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from datetime import timedelta

from PySide6.QtCore import QObject, Signal

from inbox.core.delta import InboxDelta
from inbox.core.detail import build_detail
from inbox.core.digest import build_digest
from inbox.core.errors import ConflictError, StoreUnavailableError
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
from inbox.store.reader import load_events, load_snapshot
from inbox.store.service import StoreService
from inbox.sync.state import PENDING, SENT

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
    detail_failed = Signal(str, str)  # key, sentence
    directory_loaded = Signal(object, object)  # teams: list[str], people: dict[str, Person]
    decisions_loaded = Signal(object)  # list of (key, title, state) of every cached decision
    search_index_loaded = Signal(object)  # dict[str, str]
    triage_loaded = Signal(object)  # Triage
    digest_loaded = Signal(object)  # Digest
    digest_failed = Signal(str)  # sentence
    written = Signal(object)  # Change: a write the store accepted
    write_failed = Signal(str, object)  # sentence, the revision the store is at (stale) or None

    def __init__(self, sync: SyncService, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.sync = sync
        self.client = sync.client
        self.tasks = sync.tasks
        self.store = StoreService(self.client.store)
        self._indexed = False
        sync.synced.connect(self._on_sync_synced)

    @property
    def user(self) -> str:
        return self.client.user

    # -- reads --------------------------------------------------------------------------------

    def load_detail(self, key: str) -> None:
        def work() -> object:
            queued = [
                e.revision
                for e in self.client.state.entries(PENDING, SENT)
                if e.kind == "ack" and e.decision == key and e.revision is not None
            ]
            return build_detail(self.client.syncer.snapshot(), key, self.user, utcnow(), queued)

        self.tasks.submit(work, self.detail_loaded.emit, lambda s: self.detail_failed.emit(key, s))

    def load_triage(self) -> None:
        def work() -> Triage:
            saved = self.client.state.get(TRIAGE_KEY)
            try:
                return Triage.from_json(json.loads(saved)) if saved else Triage()
            except ValueError:
                log.warning("forgetting unreadable snooze and done marks")
                return Triage()

        self.tasks.submit(work, self.triage_loaded.emit)

    def save_triage(self, triage: Triage) -> None:
        text = json.dumps(triage.to_json())
        self.tasks.submit(lambda: self.client.state.put(TRIAGE_KEY, text))

    def load_digest(self, days: int = 7) -> None:
        def work() -> object:
            until = utcnow()
            since = until - timedelta(days=days)
            try:
                with self.client.store.read() as session:
                    return build_digest(
                        load_snapshot(session), load_events(session, since), since, until
                    )
            except StoreUnavailableError as exc:
                raise StoreUnavailableError(
                    f"The digest needs the store's change history, and {exc.message[0].lower()}"
                    f"{exc.message[1:]}"
                ) from None

        self.tasks.submit(work, self.digest_loaded.emit, self.digest_failed.emit)

    def _on_sync_synced(self, delta: InboxDelta) -> None:
        # A round that changed decisions (or the first one) may have moved the search index and
        # the directory on; both are rebuilt from the cache on the worker. Quiet rounds (the
        # 30 s timer) cost nothing here.
        if self._indexed and not (delta.decisions or delta.events):
            return
        self._indexed = True

        def work() -> tuple[dict[str, str], list[str], Mapping[str, object], list[object]]:
            snapshot = self.client.syncer.snapshot()
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

    def create(self, request: NewDecision) -> None:
        audience = [(a.kind, a.name, a.role) for a in request.audience]
        self._write(
            lambda: self.store.create(
                self.user,
                title=request.title,
                body=request.body,
                team=request.team,
                audience=audience,
                assertions=dict(request.assertions),
            )
        )

    def revise(self, request: ReviseDecision) -> None:
        self._write(lambda: self._revise(request))

    def _revise(self, request: ReviseDecision) -> Change:
        try:
            return self.store.revise(
                self.user,
                request.key,
                summary=request.summary,
                title=request.title,
                body=request.body,
                set_assertions=dict(request.set_assertions),
                unset_assertions=request.unset_assertions,
                minor=request.minor,
                expect_revision=request.expect_revision,
            )
        except ConflictError as exc:
            if exc.current_revision is None:
                raise
            # The store's sentence ends with the command line's remedy; the window reloads the
            # decision at its current revision, so say that instead.
            raise ConflictError(
                f"{request.key} is at revision {exc.current_revision}, but your edit is based on "
                f"revision {request.expect_revision}; the decision now shows "
                f"r{exc.current_revision}: review it and revise again.",
                exc.current_revision,
            ) from None

    def open_for_feedback(self, request: OpenForFeedback) -> None:
        self._write(lambda: self.store.open(self.user, request.key, deadline=request.deadline))

    def finalize(self, key: str) -> None:
        self._write(lambda: self.store.finalize(self.user, key))

    def withdraw(self, key: str) -> None:
        self._write(lambda: self.store.withdraw(self.user, key))

    def supersede(self, request: Supersede) -> None:
        self._write(lambda: self.store.supersede(self.user, request.key, by=request.by))

    def give_feedback(self, request: GiveFeedback) -> None:
        self.sync.give_feedback(request.key, request.text, request.objection)

    def _write(self, work: Callable[[], Change]) -> None:
        def run() -> Change:
            try:
                return work()
            except StoreUnavailableError as exc:
                raise StoreUnavailableError(
                    f"{exc.message.rstrip('.')}; an owner's change is not queued, because it "
                    "must be checked against the current revision. Try again when online."
                ) from None

        def done(change: Change) -> None:
            self.written.emit(change)
            self.sync.sync_now()

        def failed(sentence: str) -> None:
            self.write_failed.emit(sentence, None)

        self.tasks.submit(run, done, failed)
