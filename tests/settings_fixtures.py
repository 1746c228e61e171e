"""Fixtures of the settings service and dialog tests (tests/services, tests/ui), loaded for the
whole suite by ``pytest_plugins`` in tests/conftest.py; none is autouse. Those modules use
``gui_thread`` and ``fresh_session`` for every test: the test's thread is the marked GUI thread (a
store or keyring call on it raises), and each test starts with no session passwords."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot

from inbox.config.profile import Profile
from inbox.core.threads import mark_gui_thread, unmark_gui_thread
from inbox.platform import credentials
from inbox.platform.credentials import SessionPasswords, backend_name
from inbox.services.settings_service import SettingsService
from tests.memory_keyring import MemoryKeyring


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
