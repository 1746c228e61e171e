"""SettingsDialog in an app started with a store or identity of its own (``--store``/``--user``
or ``DECISION_INBOX_STORE``/``DECISION_INBOX_USER``): it shows the ones in use, read-only and
marked with where they come from, lets the notification choices be saved on their own, and saving
keeps config.json's store and identity as they were."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from inbox.app.startup import session_of, settings_dialog
from inbox.config import Config
from inbox.config.profile import Profile
from inbox.core.model import Reason
from inbox.services.bootstrap import StartRequest
from inbox.services.settings_service import SettingsService
from inbox.ui.settings_dialog import SettingsDialog
from tests.memory_keyring import MemoryKeyring
from tests.settings_fixtures import label_texts, open_dialog, save

pytestmark = pytest.mark.usefixtures("gui_thread", "fresh_session")

PASSWORD = "s3cret-pw"

SESSION_STORE = "postgresql://fred@db.example.com/team?sslmode=verify-full"


def start_session(
    started_with: Callable[..., SettingsService], monkeypatch: pytest.MonkeyPatch, source: str
) -> SettingsService:
    """The service of an app given SESSION_STORE and fred by ``source``: "cli" or "env"."""
    if source == "cli":
        return started_with(store=SESSION_STORE, user="fred")
    monkeypatch.setenv("DECISION_INBOX_STORE", SESSION_STORE)
    monkeypatch.setenv("DECISION_INBOX_USER", "fred")
    return started_with()


NOTES = {
    "cli": ("Set by --store for this session", "Set by --user for this session"),
    "env": ("Set by DECISION_INBOX_STORE", "Set by DECISION_INBOX_USER"),
}


@pytest.mark.parametrize("source", ["cli", "env"])
def test_the_store_and_identity_of_the_session_are_shown_read_only_and_marked(
    qtbot: QtBot,
    started_with: Callable[..., SettingsService],
    monkeypatch: pytest.MonkeyPatch,
    source: str,
) -> None:
    service = start_session(started_with, monkeypatch, source)
    service.profile.save(Config(user="ana"))  # what config.json says is not what is in use
    dialog = open_dialog(qtbot, service)
    assert dialog.shared_radio.isChecked()
    assert dialog.url_edit.text() == SESSION_STORE and dialog.url_edit.isReadOnly()
    assert dialog.user_edit.text() == "fred" and dialog.user_edit.isReadOnly()
    assert not dialog.embedded_radio.isEnabled() and not dialog.shared_radio.isEnabled()
    assert not dialog.password_edit.isEnabled() and not dialog.remember_box.isEnabled()
    store_note, user_note = NOTES[source]
    assert dialog.store_note.text() == store_note and not dialog.store_note.isHidden()
    assert dialog.user_note.text() == user_note and not dialog.user_note.isHidden()
    assert not dialog.session_label.isHidden()
    assert dialog.session_label.text().startswith("The store and identity are read-only")
    # Nothing to fix: the notification choices can be saved on their own.
    assert dialog.ok_button.isEnabled(), dialog.problem_label.text()
    assert dialog.reason_boxes[Reason.INFORMED].isEnabled()


def test_a_password_in_the_session_store_is_never_shown(
    qtbot: QtBot, started_with: Callable[..., SettingsService]
) -> None:
    service = started_with(store=f"postgresql://fred:{PASSWORD}@db.example.com/team")
    dialog = open_dialog(qtbot, service)
    assert dialog.url_edit.text() == "postgresql://fred:***@db.example.com/team"
    assert all(PASSWORD not in text for text in label_texts(dialog))


@pytest.mark.parametrize("source", ["cli", "env"])
@pytest.mark.parametrize(
    "configured",
    [
        {"notifications": {"muted": ["reminder_24h"]}},
        {
            "store": "postgresql://ana@db.example.com/inbox",
            "user": "ana",
            "remember_password": False,
            "notifications": {"muted": ["reminder_24h"]},
        },
    ],
    ids=["store-and-user-absent", "store-and-user-configured"],
)
def test_saving_during_a_session_keeps_the_configured_store_and_identity(
    qtbot: QtBot,
    started_with: Callable[..., SettingsService],
    monkeypatch: pytest.MonkeyPatch,
    memory_keyring: MemoryKeyring,
    source: str,
    configured: dict[str, object],
) -> None:
    service = start_session(started_with, monkeypatch, source)
    service.profile.config_file.parent.mkdir(parents=True, exist_ok=True)
    service.profile.config_file.write_text(json.dumps(configured), encoding="utf-8")
    dialog = open_dialog(qtbot, service)
    dialog.reason_boxes[Reason.INFORMED].setChecked(False)
    save(qtbot, dialog)
    expected = {**configured, "notifications": {"muted": ["informed", "reminder_24h"]}}
    assert json.loads(service.profile.config_file.read_text(encoding="utf-8")) == expected
    assert memory_keyring.passwords == {}
    assert dialog.status_label.text() == "Settings saved."


def test_without_a_session_override_nothing_is_marked_or_locked(
    qtbot: QtBot, started_with: Callable[..., SettingsService]
) -> None:
    dialog = open_dialog(qtbot, started_with())
    assert dialog.store_note.isHidden() and dialog.user_note.isHidden()
    assert dialog.session_label.isHidden()
    assert not dialog.url_edit.isReadOnly() and not dialog.user_edit.isReadOnly()
    assert dialog.embedded_radio.isEnabled() and dialog.password_edit.isEnabled()
    assert not dialog.ok_button.isEnabled()  # no identity yet, as before


@pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")
def test_the_app_hands_its_start_options_to_the_dialog(qtbot: QtBot) -> None:
    request = StartRequest(Profile.locate(), store=SESSION_STORE, user="fred")
    seen: list[tuple[str, str, str]] = []

    def look() -> None:
        dialog = QApplication.activeModalWidget()
        assert dialog is not None
        try:
            assert isinstance(dialog, SettingsDialog)
            seen.append((dialog.url_edit.text(), dialog.user_edit.text(), dialog.store_note.text()))
        finally:
            dialog.close()  # a failed look must not leave the modal loop running

    QTimer.singleShot(0, look)
    assert settings_dialog(request.profile, session=session_of(request)) is False
    assert seen == [(SESSION_STORE, "fred", "Set by --store for this session")]
