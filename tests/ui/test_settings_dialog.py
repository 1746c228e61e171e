"""SettingsDialog over a real SettingsService: the live TLS warning, a connection test against a
real SQLite store, saving without the password in config.json, and the session-only password
when no trusted keyring exists. Also the per-session password prompt."""

from __future__ import annotations

import json
from datetime import datetime, time, timedelta

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QLabel
from pytestqt.qtbot import QtBot

from inbox import APP_ID
from inbox.config import Config, NotificationConfig
from inbox.core.items import REASON_ORDER
from inbox.core.model import Reason
from inbox.core.threads import mark_gui_thread, unmark_gui_thread
from inbox.services.settings_service import SettingsService
from inbox.store.schema import SCHEMA_VERSION
from inbox.ui.password_prompt import PasswordDialog, ask_password
from inbox.ui.settings_dialog import PASSWORD_IN_KEYRING, SettingsDialog
from tests.memory_keyring import MemoryKeyring
from tests.settings_fixtures import WAIT_MS, label_texts, open_dialog, save
from tests.store.helpers import open_store

pytestmark = pytest.mark.usefixtures("gui_thread", "fresh_session")

PASSWORD = "s3cret-pw"
PG_URL = "postgresql://ana@db.example.com/inbox?sslmode=verify-full"


def use_shared(dialog: SettingsDialog, url: str) -> None:
    dialog.shared_radio.setChecked(True)
    dialog.url_edit.setText(url)


@pytest.mark.parametrize(
    ("url", "warned"),
    [
        ("postgresql://ana@db.example.com/inbox", True),
        ("postgresql://ana@db.example.com/inbox?sslmode=verify-full", False),
        ("postgresql://ana@localhost/inbox", False),
    ],
)
def test_the_tls_warning_follows_the_url(
    qtbot: QtBot, service: SettingsService, url: str, warned: bool
) -> None:
    dialog = open_dialog(qtbot, service)
    assert dialog.tls_label.isHidden()
    use_shared(dialog, url)
    assert dialog.tls_label.isHidden() is not warned
    if warned:
        assert dialog.tls_label.text().startswith(
            "The store at postgresql://ana@db.example.com/inbox is on another machine and TLS "
            "is not required"
        )
    dialog.embedded_radio.setChecked(True)
    assert dialog.tls_label.isHidden()


def test_a_password_typed_into_the_url_is_never_echoed(
    qtbot: QtBot, service: SettingsService
) -> None:
    dialog = open_dialog(qtbot, service)
    use_shared(dialog, f"postgresql://ana:{PASSWORD}@db.example.com/inbox")
    assert not dialog.tls_label.isHidden()
    dialog.url_edit.setText(f"postgresql://ana:{PASSWORD}@db.example.com:notaport/inbox")
    assert not dialog.ok_button.isEnabled()
    assert all(PASSWORD not in text for text in label_texts(dialog))


def test_invalid_input_disables_ok_with_a_sentence(qtbot: QtBot, service: SettingsService) -> None:
    dialog = open_dialog(qtbot, service)
    assert dialog.embedded_radio.isChecked()
    assert dialog.problem_label.text() == (
        "Give your handle (your name in the store, like ana) as the identity."
    )
    dialog.user_edit.setText("Ana Smith")
    assert not dialog.ok_button.isEnabled()
    assert dialog.problem_label.text().startswith("The handle 'Ana Smith' is not valid")
    dialog.user_edit.setText("ana")
    assert dialog.ok_button.isEnabled()
    use_shared(dialog, "")
    assert dialog.problem_label.text() == (
        "Give the shared store's URL, or choose the embedded store."
    )
    dialog.url_edit.setText("mysql://ana@db/inbox")
    assert "supports SQLite files and PostgreSQL" in dialog.problem_label.text()
    dialog.url_edit.setText(PG_URL)
    assert dialog.ok_button.isEnabled()
    dialog.quiet_box.setChecked(True)
    dialog.quiet_end_edit.setTime(dialog.quiet_start_edit.time())
    assert dialog.problem_label.text() == (
        "Quiet hours start and end at the same time; choose two times or turn them off."
    )


