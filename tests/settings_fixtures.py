"""Fixtures of the settings service and dialog tests (tests/services, tests/ui), loaded for the
whole suite by ``pytest_plugins`` in tests/conftest.py; none is autouse. The dialog helpers below
are shared by tests/ui/test_settings_dialog.py and tests/ui/test_settings_session.py. Those modules use
``gui_thread`` and ``fresh_session`` for every test: the test's thread is the marked GUI thread (a
store or keyring call on it raises), and each test starts with no session passwords."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from inbox.config.profile import Profile
from inbox.core.threads import mark_gui_thread, unmark_gui_thread
from inbox.platform import credentials
from inbox.platform.credentials import SessionPasswords, backend_name
from inbox.services.session_settings import SessionChoice
from inbox.services.settings_service import SettingsService
from inbox.ui.settings_dialog import SettingsDialog
from tests.memory_keyring import MemoryKeyring

WAIT_MS = 15_000


@pytest.fixture
def gui_thread() -> Iterator[None]:
    """Any store or keyring call made on this thread would raise."""
    mark_gui_thread()
    try:
        yield
    finally:
        unmark_gui_thread()


@pytest.fixture
def fresh_session(monkeypatch: pytest.MonkeyPatch) -> SessionPasswords:
    """This process's session passwords, empty for each test."""
    session = SessionPasswords()
    monkeypatch.setattr(credentials, "_SESSION", session)
    return session


@pytest.fixture
def trusted(monkeypatch: pytest.MonkeyPatch, memory_keyring: MemoryKeyring) -> MemoryKeyring:
    """Declare the suite's in-memory keyring a trusted one."""
    monkeypatch.setattr(
        credentials,
        "TRUSTED_BACKENDS",
        credentials.TRUSTED_BACKENDS | {backend_name(memory_keyring)},
    )
    return memory_keyring


@pytest.fixture
def service(qtbot: QtBot) -> Iterator[SettingsService]:
    service = SettingsService(Profile.locate())
    try:
        yield service
    finally:
        service.shutdown()


@pytest.fixture
def started_with(qtbot: QtBot) -> Iterator[Callable[..., SettingsService]]:
    """``started_with(store=…, user=…)``: the service of an app started with those
    ``--store``/``--user`` (None: not given), reading the environment as it is when called."""
    made: list[SettingsService] = []

    def make(store: str | None = None, user: str | None = None) -> SettingsService:
        made.append(SettingsService(Profile.locate(), session=SessionChoice(store, user)))
        return made[-1]

    try:
        yield make
    finally:
        for service in made:
            service.shutdown()


def open_dialog(qtbot: QtBot, service: SettingsService) -> SettingsDialog:
    """The dialog, once its keyring check has answered."""
    with qtbot.waitSignal(service.keyring_checked, timeout=WAIT_MS):
        dialog = SettingsDialog(service)
    qtbot.addWidget(dialog)
    return dialog


def label_texts(dialog: SettingsDialog) -> list[str]:
    return [label.text() for label in dialog.findChildren(QLabel)]


def save(qtbot: QtBot, dialog: SettingsDialog) -> None:
    with qtbot.waitSignal(dialog.service.saved, timeout=WAIT_MS):
        dialog.ok_button.click()
        assert not dialog.ok_button.isEnabled()  # no second save while one runs
    qtbot.waitUntil(lambda: dialog.result() == SettingsDialog.DialogCode.Accepted)
