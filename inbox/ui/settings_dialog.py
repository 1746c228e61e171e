"""SettingsDialog: the store, who you are in it, your password, notifications, start at login.

A store or identity set for this session (``--store``, ``DECISION_INBOX_USER``…) is shown as the
one in use, read-only and marked with where it comes from; the notification choices stay
editable, and saving keeps the configured store and identity (SettingsService.in_effect).

Everything slow (testing the connection, asking the keyring, saving) goes through
SettingsService, which answers with signals; the dialog only shows sentences. No label ever
shows a URL as typed: every URL shown is redacted by the service, so a password typed into the
URL is never echoed back.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, time

from PySide6.QtCore import QTime, Slot
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from inbox.config import Config
from inbox.core.errors import InboxError
from inbox.core.items import REASON_ORDER, reason_label
from inbox.core.lifecycle import check_handle
from inbox.core.pause import PAUSE_HOUR, PAUSE_OFF, PAUSE_TOMORROW, TOMORROW_AT, pause_until
from inbox.services.settings_service import SettingsService
from inbox.ui.validated_dialog import ValidatedDialog, gui_sentence

PAUSE_KEEP = "keep"
PASSWORD_IN_KEYRING = "The password is saved in the OS keyring, never in a file."
SESSION_READ_ONLY = (
    "The store and identity are read-only while this session sets them; saving keeps the ones "
    "in your settings. Start Decision Inbox without them to change these."
)
DEFAULT_QUIET = (time(22, 0), time(7, 0))


class SettingsDialog(ValidatedDialog):
    def __init__(self, service: SettingsService, parent: QWidget | None = None) -> None:
        super().__init__("Decision Inbox settings", parent)
        self.service = service
        self._saving = False
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        self.status_label.setAccessibleName("Status")
        try:
            loaded = service.read()
        except InboxError as exc:
            self.initial = Config()
            self.status_label.setText(exc.message)
        else:
            self.initial = loaded.config
            # What fell back to a default is shown as that default; saving writes it.
            self.status_label.setText(" ".join(loaded.sentences()))

        layout = QVBoxLayout()
        layout.addWidget(self._store_group())
        layout.addWidget(self._notifications_group())
        self.start_box = QCheckBox("&Start Decision Inbox when I log in")
        self.start_box.setAccessibleName("Start at login")
        self.start_box.setChecked(service.starts_at_login())
        layout.addWidget(self.start_box)
        layout.addWidget(self.status_label)

        service.connection_tested.connect(self._on_service_connection_tested)
        service.keyring_checked.connect(self._on_service_keyring_checked)
        service.saved.connect(self._on_service_saved)
        service.failed.connect(self._on_service_failed)
        self.finish(layout)
        self._on_url_changed()
        service.check_keyring()

    # -- building ---------------------------------------------------------------------------------

    def _store_group(self) -> QGroupBox:
        group = QGroupBox("Store and identity")
        self.embedded_radio = QRadioButton(
            f"Use the &embedded store at {self.service.embedded_store_path()}"
        )
        self.embedded_radio.setAccessibleName("Use the embedded store")
        self.shared_radio = QRadioButton("Use a s&hared store:")
        self.shared_radio.setAccessibleName("Use a shared store")
        choice = QButtonGroup(group)
        choice.addButton(self.embedded_radio)
        choice.addButton(self.shared_radio)
        self.url_edit = QLineEdit(self.initial.store)
        self.url_edit.setAccessibleName("Store URL")
        self.url_edit.setPlaceholderText(
            "postgresql://ana@db.example.com/inbox?sslmode=verify-full"
        )
        (self.embedded_radio if self.initial.embedded else self.shared_radio).setChecked(True)
        self.tls_label = QLabel()
        self.tls_label.setWordWrap(True)
        self.tls_label.setAccessibleName("TLS warning")
        self.tls_label.setStyleSheet("color: palette(highlight);")

        self.user_edit = QLineEdit(self.initial.user)
        self.user_edit.setAccessibleName("Handle")
        self.user_edit.setPlaceholderText("ana")
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setAccessibleName("Password")
        self.password_edit.setPlaceholderText("unchanged")
        self.password_label = QLabel(PASSWORD_IN_KEYRING)
        self.password_label.setWordWrap(True)
        self.password_label.setAccessibleName("Where the password is kept")
        self.remember_box = QCheckBox("&Remember the password in the OS keyring")
        self.remember_box.setAccessibleName("Remember the password")
        self.remember_box.setChecked(self.initial.remember_password)

        self.test_button = QPushButton("&Test connection")
        self.test_button.setAccessibleName("Test connection")
        self.test_label = QLabel()
        self.test_label.setWordWrap(True)
        self.test_label.setAccessibleName("Connection test result")
        self.store_note = _note("Where the store comes from")
        self.user_note = _note("Where the identity comes from")
        self.session_label = _note("Why the store and identity are read-only")

        url_row = QHBoxLayout()
        url_row.addWidget(self.shared_radio)
        url_row.addWidget(self.url_edit, 1)
        form = QFormLayout(group)
        form.addRow(self.embedded_radio)
        form.addRow(url_row)
        form.addRow(self.store_note)
        form.addRow(self.tls_label)
        form.addRow("&Identity (handle)", self.user_edit)
        form.addRow(self.user_note)
        form.addRow("&Password", self.password_edit)
        form.addRow(self.password_label)
        form.addRow(self.remember_box)
        form.addRow(self.test_button)
        form.addRow(self.test_label)
        form.addRow(self.session_label)

        self._show_in_effect()
        self.url_edit.textChanged.connect(self._on_url_changed)
        self.embedded_radio.toggled.connect(self._on_url_changed)
        self.user_edit.textChanged.connect(self.revalidate)
        self.test_button.clicked.connect(self._on_test_clicked)
        return group

    def _show_in_effect(self) -> None:
        """Show the store and identity this session uses where it sets them, each marked with
        its source; then none of the store's fields can be edited (a password or handle typed
        here would belong to a store the person did not choose)."""
        effect = self.service.in_effect
        for label, override in ((self.store_note, effect.store), (self.user_note, effect.user)):
            label.setText(override.note if override else "")
            label.setVisible(override is not None)
        self.session_label.setText(SESSION_READ_ONLY if effect.any else "")
        self.session_label.setVisible(effect.any)
        if not effect.any:
            return
        if effect.store:
            self.shared_radio.setChecked(True)
            self.url_edit.setText(self.service.shown_url(effect.store.value))
        if effect.user:
            self.user_edit.setText(effect.user.value)
        for button in (self.embedded_radio, self.shared_radio, self.remember_box):
            button.setEnabled(False)
        self.url_edit.setReadOnly(True)
        self.user_edit.setReadOnly(True)
        self.password_edit.setEnabled(False)
        self.password_edit.setPlaceholderText("as this session was started")

    def _notifications_group(self) -> QGroupBox:
        group = QGroupBox("Notifications")
        prefs = self.initial.notifications
        self.reason_boxes = {}
        form = QFormLayout(group)
        form.addRow(QLabel("Tell me when something is:"))
        for reason in REASON_ORDER:
            box = QCheckBox(reason_label(reason))
            box.setAccessibleName(f"Notify: {reason_label(reason)}")
            box.setChecked(str(reason) not in prefs.muted)
            self.reason_boxes[reason] = box
            form.addRow(box)

        start, end = prefs.quiet_start, prefs.quiet_end
        self.quiet_box = QCheckBox("&Quiet hours from")
        self.quiet_box.setAccessibleName("Quiet hours")
        self.quiet_box.setChecked(start is not None and end is not None)
        self.quiet_start_edit = _time_edit(start or DEFAULT_QUIET[0], "Quiet hours start")
        self.quiet_end_edit = _time_edit(end or DEFAULT_QUIET[1], "Quiet hours end")
        quiet_row = QHBoxLayout()
        quiet_row.addWidget(self.quiet_box)
        quiet_row.addWidget(self.quiet_start_edit)
        quiet_row.addWidget(QLabel("to"))
        quiet_row.addWidget(self.quiet_end_edit)
        quiet_row.addStretch(1)
        form.addRow(quiet_row)

        self.pause_box = QComboBox()
        self.pause_box.setAccessibleName("Pause notifications")
        self.pause_box.addItem("Off", PAUSE_OFF)
        self.pause_box.addItem("For 1 hour", PAUSE_HOUR)
        self.pause_box.addItem(f"Until tomorrow {TOMORROW_AT:%H:%M}", PAUSE_TOMORROW)
        paused = prefs.paused_until
        if paused is not None and paused > datetime.now().astimezone():
            self.pause_box.addItem(f"Keep: paused until {paused.astimezone():%a %H:%M}", PAUSE_KEEP)
            self.pause_box.setCurrentIndex(self.pause_box.count() - 1)
        form.addRow("Pa&use", self.pause_box)

        self.quiet_box.toggled.connect(self._on_quiet_toggled)
        self.quiet_start_edit.timeChanged.connect(self.revalidate)
        self.quiet_end_edit.timeChanged.connect(self.revalidate)
        self._on_quiet_toggled(self.quiet_box.isChecked())
        return group

    # -- reading ----------------------------------------------------------------------------------

    def store_url(self) -> str:
        return "" if self.embedded_radio.isChecked() else self.url_edit.text().strip()

    def in_use_url(self) -> str:
        """The store this session uses where it sets one (never shown as is: it may hold a
        password), else the one chosen here."""
        store = self.service.in_effect.store
        return store.value if store else self.store_url()

    def problem(self) -> str | None:
        if not self.service.in_effect.any:
            problem = self._store_problem()
            if problem:
                return problem
        if self.quiet_box.isChecked() and (
            self.quiet_start_edit.time() == self.quiet_end_edit.time()
        ):
            return "Quiet hours start and end at the same time; choose two times or turn them off."
        if self._saving:
            return "Saving…"
        return None

    def _store_problem(self) -> str | None:
        if self.shared_radio.isChecked():
            if not self.store_url():
                return "Give the shared store's URL, or choose the embedded store."
            url_problem = self.service.url_problem(self.store_url())
            if url_problem:
                return url_problem
        user = self.user_edit.text().strip()
        if not user:
            return "Give your handle (your name in the store, like ana) as the identity."
        try:
            check_handle(user)
        except InboxError as exc:
            return gui_sentence(exc)
        return None

    def start_at_login(self) -> bool:
        return self.start_box.isChecked()

    def values(self) -> Config:
        """The settings as the dialog shows them (a pause chosen now starts now); what it does
        not show (the kinds of popup that are not inbox reasons, the notifier, the sync) stays
        as it was read, and so do the store and identity while this session sets them."""
        session = self.service.in_effect.any
        quiet = self.quiet_box.isChecked()
        choice = self.pause_box.currentData()
        paused = (
            self.initial.notifications.paused_until
            if choice == PAUSE_KEEP
            else pause_until(choice, datetime.now().astimezone())
        )
        shown = {str(reason) for reason in self.reason_boxes}
        unticked = {str(r) for r, box in self.reason_boxes.items() if not box.isChecked()}
        return replace(
            self.initial,
            store=self.initial.store if session else self.store_url(),
            user=self.initial.user if session else self.user_edit.text().strip(),
            notifications=replace(
                self.initial.notifications,
                muted=frozenset((self.initial.notifications.muted - shown) | unticked),
                quiet_start=_py_time(self.quiet_start_edit.time()) if quiet else None,
                quiet_end=_py_time(self.quiet_end_edit.time()) if quiet else None,
                paused_until=paused,
            ),
            # Without a trusted keyring the box is off and disabled; the wish stays as saved.
            remember_password=self.remember_box.isChecked()
            if self.remember_box.isEnabled()
            else self.initial.remember_password,
        )

    # -- reacting ---------------------------------------------------------------------------------

    @Slot()
    def _on_url_changed(self) -> None:
        self.url_edit.setEnabled(self.shared_radio.isChecked())
        warning = self.service.tls_warning(self.in_use_url())
        self.tls_label.setText(warning or "")
        self.tls_label.setVisible(warning is not None)
        self.revalidate()

    @Slot(bool)
    def _on_quiet_toggled(self, on: bool) -> None:
        self.quiet_start_edit.setEnabled(on)
        self.quiet_end_edit.setEnabled(on)
        self.revalidate()

    @Slot()
    def _on_test_clicked(self) -> None:
        self.test_button.setEnabled(False)
        self.test_label.setText(f"Testing {self.service.shown_url(self.in_use_url())}…")
        self.service.test_connection(
            self.in_use_url(), self.user_edit.text().strip(), self.password_edit.text() or None
        )

    @Slot(bool, str)
    def _on_service_connection_tested(self, _ok: bool, sentence: str) -> None:
        self.test_button.setEnabled(True)
        self.test_label.setText(sentence)

    @Slot(bool, str)
    def _on_service_keyring_checked(self, trusted: bool, sentence: str) -> None:
        self.password_label.setText(PASSWORD_IN_KEYRING if trusted else sentence)
        # While this session sets the store or identity, the wish stays as saved.
        self.remember_box.setEnabled(trusted and not self.service.in_effect.any)
        if not trusted:
            self.remember_box.setChecked(False)

    @Slot()
    def _on_buttons_accepted(self) -> None:
        self.revalidate()
        if not self.ok_button.isEnabled():
            return
        self._saving = True
        self.revalidate()
        self.service.save(
            self.values(), self.password_edit.text() or None, start_at_login=self.start_at_login()
        )

    @Slot(str)
    def _on_service_saved(self, sentence: str) -> None:
        if not self._saving:
            return
        self._saving = False
        self.status_label.setText(sentence)
        self.accept()

    @Slot(str)
    def _on_service_failed(self, sentence: str) -> None:
        if not self._saving:
            return
        self._saving = False
        self.status_label.setText(sentence)
        self.revalidate()


def _note(name: str) -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setAccessibleName(name)
    label.setVisible(False)
    return label


def _time_edit(value: time, name: str) -> QTimeEdit:
    edit = QTimeEdit(QTime(value.hour, value.minute))
    edit.setDisplayFormat("HH:mm")
    edit.setAccessibleName(name)
    return edit


def _py_time(value: QTime) -> time:
    return time(value.hour(), value.minute())
