"""SettingsService: config.json without passwords, the keyring or this session for the password,
a real connection test off the GUI thread, and the autostart entry."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, time
from pathlib import Path

import psycopg
import pytest
from pytestqt.qtbot import QtBot

from inbox import APP_ID
from inbox.config import Config, NotificationConfig, parse
from inbox.core.threads import mark_gui_thread, unmark_gui_thread
from inbox.platform import credentials
from inbox.platform.credentials import backend_name
from inbox.services.settings_service import SettingsService
from inbox.store.schema import SCHEMA_VERSION
from tests import pg
from tests.memory_keyring import MemoryKeyring
from tests.store.helpers import open_store

pytestmark = pytest.mark.usefixtures("gui_thread", "fresh_session")

PG_URL = "postgresql://ana@db.example.com/inbox?sslmode=verify-full"
ACCOUNT = "ana@postgresql://db.example.com/inbox"
PASSWORD = "correct horse battery"
WAIT_MS = 15_000


def make_store(url: str) -> None:
    """An initialised store with ana and fred, built off the marked GUI thread."""
    unmark_gui_thread()
    try:
        open_store(url)[0].dispose()
    finally:
        mark_gui_thread()


def config_text(service: SettingsService) -> str:
    return service.profile.config_file.read_text(encoding="utf-8")


def connect_result(
    qtbot: QtBot, service: SettingsService, url: str, user: str, pw: str | None = None
):  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(service.connection_tested, timeout=WAIT_MS) as blocker:
        service.test_connection(url, user, pw)
    return tuple(blocker.args)


def saved(
    qtbot: QtBot,
    service: SettingsService,
    values: Config,
    pw: str | None,
    start_at_login: bool | None = None,
) -> str:
    with qtbot.waitSignal(service.saved, timeout=WAIT_MS) as blocker:
        service.save(values, pw, start_at_login)
    return str(blocker.args[0])


def write_config(service: SettingsService, data: dict[str, object]) -> None:
    service.profile.config_file.parent.mkdir(parents=True, exist_ok=True)
    service.profile.config_file.write_text(json.dumps(data), encoding="utf-8")


# --- reading --------------------------------------------------------------------------------


def test_nothing_configured_means_the_embedded_store(service: SettingsService) -> None:
    values = service.values()
    assert values == Config()
    assert values.embedded
    assert not service.starts_at_login()
    assert service.embedded_store_path() == str(service.profile.embedded_store)


def test_values_come_from_config_json(service: SettingsService) -> None:
    write_config(
        service,
        {
            "store": PG_URL,
            "user": "ana",
            "remember_password": False,
            "notifications": {
                "muted": ["informed", "no_such_reason"],
                "quiet_start": "22:00",
                "quiet_end": "07:30",
                "paused_until": "2026-12-01T09:00+01:00",
            },
        },
    )
    values = service.values()
    assert (values.store, values.user, values.remember_password) == (PG_URL, "ana", False)
    assert values.notifications == NotificationConfig(
        muted=frozenset({"informed"}),
        quiet_start=time(22, 0),
        quiet_end=time(7, 30),
        paused_until=datetime(2026, 12, 1, 8, 0, tzinfo=UTC),
    )
    # The dialog opens anyway and says what it could not use.
    (problem,) = service.read().problems
    assert problem.sentence.startswith(
        "The setting notifications.muted in config.json names 'no_such_reason', which is not a "
        "kind of popup;"
    )


@pytest.mark.parametrize(
    ("url", "warned"),
    [
        ("postgresql://ana@db.example.com/inbox", True),
        ("postgresql://ana@db.example.com/inbox?sslmode=verify-full", False),
        ("postgresql://ana@localhost/inbox", False),
        ("/tmp/store.sqlite", False),
        ("", False),
        ("mysql://x@y/z", False),  # not a store URL at all: url_problem says so
    ],
)
def test_tls_warning(service: SettingsService, url: str, warned: bool) -> None:
    warning = service.tls_warning(url)
    assert (warning is not None) is warned
    if warning:
        assert warning.startswith("The store at postgresql://ana@db.example.com/inbox is on ")
        assert "sslmode=verify-full" in warning


def test_url_problem_and_shown_url_never_show_a_password(service: SettingsService) -> None:
    assert service.url_problem(PG_URL) is None
    assert service.url_problem("") is None
    assert "supports SQLite files and PostgreSQL" in (service.url_problem("mysql://x@y/z") or "")
    shown = service.shown_url("postgresql://ana:s3cret@db.example.com/inbox")
    assert "s3cret" not in shown
    assert shown.startswith("postgresql://ana:***@db.example.com")


# --- testing a connection -------------------------------------------------------------------


def test_connection_to_a_real_store(
    qtbot: QtBot, service: SettingsService, sqlite_url: str
) -> None:
    make_store(sqlite_url)
    ok, sentence = connect_result(qtbot, service, sqlite_url, "ana")
    assert ok, sentence
    shown = sqlite_url.removeprefix("sqlite:///")  # a SQLite store is shown as its path
    assert sentence == f"Connected to {shown} (schema v{SCHEMA_VERSION}) as ana."


def test_connection_to_a_store_without_that_person(
    qtbot: QtBot, service: SettingsService, sqlite_url: str
) -> None:
    make_store(sqlite_url)
    ok, sentence = connect_result(qtbot, service, sqlite_url, "zoe")
    assert not ok
    shown = sqlite_url.removeprefix("sqlite:///")
    assert sentence.startswith(f"The store at {shown} has no person 'zoe'; check the handle")


def test_connection_to_a_wrong_url(qtbot: QtBot, service: SettingsService, tmp_path: Path) -> None:
    ok, sentence = connect_result(qtbot, service, str(tmp_path / "missing" / "store.sqlite"), "ana")
    assert not ok
    assert sentence == (
        f"The folder {tmp_path / 'missing'} of the store file does not exist; create it or "
        "choose another path."
    )


def test_connection_to_a_store_never_initialised(
    qtbot: QtBot, service: SettingsService, sqlite_url: str
) -> None:
    ok, sentence = connect_result(qtbot, service, sqlite_url, "ana")
    assert not ok
    shown = sqlite_url.removeprefix("sqlite:///")
    assert sentence == (
        f"There is no store file at {shown}; check the path, or create a store there with "
        f"`decision-inbox --store {shown} init`."
    )
    assert not Path(shown).exists()  # testing a connection creates nothing
    Path(shown).touch()  # an empty file: SQLite's empty database
    ok, sentence = connect_result(qtbot, service, sqlite_url, "ana")
    assert sentence == f"The store at {shown} is not initialised; run `decision-inbox init` first."


def test_the_embedded_store_not_created_yet(qtbot: QtBot, service: SettingsService) -> None:
    ok, sentence = connect_result(qtbot, service, "", "fred")
    assert ok
    assert sentence == (
        f"The embedded store at {service.embedded_store_path()} will be created on first use."
    )
    assert not service.profile.embedded_store.exists()


@pytest.mark.parametrize("in_url", [False, True])
def test_a_failed_connection_never_shows_the_password(
    qtbot: QtBot, service: SettingsService, in_url: bool
) -> None:
    # Port 1 on this machine refuses at once: the driver's own words come back, password-free.
    url = "postgresql://ana@127.0.0.1:1/inbox"
    if in_url:
        url = f"postgresql://ana:{PASSWORD}@127.0.0.1:1/inbox"
    ok, sentence = connect_result(qtbot, service, url, "ana", None if in_url else PASSWORD)
    assert not ok
    assert sentence.startswith("The store at postgresql://ana")
    assert PASSWORD not in sentence


# --- the keyring ----------------------------------------------------------------------------


def test_check_keyring_untrusted(
    qtbot: QtBot, service: SettingsService, memory_keyring: MemoryKeyring
) -> None:
    with qtbot.waitSignal(service.keyring_checked, timeout=WAIT_MS) as blocker:
        service.check_keyring()
    assert blocker.args == [
        False,
        f"No trusted keyring is available (found {backend_name(memory_keyring)}); Decision "
        "Inbox will ask for the password each session instead of saving it.",
    ]


def test_check_keyring_trusted(
    qtbot: QtBot, service: SettingsService, trusted: MemoryKeyring
) -> None:
    with qtbot.waitSignal(service.keyring_checked, timeout=WAIT_MS) as blocker:
        service.check_keyring()
    assert blocker.args[0] is True
    assert backend_name(trusted) in blocker.args[1]


# --- saving ---------------------------------------------------------------------------------


def test_save_writes_config_and_the_password_to_the_keyring(
    qtbot: QtBot, service: SettingsService, trusted: MemoryKeyring
) -> None:
    sentence = saved(qtbot, service, Config(store=PG_URL, user="ana"), PASSWORD)
    assert sentence == "Settings saved; the password is in the OS keyring."
    assert PASSWORD not in config_text(service)
    config = json.loads(config_text(service))
    assert (config["store"], config["user"]) == (PG_URL, "ana")
    assert trusted.passwords == {(APP_ID, ACCOUNT): PASSWORD}
    assert service.session_password(PG_URL, "ana") is None
    assert service.values().store == PG_URL


def test_a_password_typed_into_the_url_goes_to_the_keyring(
    qtbot: QtBot, service: SettingsService, trusted: MemoryKeyring
) -> None:
    url = (
        f"postgresql://ana:{PASSWORD.replace(' ', '%20')}@db.example.com/inbox?sslmode=verify-full"
    )
    saved(qtbot, service, Config(store=url, user="ana"), None)
    assert "horse" not in config_text(service)
    assert json.loads(config_text(service))["store"] == PG_URL
    assert trusted.passwords == {(APP_ID, ACCOUNT): PASSWORD}


def test_without_a_trusted_keyring_the_password_is_for_this_session_only(
    qtbot: QtBot, service: SettingsService, memory_keyring: MemoryKeyring
) -> None:
    sentence = saved(qtbot, service, Config(store=PG_URL, user="ana"), PASSWORD)
    assert sentence == "Settings saved; the password is kept for this session only."
    assert memory_keyring.passwords == {}
    assert PASSWORD not in config_text(service)
    assert service.session_password(PG_URL, "ana") == PASSWORD
    # The sync layer's own lookup finds it too.
    assert credentials.open_credentials(memory_keyring).get(ACCOUNT) == PASSWORD


def test_not_remembering_forgets_a_saved_password(
    qtbot: QtBot, service: SettingsService, trusted: MemoryKeyring
) -> None:
    trusted.passwords[(APP_ID, ACCOUNT)] = "old"
    values = Config(store=PG_URL, user="ana", remember_password=False)
    assert saved(qtbot, service, values, PASSWORD).endswith("kept for this session only.")
    assert trusted.passwords == {}
    assert service.session_password(PG_URL, "ana") == PASSWORD
    assert json.loads(config_text(service))["remember_password"] is False


def test_a_postgres_url_without_a_user_uses_the_handle(
    qtbot: QtBot, service: SettingsService, trusted: MemoryKeyring
) -> None:
    saved(qtbot, service, Config("postgresql://db.example.com/inbox", "ana"), PASSWORD)
    assert trusted.passwords == {(APP_ID, ACCOUNT): PASSWORD}
    # Written with the user name, where the command line looks for the saved password.
    assert service.values().store == "postgresql://ana@db.example.com/inbox"


def test_notification_prefs_are_saved_as_the_watcher_reads_them(
    qtbot: QtBot, service: SettingsService
) -> None:
    write_config(service, {"notifications": {"notifier": "plyer", "summary_after": 5}})
    paused = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    read = service.values()
    prefs = replace(
        read.notifications,
        muted=frozenset({"informed", "conflict"}),
        quiet_start=time(21, 0),
        quiet_end=time(7, 0),
        paused_until=paused,
    )
    saved(qtbot, service, replace(read, user="fred", notifications=prefs), None)
    config = json.loads(config_text(service))
    assert config["notifications"]["muted"] == ["conflict", "informed"]
    assert config["notifications"]["notifier"] == "plyer"  # another setting of the section stays
    assert config["notifications"]["summary_after"] == 5  # and one this version does not know
    watched = parse(config, strict=True).config.notifications
    assert (watched.quiet_start, watched.quiet_end, watched.paused_until) == (
        time(21, 0),
        time(7, 0),
        paused,
    )
    assert service.values().notifications == prefs
    assert service.values().embedded


def test_start_at_login_writes_and_removes_the_autostart_file(
    qtbot: QtBot, service: SettingsService, isolated_profile: Path
) -> None:
    import os

    autostart = Path(os.environ["XDG_CONFIG_HOME"]) / "autostart" / f"{APP_ID}.desktop"
    write_config(service, {"start_at_login": True})  # what older versions wrote
    assert service.read().warnings == ()  # known, and not read: the entry is the truth
    assert not service.starts_at_login()
    saved(qtbot, service, Config(user="fred"), None, start_at_login=True)
    entry = autostart.read_text(encoding="utf-8")
    assert entry.startswith("[Desktop Entry]\n")
    exec_line = next(line for line in entry.splitlines() if line.startswith("Exec="))
    assert exec_line.endswith("decision-inbox gui") or exec_line.endswith('decision-inbox" gui')
    assert service.starts_at_login()
    saved(qtbot, service, Config(user="fred"), None)  # None: left as it is
    assert service.starts_at_login()
    saved(qtbot, service, Config(user="fred"), None, start_at_login=False)
    assert not autostart.exists()
    assert not service.starts_at_login()
    assert "start_at_login" not in json.loads(config_text(service))


def test_an_invalid_handle_fails_and_writes_nothing(qtbot: QtBot, service: SettingsService) -> None:
    with qtbot.waitSignal(service.failed, timeout=WAIT_MS) as blocker:
        service.save(Config(user="Ana Smith"), None)
    assert str(blocker.args[0]).startswith("The handle 'Ana Smith' is not valid")
    assert not service.profile.config_file.exists()


def test_connection_to_postgres_checks_the_password_and_uses_the_saved_one(
    qtbot: QtBot, service: SettingsService, trusted: MemoryKeyring, own_pg: pg.ThrowawayCluster
) -> None:
    database = pg.create_database(own_pg.admin_url)
    make_store(pg.sqlalchemy_url(own_pg.admin_url, database=database))
    own_pg.require_password("ana", PASSWORD)
    with psycopg.connect(pg.libpq_url(own_pg.admin_url, database), autocommit=True) as conn:
        conn.execute("GRANT decision_inbox_member TO ana")
    url = f"postgresql://ana@127.0.0.1:{own_pg.port}/{database}"
    shown = f"postgresql://ana:***@127.0.0.1:{own_pg.port}/{database}"  # a password was given

    ok, sentence = connect_result(qtbot, service, url, "ana", "not-it")
    assert (ok, sentence) == (
        False,
        f"The store at {shown} did not accept the password of ana; check the password and try again.",
    )
    ok, sentence = connect_result(qtbot, service, url, "ana", PASSWORD)
    assert (ok, sentence) == (True, f"Connected to {shown} (schema v{SCHEMA_VERSION}) as ana.")
    saved(qtbot, service, Config(store=url, user="ana"), PASSWORD)
    # Nothing typed: the test uses the password saved in the keyring.
    ok, sentence = connect_result(qtbot, service, url, "ana", None)
    assert (ok, sentence) == (True, f"Connected to {shown} (schema v{SCHEMA_VERSION}) as ana.")


def test_saving_keeps_the_mutes_of_popups_that_are_not_inbox_reasons(
    qtbot: QtBot, service: SettingsService
) -> None:
    # reminder_24h is a kind of popup, not an inbox reason: the dialog has no box for it.
    write_config(
        service, {"user": "fred", "notifications": {"muted": ["informed", "reminder_24h"]}}
    )
    saved(qtbot, service, service.values(), None)
    assert json.loads(config_text(service))["notifications"]["muted"] == [
        "informed",
        "reminder_24h",
    ]