def test_test_connection_against_a_real_store(
    qtbot: QtBot, service: SettingsService, sqlite_url: str
) -> None:
    unmark_gui_thread()
    open_store(sqlite_url)[0].dispose()
    mark_gui_thread()
    dialog = open_dialog(qtbot, service)
    use_shared(dialog, sqlite_url)
    dialog.user_edit.setText("fred")
    with qtbot.waitSignal(service.connection_tested, timeout=WAIT_MS):
        dialog.test_button.click()
        assert not dialog.test_button.isEnabled()  # while it runs
    assert dialog.test_button.isEnabled()
    shown = sqlite_url.removeprefix("sqlite:///")  # a SQLite store is shown as its path
    assert dialog.test_label.text() == f"Connected to {shown} (schema v{SCHEMA_VERSION}) as fred."


def test_test_connection_to_a_wrong_url_shows_the_sentence(
    qtbot: QtBot, service: SettingsService, tmp_path: object
) -> None:
    dialog = open_dialog(qtbot, service)
    use_shared(dialog, f"sqlite:///{tmp_path}/nowhere/store.sqlite")
    dialog.user_edit.setText("fred")
    with qtbot.waitSignal(service.connection_tested, timeout=WAIT_MS):
        dialog.test_button.click()
    assert dialog.test_label.text() == (
        f"The folder {tmp_path}/nowhere of the store file does not exist; create it or choose "
        "another path."
    )


def test_saving_keeps_the_password_out_of_config_and_in_the_keyring(
    qtbot: QtBot, service: SettingsService, trusted: MemoryKeyring
) -> None:
    dialog = open_dialog(qtbot, service)
    assert dialog.password_label.text() == PASSWORD_IN_KEYRING
    assert dialog.remember_box.isEnabled() and dialog.remember_box.isChecked()
    use_shared(dialog, PG_URL)
    dialog.user_edit.setText("ana")
    dialog.password_edit.setText(PASSWORD)
    dialog.reason_boxes[Reason.INFORMED].setChecked(False)
    dialog.start_box.setChecked(True)
    save(qtbot, dialog)

    text = service.profile.config_file.read_text(encoding="utf-8")
    assert PASSWORD not in text
    config = json.loads(text)
    assert (config["store"], config["user"]) == (PG_URL, "ana")
    assert config["notifications"]["muted"] == ["informed"]
    assert trusted.passwords == {
        (APP_ID, "ana@postgresql://db.example.com/inbox"): PASSWORD,
    }
    assert dialog.status_label.text() == "Settings saved; the password is in the OS keyring."
    assert service.starts_at_login()


def test_without_a_trusted_keyring_the_dialog_says_so_and_keeps_it_for_the_session(
    qtbot: QtBot, service: SettingsService, memory_keyring: MemoryKeyring
) -> None:
    dialog = open_dialog(qtbot, service)
    assert dialog.password_label.text().startswith("No trusted keyring is available")
    assert "ask for the password each session" in dialog.password_label.text()
    assert not dialog.remember_box.isEnabled()
    use_shared(dialog, PG_URL)
    dialog.user_edit.setText("ana")
    dialog.password_edit.setText(PASSWORD)
    save(qtbot, dialog)

    assert memory_keyring.passwords == {}
    assert PASSWORD not in service.profile.config_file.read_text(encoding="utf-8")
    assert service.session_password(PG_URL, "ana") == PASSWORD
    assert dialog.status_label.text() == (
        "Settings saved; the password is kept for this session only."
    )


