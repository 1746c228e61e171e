"""Which store and identity a session sets over config.json, and SettingsService saving around
them: the configured ones, the password wish and the keyring stay untouched."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from pytestqt.qtbot import QtBot

from inbox.config import Config, NotificationConfig
from inbox.services.session_settings import Override, SessionChoice, in_effect
from inbox.services.settings_service import SettingsService
from tests.memory_keyring import MemoryKeyring

pytestmark = pytest.mark.usefixtures("gui_thread", "fresh_session")

PG_URL = "postgresql://fred@db.example.com/team?sslmode=verify-full"
PASSWORD = "correct horse battery"
WAIT_MS = 15_000


def saved(qtbot: QtBot, service: SettingsService, values: Config, pw: str | None) -> str:
    with qtbot.waitSignal(service.saved, timeout=WAIT_MS) as blocker:
        service.save(values, pw)
    return str(blocker.args[0])


def test_the_command_line_wins_over_the_environment_and_empty_is_not_set() -> None:
    env = {"DECISION_INBOX_STORE": "/srv/team.sqlite", "DECISION_INBOX_USER": " "}
    effect = in_effect(SessionChoice(store="/srv/mine.sqlite"), env)
    assert effect.store == Override("/srv/mine.sqlite", "Set by --store for this session")
    assert effect.user is None
    effect = in_effect(SessionChoice(user="fred"), env)
    assert effect.store == Override("/srv/team.sqlite", "Set by DECISION_INBOX_STORE")
    assert effect.user == Override("fred", "Set by --user for this session")
    assert not in_effect(SessionChoice(store="", user=None), {}).any


def test_saving_during_a_session_never_writes_its_store_identity_or_password(
    qtbot: QtBot, started_with: Callable[..., SettingsService], trusted: MemoryKeyring
) -> None:
    service = started_with(store=PG_URL, user="fred")
    service.profile.config_file.parent.mkdir(parents=True, exist_ok=True)
    service.profile.config_file.write_text(
        json.dumps({"store": "/srv/team.sqlite", "remember_password": False}), encoding="utf-8"
    )
    # Even when asked to: the service, not only the dialog, keeps the configured ones.
    said = saved(
        qtbot,
        service,
        Config(
            store=PG_URL,
            user="fred",
            notifications=NotificationConfig(muted=frozenset({"informed"})),
        ),
        PASSWORD,
    )
    assert said == "Settings saved."
    assert json.loads(service.profile.config_file.read_text(encoding="utf-8")) == {
        "store": "/srv/team.sqlite",
        "remember_password": False,
        "notifications": {"muted": ["informed"]},
    }
    assert trusted.passwords == {}
