"""Starting the app: the real `gui` command (screenshot, no display, single instance, bad
input) and the start-up work behind it (a PostgreSQL store that wants a password)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from PySide6.QtGui import QImage

from inbox.config import Config
from inbox.config.profile import Profile
from inbox.platform import credentials
from inbox.services.bootstrap import PasswordNeededError, StartRequest, is_first_run, start
from inbox.store.connection import StoreConnection
from inbox.store.engine import parse_store_url
from inbox.store.service import StoreService
from inbox.store.urls import account_name
from tests import pg
from tests.app.child import AppProcess
from tests.app.window import seed_demo
from tests.processes import Result, cli
from tests.sentences import one_sentence


def gui(*args: str, profile: Path, env: dict[str, str] | None = None) -> Result:
    return cli(
        "--profile-dir",
        str(profile),
        *args,
        env={**os.environ, **(env or {})},
        check=False,
        timeout=120,
    )


def _colours(path: Path) -> int:
    image = QImage(str(path))
    step = 7
    return len(
        {
            image.pixel(x, y)
            for x in range(0, image.width(), step)
            for y in range(0, image.height(), step)
        }
    )


def test_screenshot_of_the_demo_with_d1_selected(tmp_path: Path) -> None:
    shot = tmp_path / "shot.png"
    done = gui(
        "--demo", "gui", "--screenshot", str(shot), "--select", "D-1", profile=tmp_path / "p"
    )
    assert done.code == 0, done.err
    assert f"Wrote {shot}" in done.out
    assert "Traceback" not in done.err and "propagateSizeHints" not in done.err
    image = QImage(str(shot))
    assert (image.width(), image.height()) == (1280, 800)
    assert _colours(shot) > 20  # text, tables and highlights, not an empty frame

    sized = tmp_path / "small.png"
    done = gui("gui", "--screenshot", str(sized), "--size", "900x640", profile=tmp_path / "p")
    assert done.code == 0, done.err
    image = QImage(str(sized))
    assert (image.width(), image.height()) == (900, 640)


@pytest.mark.parametrize(
    ("size", "words"), [("huge", "WIDTHxHEIGHT"), ("10x10", "between 200x200 and 8000x8000")]
)
def test_a_bad_size_is_one_sentence_and_exit_2(tmp_path: Path, size: str, words: str) -> None:
    done = gui("gui", "--screenshot", str(tmp_path / "s.png"), "--size", size, profile=tmp_path)
    assert done.code == 2
    one_sentence(done.err, words)


def test_an_unknown_key_to_select_still_renders_and_a_bad_folder_is_a_sentence(
    tmp_path: Path,
) -> None:
    shot = tmp_path / "shot.png"
    done = gui("--demo", "gui", "--screenshot", str(shot), "--select", "D-99", profile=tmp_path)
    assert done.code == 1, done  # the error is in the picture and on stderr
    one_sentence(done.err, "D-99")
    assert f"Wrote {shot}" in done.out
    assert shot.exists()
    done = gui("gui", "--screenshot", str(tmp_path / "no" / "such" / "s.png"), profile=tmp_path)
    assert done.code == 2 and "check the folder exists" in done.err


def test_without_a_display_the_app_renders_a_picture_and_says_so(tmp_path: Path) -> None:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
    }
    done = cli("--profile-dir", str(tmp_path), "--demo", env=env, check=False, timeout=120)
    assert done.code == 0, done.err
    assert "no display" in done.out
    assert (tmp_path / "inbox.png").exists()


def test_a_fresh_profile_without_a_display_suggests_the_demo_and_user(tmp_path: Path) -> None:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
    }
    done = cli("--profile-dir", str(tmp_path), env=env, check=False, timeout=120)
    assert done.code == 2, done
    one_sentence(done.err, "--user HANDLE", "`decision-inbox --demo`")


def test_a_second_launch_raises_the_first_and_exits(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    seed_demo(url)
    first = AppProcess(tmp_path / "profile", url, "fred")
    first.start()
    try:
        first.wait_until_claimed()  # else the second may claim the profile before the first
        second = cli(*first.args, "gui", env=first.env, check=False)
        assert second.code == 0, second.err
        assert "brought its window forward" in second.out
        assert first.alive()
    finally:
        assert first.stop() == 0


def test_first_run_is_nothing_configured_and_no_embedded_store(tmp_path: Path) -> None:
    profile = Profile.locate(str(tmp_path))
    assert is_first_run(profile, None, None)
    assert not is_first_run(profile, "other.sqlite", None)
    assert not is_first_run(profile, None, "fred")
    profile.save(Config(user="fred"))
    assert not is_first_run(profile, None, None)


# --- a PostgreSQL store that wants a password -------------------------------------------------

PASSWORD = "correct-horse-battery"


@pytest.fixture
def password_url(own_pg: pg.ThrowawayCluster) -> Iterator[str]:
    """A store on a cluster where the login ``pwuser`` must give its password; the URL has none."""
    own_pg.require_password("pwuser", PASSWORD)
    with psycopg.connect(pg.libpq_url(own_pg.admin_url), autocommit=True) as conn:
        conn.execute("ALTER ROLE pwuser SUPERUSER")
    database = pg.create_database(own_pg.admin_url)
    admin = StoreConnection.open(pg.sqlalchemy_url(own_pg.admin_url, database=database))
    try:
        admin.initialise()
        StoreService(admin).add_person("pwuser", name="PW User")
    finally:
        admin.dispose()
    yield f"postgresql://pwuser@127.0.0.1:{own_pg.port}/{database}"


def test_a_password_nobody_saved_is_asked_for_then_used(password_url: str, tmp_path: Path) -> None:
    request = StartRequest(Profile.locate(str(tmp_path)), store=password_url)
    with pytest.raises(PasswordNeededError) as asked:
        start(request)
    assert asked.value.user == "pwuser" and PASSWORD not in asked.value.message
    started = start(StartRequest(request.profile, store=password_url, password=PASSWORD))
    try:
        assert started.client.user == "pwuser"
    finally:
        started.client.close()
        started.client.store.dispose()


class _LockedKeyring:
    """A keyring that can be read by nobody, as a locked one with no one to unlock it; counts
    how often it was asked."""

    backend_name = "locked"

    def __init__(self) -> None:
        self.asked = 0

    def available(self) -> bool:
        return True

    def get(self, account: str) -> str | None:
        self.asked += 1
        raise credentials.KeyringLockedError()


@pytest.mark.expect_log("inbox.services.bootstrap", "WARNING")
def test_a_locked_keyring_means_asking_for_the_password(
    password_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    locked = _LockedKeyring()
    monkeypatch.setattr(credentials, "open_credentials", lambda: locked)
    request = StartRequest(Profile.locate(str(tmp_path)), store=password_url)
    with pytest.raises(PasswordNeededError):  # not the keyring's error: the app asks instead
        start(request)
    assert locked.asked >= 1
    started = start(StartRequest(request.profile, store=password_url, password=PASSWORD))
    try:
        assert started.client.user == "pwuser"
    finally:
        started.client.close()
        started.client.store.dispose()


def test_a_trust_login_never_reads_the_keyring(
    own_pg: pg.ThrowawayCluster, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    database = pg.create_database(own_pg.admin_url)
    url = pg.libpq_url(own_pg.admin_url, database=database)  # postgres, trust, no password
    admin = StoreConnection.open(url)
    try:
        admin.initialise()
        StoreService(admin).add_person("postgres", name="Admin")
    finally:
        admin.dispose()
    locked = _LockedKeyring()
    monkeypatch.setattr(credentials, "open_credentials", lambda: locked)
    started = start(StartRequest(Profile.locate(str(tmp_path)), store=url))
    try:
        assert started.client.user == "postgres"
    finally:
        started.client.close()
        started.client.store.dispose()
    assert locked.asked == 0


def test_a_password_in_the_keyring_needs_no_asking(password_url: str, tmp_path: Path) -> None:
    url = parse_store_url(password_url)
    credentials.open_credentials().set(account_name("pwuser", url), PASSWORD)
    started = start(StartRequest(Profile.locate(str(tmp_path)), store=password_url))
    try:
        assert started.client.user == "pwuser"
    finally:
        started.client.close()
        started.client.store.dispose()
