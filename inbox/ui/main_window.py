"""MainWindow: the inbox list beside the decision detail, with menus, shortcuts, a toast for
messages and Undo, and the connection state. It wires views to services; it never reads or
writes itself.

Every action answers: it acts, or says in the status bar why it cannot (``window_menus``).
Acknowledge, snooze and done can be undone for a few seconds from the toast or with Ctrl+Z; an
acknowledgment is held back from the outbox meanwhile (``SyncService.acknowledge``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, Signal, Slot
from PySide6.QtGui import QAction, QCloseEvent
from PySide6.QtWidgets import QMainWindow, QSplitter, QVBoxLayout, QWidget

from inbox import DISPLAY_NAME
from inbox.core.delta import InboxDelta, item_id
from inbox.core.detail import DecisionDetail
from inbox.core.errors import InboxError
from inbox.core.items import InboxItem
from inbox.core.keys import decision_sort_key
from inbox.core.model import ACKNOWLEDGEABLE, Change, Reason, State
from inbox.core.requests import GiveFeedback
from inbox.core.triage import Triage
from inbox.services.read_marks import ReadMarksService
from inbox.services.wording import During, sentence
from inbox.ui.action_answers import why_not
from inbox.ui.banner import BannerBar
from inbox.ui.detail_view import DecisionDetailView
from inbox.ui.inbox_view import InboxListView
from inbox.ui.owner_menu import MENU as OWNER_MENU
from inbox.ui.status_widget import ConnectionStatusWidget
from inbox.ui.window_menus import STATUS_SECONDS, build_menus
from inbox.ui.window_triage import TriageActions

UNDO_SECONDS = 6  # how long Acknowledge, Snooze and Done can be taken back
SYNCING_TEXT = "Syncing with the store… your inbox appears here after the first sync."
UNREACHED_TEXT = (
    "Not synced yet: your inbox appears here once the store is reached (the status bar says why "
    "it is not)."
)


class MainWindow(TriageActions, QMainWindow):
    settings_requested = Signal()
    quit_requested = Signal()
    items_changed = Signal(object)  # the inbox without snoozed and done items, for the tray

    def __init__(self, sync: Any, decisions: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.sync = sync
        self.decisions = decisions
        self.setWindowTitle(window_title(sync.user))
        self.resize(1280, 800)
        self.keep_in_tray = False  # set by the app when a tray icon holds the app
        self.triage = Triage()
        self._current_key: str | None = None
        self._pending_select: str | None = None
        self.teams: list[str] = []
        self.directory: dict[str, Any] = {}
        self.people: list[str] = []  # handles, for the audience pickers
        self._decisions: list[tuple[str, str, str]] = []  # (key, title, state), for supersede
        self.all_items: tuple[InboxItem, ...] = ()
        self.undo_seconds = UNDO_SECONDS

        self.inbox = InboxListView(own_shortcuts=False)  # the window's own "/" action
        self.inbox.use_read_marks(ReadMarksService(sync, decisions.tasks, self))
        self.detail_view = DecisionDetailView()
        self.status = ConnectionStatusWidget()
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.inbox)
        splitter.addWidget(self.detail_view)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([800, 480])  # the detail pane is where the reading happens
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter, 1)
        self.setCentralWidget(central)
        self.banner = BannerBar(central)  # floats over the panes, never moves them
        self.statusBar().addPermanentWidget(self.status, 1)
        self.actions_by_name: dict[str, QAction] = {}
        build_menus(self)
        self._connect()
        decisions.load_triage()
        self._update_actions()
        # Until the first inbox arrives (from the cache, or the first sync when there is no
        # cache yet), the list says so instead of "Nothing in your inbox".
        self.inbox.set_waiting(SYNCING_TEXT)

    def _connect(self) -> None:
        self.sync.delta_ready.connect(self._on_sync_delta_ready)
        self.sync.status_changed.connect(self._on_sync_status_changed)
        self.sync.outbox_changed.connect(self.status.show_outbox)
        self.sync.readability_changed.connect(self.status.show_readability)
        self.sync.action_finished.connect(lambda text: self.banner.say(text))
        self.sync.action_failed.connect(self._on_sync_action_failed)
        self.sync.changed.connect(self._on_sync_changed)
        self.decisions.detail_loaded.connect(self._on_decisions_detail_loaded)
        self.decisions.detail_failed.connect(self._on_decisions_detail_failed)
        self.decisions.triage_loaded.connect(self._on_decisions_triage_loaded)
        self.decisions.search_index_loaded.connect(self._on_decisions_search_index_loaded)
        self.decisions.directory_loaded.connect(self._on_decisions_directory_loaded)
        self.decisions.decisions_loaded.connect(self._on_decisions_decisions_loaded)
        self.decisions.write_failed.connect(self._on_decisions_write_failed)
        self.inbox.current_changed.connect(self._on_inbox_current_changed)
        self.detail_view.acknowledge_requested.connect(self._acknowledge)
        self.detail_view.feedback_requested.connect(
            lambda key, objection: self._feedback(objection, key)
        )
        self.detail_view.owner_action_requested.connect(lambda action, _key: self._owner(action))
        self.detail_view.open_decision_requested.connect(self.select_key)
        self.detail_view.retry_requested.connect(self._on_detail_view_retry_requested)
        self.banner.open_requested.connect(self.select_key)
        self.status.retry_requested.connect(self.sync.sync_now)

    # -- public --------------------------------------------------------------------------------

    def select_key(self, key: str) -> None:
        """Show ``key``: its row when it is in the inbox, else just its detail (and no row
        highlighted, so the list never points at another decision than the one shown)."""
        if self.inbox.select_key(key):
            if self._current_key != key:  # its row was current already, under another detail
                self._show_key(key)
            return
        self._pending_select = key
        self._current_key = key  # before the list lets go of its row: see the slot
        self.inbox.table.setCurrentIndex(QModelIndex())
        self.inbox.table.clearSelection()
        self._show_key(key)

    def say_why_not(self, action: str) -> None:
        """The status bar's answer to a shortcut whose action cannot act now."""
        item = self.inbox.current_item()
        loading = self._current_key if self.detail is None else None
        self.say_status(why_not(action, item, self.detail, self.triage, loading=loading))

    def say_status(self, text: str) -> None:
        self.statusBar().showMessage(text, STATUS_SECONDS * 1000)

    def supersede_candidates(self, key: str) -> list[tuple[str, str]]:
        """(key, title) of the decisions that could replace ``key``: any other one that is not
        withdrawn or superseded itself (the store refuses those; a draft successor is fine)."""
        gone = {str(State.WITHDRAWN), str(State.SUPERSEDED)}
        return [(k, title) for k, title, state in self._decisions if k != key and state not in gone]

    @property
    def detail(self) -> DecisionDetail | None:
        """The detail shown, once it is the current key's (None while that one loads)."""
        shown = self.detail_view.detail
        return shown if shown is not None and shown.key == self._current_key else None

    @property
    def current_item(self) -> InboxItem | None:
        item: InboxItem | None = self.inbox.current_item()
        return item

    # -- slots ---------------------------------------------------------------------------------

    @Slot(object)
    def _on_sync_delta_ready(self, delta: InboxDelta) -> None:
        self.inbox.set_waiting(None)
        self.all_items = delta.items
        self.inbox.apply(delta)
        self._announce_items()
        if self._pending_select and self.inbox.select_key(self._pending_select):
            self._pending_select = None
        elif self._current_key is None and self.inbox.current_item() is None:
            self.inbox.move_selection(1)
        key = self._current_key
        touched = {i.key for i in (*delta.added, *delta.removed, *delta.changed)}
        if key is not None and (key in delta.decisions or key in touched):
            self.decisions.load_detail(key)

    @Slot(object)
    def _on_sync_status_changed(self, status: Any) -> None:
        self.status.show_status(status.state, status.message, status.retry_at)
        if self.inbox.waiting:  # no inbox yet: say why the list is empty
            self.inbox.set_waiting(SYNCING_TEXT if status.state == "syncing" else UNREACHED_TEXT)

    @Slot(object)
    def _on_decisions_detail_loaded(self, detail: DecisionDetail) -> None:
        if detail.decision.key != self._current_key:
            return  # the person moved on meanwhile
        self.detail_view.show_detail(detail, note=self._triage_note(detail.key))
        self._update_actions()

    @Slot(object)
    def _on_decisions_triage_loaded(self, triage: Triage) -> None:
        self.triage = triage
        self.inbox.set_triage(triage)
        self._announce_items()

    @Slot(object, object)
    def _on_decisions_directory_loaded(self, teams: list[str], people: dict[str, Any]) -> None:
        self.teams, self.people = teams, sorted(people)
        self.directory = people
        self.inbox.set_names(people)  # the owners' display names in the rows

    def own_teams(self) -> list[str] | None:
        """The user's teams (a new decision belongs to one), or None before the directory."""
        person = self.directory.get(self.sync.user)
        return None if person is None else sorted(person.teams)

    @Slot(object)
    def _on_decisions_decisions_loaded(self, decisions: list[tuple[str, str, str]]) -> None:
        self._decisions = sorted(decisions, key=lambda d: decision_sort_key(d[0]))

    @Slot(object)
    def _on_decisions_search_index_loaded(self, index: dict[str, str]) -> None:
        self.inbox.set_search_index(index, casefolded=True)  # DecisionService.search_index

    @Slot(object, object)
    def _on_sync_changed(self, change: Change, initiator: object) -> None:
        if initiator is self and change.key:  # this window's owner write: show what it made
            self.banner.say(change.message, key=change.key)
            self._pending_select = change.key
            self._show_key(change.key, fresh=True)
        elif change.key is not None and change.key == self._current_key:
            self.decisions.load_detail(change.key, fresh=True)  # the write touched what is shown

    @Slot(object)
    def _on_decisions_write_failed(self, error: InboxError) -> None:
        self._say_refused(sentence(error, During.OWNER_WRITE))

    @Slot(object)
    def _on_sync_action_failed(self, error: InboxError) -> None:
        self._say_refused(sentence(error))

    def _say_refused(self, text: str) -> None:
        self.banner.say(text, "error")
        if self._current_key:  # a stale revise: show the current revision the store has
            self.decisions.load_detail(self._current_key)

    @Slot(str, object)
    def _on_decisions_detail_failed(self, key: str, error: InboxError) -> None:
        # Shown in the pane with a Retry button, and never retried from here: a load that
        # fails again would fail again at once, in a loop of its own failures.
        if key != self._current_key:
            return  # the person moved on meanwhile
        self.detail_view.show_failure(key, sentence(error))
        self._update_actions()

    @Slot(str)
    def _on_detail_view_retry_requested(self, key: str) -> None:
        if key == self._current_key:
            self.decisions.load_detail(key)

    @Slot(object)
    def _on_inbox_current_changed(self, item: InboxItem | None) -> None:
        if item is None:
            # The row went away (a search, a snooze, an acknowledgment elsewhere): the pane
            # must not keep showing it as if it were selected. A decision opened by its key
            # (not in the list) stays.
            if self._pending_select is None or self._pending_select != self._current_key:
                self._current_key = None
                self._pending_select = None
                self.detail_view.show_detail(None)
                self._update_actions()
            return
        if item.key != self._pending_select:
            self._pending_select = None  # the person moved on: a later sync must not pull back
        self._show_key(item.key)

    def _show_key(self, key: str, *, fresh: bool = False) -> None:
        self._current_key = key
        self._update_actions()
        self.decisions.load_detail(key, fresh=fresh)

    # -- actions -------------------------------------------------------------------------------

    def _update_actions(self) -> None:
        item = self.inbox.current_item()
        detail = self.detail
        allowed = set(detail.actions) if detail is not None else set()
        self.actions_by_name["ack"].setEnabled(
            "acknowledge" in allowed or (item is not None and item.reason in ACKNOWLEDGEABLE)
        )
        self.actions_by_name["feedback"].setEnabled("feedback" in allowed)
        self.actions_by_name["object"].setEnabled("feedback" in allowed)
        for name in ("snooze", "snooze_hour", "snooze_week", "snooze_change"):
            self.actions_by_name[name].setEnabled(item is not None)
        self.actions_by_name["restore"].setEnabled(
            item is not None and item_id(item) in self.triage.ids()
        )
        self.actions_by_name["done"].setEnabled(item is not None and item.reason is Reason.INFORMED)
        for name, _text, _keys in OWNER_MENU:
            self.actions_by_name[name].setEnabled(name in allowed)

    def _on_acknowledge(self) -> None:
        detail = self.detail
        if detail is not None and "acknowledge" in detail.actions:
            self._acknowledge(detail.key, detail.revision)
            return
        item = self.inbox.current_item()
        if item is not None and item.reason in ACKNOWLEDGEABLE:
            self._acknowledge(item.key, item.revision)  # pinned to the revision shown
        else:
            self.say_why_not("ack")

    @Slot(str, int)
    def _acknowledge(self, key: str, revision: int) -> None:
        """Held back for the undo window, then through the outbox to the store."""
        hold = self.sync.acknowledge(key, revision, self, hold_ms=self.undo_seconds * 1000)

        def undo() -> None:
            if hold is not None and self.sync.cancel_held(hold):
                self.banner.say(f"Acknowledgment of {key} r{revision} undone; nothing was sent.")
            else:
                self.say_status(f"The acknowledgment of {key} r{revision} was sent already.")

        self.banner.say(f"Acknowledged {key} r{revision}.", seconds=self.undo_seconds, undo=undo)

    def _feedback(self, objection: bool, key: str | None = None) -> None:
        key = key or self._current_key
        detail = self.detail
        if key is None or detail is None:
            self.say_why_not("object" if objection else "feedback")
            return
        from inbox.ui.lifecycle_dialogs import FeedbackDialog  # dialogs: imported when used

        dialog = FeedbackDialog(key, detail.decision.title, objection, self)
        if dialog.exec():
            request: GiveFeedback = dialog.request()
            self.decisions.give_feedback(request)

    def _on_undo(self) -> None:
        if not self.banner.undo():
            self.say_status("Nothing to undo: only the last acknowledge, snooze or done can be.")

    def _announce_items(self) -> None:
        now = datetime.now().astimezone()
        self.items_changed.emit([i for i in self.all_items if not self.triage.hides(i, now)])

    def _owner(self, action: str) -> None:
        # Dialogs are imported when first used: the first frame does not wait for them.
        from inbox.ui import owner_actions

        owner_actions.run(self, action)

    def _on_new(self) -> None:
        self._owner("new")

    def _on_search(self) -> None:
        self.inbox.focus_search()

    def _on_digest(self) -> None:
        from inbox.ui.digest_dialog import DigestDialog

        dialog = DigestDialog(self)
        self.decisions.digest_loaded.connect(dialog.show_digest)
        self.decisions.digest_failed.connect(dialog.show_error)
        self.decisions.load_digest(7)
        try:
            dialog.exec()
        finally:  # a late answer must not reach a closed dialog
            self.decisions.digest_loaded.disconnect(dialog.show_digest)
            self.decisions.digest_failed.disconnect(dialog.show_error)
            dialog.deleteLater()

    def _on_help(self) -> None:
        from inbox.ui.help_overlay import HelpOverlay

        HelpOverlay(self.actions_by_name.values(), self).exec()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.keep_in_tray:
            event.ignore()
            self.hide()  # the tray keeps the app running
            return
        event.accept()
        self.quit_requested.emit()


def window_title(user: str) -> str:
    """One title: Qt appends the application's display name to a window title unless the title
    already ends with it (QPlatformWindow::formatWindowTitle), so it goes last here. No user
    (a first start, before the store said who is logged in): the name alone."""
    return f"{user} — {DISPLAY_NAME}" if user else DISPLAY_NAME