def test_the_dialog_shows_what_is_saved(qtbot: QtBot, service: SettingsService) -> None:
    paused = datetime.now().astimezone() + timedelta(hours=3)
    service.profile.save(
        Config(
            store=PG_URL,
            user="ana",
            notifications=NotificationConfig(
                muted=frozenset({"conflict"}),
                quiet_start=time(21, 30),
                quiet_end=time(6, 45),
                paused_until=paused,
            ),
        )
    )
    dialog = open_dialog(qtbot, service)
    assert dialog.shared_radio.isChecked() and dialog.url_edit.text() == PG_URL
    assert [r for r in REASON_ORDER if not dialog.reason_boxes[r].isChecked()] == [Reason.CONFLICT]
    assert dialog.quiet_box.isChecked()
    assert dialog.quiet_start_edit.time().toString("HH:mm") == "21:30"
    assert dialog.pause_box.currentData() == "keep"
    assert dialog.values() == service.values()


def test_pausing_for_an_hour_starts_now(qtbot: QtBot, service: SettingsService) -> None:
    dialog = open_dialog(qtbot, service)
    dialog.pause_box.setCurrentIndex(dialog.pause_box.findData("hour"))
    before = datetime.now().astimezone()
    paused = dialog.values().notifications.paused_until
    after = datetime.now().astimezone()
    assert paused is not None
    assert before + timedelta(hours=1) <= paused <= after + timedelta(hours=1)


# --- the per-session password prompt --------------------------------------------------------


def test_the_password_dialog_needs_a_password(qtbot: QtBot) -> None:
    dialog = PasswordDialog("postgresql://ana@db.example.com/inbox", "ana")
    qtbot.addWidget(dialog)
    assert not dialog.ok_button.isEnabled()
    dialog.password_edit.setText(PASSWORD)
    assert dialog.ok_button.isEnabled()
    assert dialog.password() == PASSWORD
    assert all(PASSWORD not in label.text() for label in dialog.findChildren(QLabel))


# Showing a modal dialog on the offscreen platform logs "This plugin does not support
# propagateSizeHints()": offscreen's QPlatformWindow lacks it; on a real screen nothing is logged.
@pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")
@pytest.mark.parametrize("accept", [True, False])
def test_ask_password_returns_what_was_typed_or_none(qtbot: QtBot, accept: bool) -> None:
    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, PasswordDialog)
        dialog.password_edit.setText(PASSWORD)
        (dialog.ok_button.click if accept else dialog.reject)()

    QTimer.singleShot(0, answer)
    assert ask_password(None, "postgresql://ana@db.example.com/inbox", "ana") == (
        PASSWORD if accept else None
    )


def test_saving_keeps_the_mutes_the_dialog_does_not_show(
    qtbot: QtBot, service: SettingsService
) -> None:
    service.profile.config_file.parent.mkdir(parents=True, exist_ok=True)
    service.profile.config_file.write_text(
        json.dumps({"user": "fred", "notifications": {"muted": ["informed", "reminder_24h"]}}),
        encoding="utf-8",
    )
    dialog = open_dialog(qtbot, service)
    assert not dialog.reason_boxes[Reason.INFORMED].isChecked()
    save(qtbot, dialog)
    config = json.loads(service.profile.config_file.read_text(encoding="utf-8"))
    assert config["notifications"]["muted"] == ["informed", "reminder_24h"]


def test_the_dialog_opens_on_a_bad_value_and_says_what_it_shows_instead(
    qtbot: QtBot, service: SettingsService
) -> None:
    service.profile.config_file.parent.mkdir(parents=True, exist_ok=True)
    service.profile.config_file.write_text(
        json.dumps(
            {"user": "fred", "notifications": {"quiet_start": "10pm", "quiet_end": "07:00"}}
        ),
        encoding="utf-8",
    )
    dialog = open_dialog(qtbot, service)
    assert dialog.user_edit.text() == "fred"
    assert not dialog.quiet_box.isChecked()  # no start time: no quiet hours
    assert dialog.status_label.text() == (
        "The setting notifications.quiet_start in config.json is '10pm'; write it like \"22:00\"."
    )
    save(qtbot, dialog)  # what the dialog showed is what is saved
    config = json.loads(service.profile.config_file.read_text(encoding="utf-8"))
    assert config["notifications"]["quiet_start"] is None
