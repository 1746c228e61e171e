"""TrayController: the system tray icon, its tooltip and its menu.

The icon shows how many items are *pending* and the sync state. Pending means the person can act
on it now (:data:`PENDING_REASONS`): acknowledge (``needs_ack``, ``changed_since_ack``), give
feedback (``feedback_requested``), settle a ``conflict``, or, as owner, decide what to do with an
open decision whose deadline passed (``deadline_passed``). Not counted: ``informed`` (nothing is
owed) and ``awaiting_acks`` (the owner waits for *others*; counting it would keep the badge lit for
days over something the person cannot do). Each item counts once, so a decision that needs an
acknowledgment and is in a conflict counts twice: two different things are owed.

The menu is rebuilt each time it opens (``aboutToShow``) from the latest items, so it is never
stale and costs nothing while closed. Each pending item (at most :data:`MENU_LIMIT`, in the
order of :func:`pending_items`) is a submenu with *Acknowledge revision N* (acknowledgeable
reasons only) and *Open*; the revision is pinned when the menu is built, so a sync landing while
the menu is open can never make a click acknowledge a revision the person did not see.

*Pause notifications* emits ``pause_requested`` with the moment the pause ends (an aware
``datetime``, from :func:`inbox.core.pause.pause_until`) or ``None`` to resume: exactly what
``NotificationConfig.paused_until`` stores.

Where no tray exists (offscreen, some desktops) :meth:`TrayController.start` returns ``False``, the
app opens its window instead, and a timer looks again every 10 s; ``tray_appeared`` says when a
panel with a tray shows up. Runs on the GUI thread.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from PySide6.QtCore import QObject, QTimer, Signal, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QSystemTrayIcon

from inbox import DISPLAY_NAME
from inbox.core.items import REASON_RANK, InboxItem
from inbox.core.model import ACKNOWLEDGEABLE, Reason
from inbox.core.pause import PAUSE_HOUR, PAUSE_TOMORROW, TOMORROW_AT, pause_until
from inbox.ui.tray_icon import ERROR, OFFLINE, ONLINE, SYNCING, render_tray_icon

PENDING_REASONS: frozenset[Reason] = frozenset(
    {
        Reason.NEEDS_ACK,
        Reason.CHANGED_SINCE_ACK,
        Reason.FEEDBACK_REQUESTED,
        Reason.CONFLICT,
        Reason.CODE_DRIFT,
        Reason.DEADLINE_PASSED,
    }
)
MENU_LIMIT = 8
RETRY_INTERVAL_MS = 10_000
TITLE_CHARS = 48
MESSAGE_MS = 10_000

_STATE_WORDS = {ONLINE: "online", SYNCING: "syncing…", OFFLINE: "offline"}


def pending_items(items: Sequence[InboxItem]) -> list[InboxItem]:
    """The pending items in menu order: needs acknowledgment, changed since acknowledged,
    feedback requested by soonest deadline, then conflicts and passed deadlines; otherwise in
    the order given (the inbox's order)."""

    def order(item: InboxItem) -> tuple[int, float]:
        soonest = item.deadline.timestamp() if item.deadline is not None else float("inf")
        return (
            REASON_RANK[item.reason],
            soonest if item.reason is Reason.FEEDBACK_REQUESTED else 0.0,
        )

    return sorted((item for item in items if item.reason in PENDING_REASONS), key=order)


def summary(items: Sequence[InboxItem]) -> str:
    """The counts in words, e.g. ``2 to acknowledge, 1 feedback due``."""
    pending = [item for item in items if item.reason in PENDING_REASONS]

    def count(*reasons: Reason) -> int:
        return sum(1 for item in pending if item.reason in reasons)

    parts = [
        (count(Reason.NEEDS_ACK, Reason.CHANGED_SINCE_ACK), "to acknowledge", "to acknowledge"),
        (count(Reason.FEEDBACK_REQUESTED), "feedback due", "feedback due"),
        (count(Reason.CONFLICT), "conflict", "conflicts"),
        (count(Reason.CODE_DRIFT), "code drift", "code drifts"),
        (count(Reason.DEADLINE_PASSED), "deadline passed", "deadlines passed"),
    ]
    words = [f"{n} {one if n == 1 else many}" for n, one, many in parts if n]
    return ", ".join(words) if words else "nothing to do"


def state_words(state: str, message: str = "") -> str:
    if state == ERROR:
        detail = message if len(message) <= 100 else message[:99] + "…"
        return f"sync error: {detail}" if detail else "sync error"
    return _STATE_WORDS.get(state, state)


def item_label(item: InboxItem) -> str:
    """A menu entry's text: key, title (shortened) and what is owed. ``&`` is doubled so a title
    never turns into a keyboard mnemonic."""
    title = item.title if len(item.title) <= TITLE_CHARS else item.title[: TITLE_CHARS - 1] + "…"
    return f"{item.key}  {title} — {_owed(item)}".replace("&", "&&")


def _owed(item: InboxItem) -> str:
    if item.reason is Reason.NEEDS_ACK:
        return "acknowledge"
    if item.reason is Reason.CHANGED_SINCE_ACK:
        return f"changed since r{item.acked_revision}" if item.acked_revision else "changed"
    if item.reason is Reason.FEEDBACK_REQUESTED:
        if item.overdue:
            return "feedback overdue"
        if item.deadline is not None:
            return f"feedback by {item.deadline.astimezone():%a %d %b %H:%M}"
        return "feedback requested"
    if item.reason is Reason.CONFLICT:
        return f"conflict on {item.conflict_key}" if item.conflict_key else "conflict"
    if item.reason is Reason.CODE_DRIFT:
        return "the code disagrees"
    return "deadline passed"


def _local_now() -> datetime:
    return datetime.now().astimezone()


class TrayController(QObject):
    """Owns the QSystemTrayIcon. Feed it with :meth:`set_items` / :meth:`show_delta` and
    :meth:`set_status` / :meth:`show_sync_status`; it answers with ``…_requested`` signals.

    ``probe`` says whether a system tray exists (``QSystemTrayIcon.isSystemTrayAvailable``);
    ``clock`` gives the aware local time pauses are counted from. Both are seams for tests.
    """

    acknowledge_requested = Signal(str, int)  # decision key, the revision shown in the menu
    open_requested = Signal(str)  # decision key
    show_window_requested = Signal()
    sync_requested = Signal()
    pause_requested = Signal(object)  # datetime (aware): paused until then; None: resume
    quit_requested = Signal()
    tray_appeared = Signal()
    message_clicked = Signal()

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        probe: Callable[[], bool] = QSystemTrayIcon.isSystemTrayAvailable,
        clock: Callable[[], datetime] = _local_now,
        retry_interval_ms: int = RETRY_INTERVAL_MS,
    ) -> None:
        super().__init__(parent)
        self._probe = probe
        self._clock = clock
        self._items: tuple[InboxItem, ...] = ()
        self._state = SYNCING
        self._message = ""
        self._paused_until: datetime | None = None
        self._drawn: tuple[int, str] | None = None
        self._submenus: list[QMenu] = []

        self.menu = QMenu()
        self.menu.setAccessibleName(f"{DISPLAY_NAME} tray menu")
        self.menu.setToolTipsVisible(True)  # "Sync now" says the sync state on hover
        self.menu.aboutToShow.connect(self._on_menu_about_to_show)
        self.tray = QSystemTrayIcon(self)
        self.tray.setContextMenu(self.menu)
        self.tray.activated.connect(self._on_tray_activated)
        self.tray.messageClicked.connect(self.message_clicked)
        self.retry_timer = QTimer(self)
        self.retry_timer.setInterval(retry_interval_ms)
        self.retry_timer.timeout.connect(self._on_retry_timer_timeout)
        self._refresh()
        self.rebuild_menu()

    # --- lifecycle -----------------------------------------------------------------------

    def available(self) -> bool:
        """A system tray exists now."""
        return bool(self._probe())

    def start(self) -> bool:
        """Show the icon; ``False`` when there is no tray (then look again every 10 s)."""
        if self.available():
            self.retry_timer.stop()
            self.tray.show()
            return True
        self.retry_timer.start()
        return False

    def stop(self) -> None:
        self.retry_timer.stop()
        self.tray.hide()

    def shown(self) -> bool:
        """The icon is in a tray (what the tray notifier asks before each popup)."""
        return self.tray.isVisible() and self.available()

    def show_message(self, title: str, body: str) -> None:
        """A balloon from the icon: the notifier chain's tray adapter."""
        self.tray.showMessage(title, body, QSystemTrayIcon.MessageIcon.Information, MESSAGE_MS)

    @Slot()
    def _on_retry_timer_timeout(self) -> None:
        if self.available():
            self.retry_timer.stop()
            self.tray.show()
            self.tray_appeared.emit()

    # --- what the icon shows -------------------------------------------------------------

    def set_items(self, items: Sequence[InboxItem]) -> None:
        """The whole inbox (``InboxDelta.items``); the menu shows it the next time it opens."""
        self._items = tuple(items)
        self._refresh()

    def set_status(self, state: str, message: str = "") -> None:
        """The sync state: ``online``, ``syncing``, ``offline`` or ``error`` (with its message)."""
        self._state = state
        self._message = message
        self._refresh()

    def set_paused_until(self, until: datetime | None) -> None:
        """The notification pause in force, so the menu can say so and offer to resume."""
        self._paused_until = until

    @Slot(object)
    def show_delta(self, delta: object) -> None:
        """Slot for ``SyncService.delta_ready(InboxDelta)``."""
        self.set_items(getattr(delta, "items", ()))

    @Slot(object)
    def show_sync_status(self, status: object) -> None:
        """Slot for ``SyncService.status_changed(SyncStatus)``."""
        self.set_status(str(getattr(status, "state", "")), str(getattr(status, "message", "")))

    @property
    def count(self) -> int:
        return sum(1 for item in self._items if item.reason in PENDING_REASONS)

    @property
    def state(self) -> str:
        return self._state

    def tooltip(self) -> str:
        return (
            f"{DISPLAY_NAME} — {summary(self._items)} · {state_words(self._state, self._message)}"
        )

    def _refresh(self) -> None:
        drawn = (min(self.count, 10), self._state)  # 10 and above all draw "9+"
        if drawn != self._drawn:
            self._drawn = drawn
            self.tray.setIcon(render_tray_icon(self.count, self._state))
        self.tray.setToolTip(self.tooltip())

    # --- the menu ------------------------------------------------------------------------

    @Slot()
    def _on_menu_about_to_show(self) -> None:
        self.rebuild_menu()

    def rebuild_menu(self) -> None:
        """Rebuild the menu from the latest items (done each time it opens)."""
        self.menu.clear()
        for old in self._submenus:
            old.deleteLater()  # clear() leaves submenus, which are child widgets, alive
        self._submenus = []

        pending = pending_items(self._items)
        if not pending:
            self._add(self.menu, "Nothing to do").setEnabled(False)
        for item in pending[:MENU_LIMIT]:
            self._add_item_menu(item)
        if len(pending) > MENU_LIMIT:
            more = self._add(self.menu, f"… and {len(pending) - MENU_LIMIT} more in the inbox")
            more.triggered.connect(self.show_window_requested)
        self.menu.addSeparator()
        self._add(self.menu, "Open inbox").triggered.connect(self.show_window_requested)
        sync = self._add(self.menu, "Sync now")
        sync.triggered.connect(self.sync_requested)
        sync.setToolTip(f"Sync state: {state_words(self._state, self._message)}")
        self._add_pause_menu()
        self.menu.addSeparator()
        self._add(self.menu, "Quit").triggered.connect(self.quit_requested)

    def _add(self, menu: QMenu, text: str) -> QAction:
        # The text is also what screen readers say (Qt strips the mnemonic "&" for them).
        return menu.addAction(text)

    def _add_item_menu(self, item: InboxItem) -> None:
        submenu = self.menu.addMenu(item_label(item))
        submenu.setAccessibleName(item_label(item).replace("&&", "&"))
        self._submenus.append(submenu)
        key, revision = item.key, item.revision
        if item.reason in ACKNOWLEDGEABLE:
            ack = self._add(submenu, f"Acknowledge revision {revision}")
            ack.triggered.connect(lambda _=False: self.acknowledge_requested.emit(key, revision))
        opened = self._add(submenu, f"Open {key}")
        opened.triggered.connect(lambda _=False: self.open_requested.emit(key))

    def _add_pause_menu(self) -> None:
        now = self._clock()
        paused = self._paused_until is not None and self._paused_until > now
        title = "Pause notifications"
        if paused and self._paused_until is not None:
            # Shown in the clock's zone (local in the app), whatever zone the setting was saved in.
            title = (
                f"Notifications paused until {self._paused_until.astimezone(now.tzinfo):%a %H:%M}"
            )
        submenu = self.menu.addMenu(title)
        submenu.setAccessibleName(title)
        self._submenus.append(submenu)
        for text, choice in (
            ("For 1 hour", PAUSE_HOUR),
            (f"Until tomorrow {TOMORROW_AT:%H:%M}", PAUSE_TOMORROW),
        ):
            action = self._add(submenu, text)
            action.triggered.connect(lambda _=False, c=choice: self._request_pause(c))
        resume = self._add(submenu, "Resume notifications")
        resume.setEnabled(paused)
        resume.triggered.connect(lambda _=False: self.pause_requested.emit(None))

    def _request_pause(self, choice: str) -> None:
        # Counted from the click, not from when the menu opened.
        self.pause_requested.emit(pause_until(choice, self._clock()))

    @Slot(QSystemTrayIcon.ActivationReason)
    def _on_tray_activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason == QSystemTrayIcon.ActivationReason.Trigger:
            self.show_window_requested.emit()
