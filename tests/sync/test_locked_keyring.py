"""A keyring that cannot be read stops only what needs a password.

A real gnome-keyring-daemon runs on a private session bus with its login keyring **locked**
(started without the login password, as after a login that did not unlock it): reading a
password from it fails, and there is no one to answer its unlock prompt. A store with trust
authentication must still work from the command line, because the keyring is asked only when
the server wants a password; a store that does want one gets one sentence naming the keyring.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from inbox.store.connection import StoreConnection
from tests import pg
from tests.sync.secret_service import (
    PrivateSecretService,
    SecretServiceError,
    SecretServiceUnavailableError,
)

pytestmark = pytest.mark.dbus

REPO = Path(__file__).resolve().parents[2]
PROBE = (
    "import keyring, sys\n"
    "try:\n"
    "    keyring.get_password('org.example.probe', 'nobody')\n"
    "except Exception as exc:\n"
    "    print(type(exc).__name__, exc)\n"
    "    sys.exit(3)\n"
)


@pytest.fixture
def locked_keyring() -> Iterator[PrivateSecretService]:
    problem: Exception | None = None
    try:
        service = PrivateSecretService().__enter__()
    except (SecretServiceUnavailableError, SecretServiceError) as exc:
        problem = exc
    if isinstance(problem, SecretServiceUnavailableError):
        pytest.skip(str(problem))
    if problem is not None:
        pytest.fail(f"Could not start a private session bus: {problem}", pytrace=False)
    try:
        # Unlocked once, so that the login keyring exists; then again without its password.
        service.start_keyring(unlock=True)
        service.stop_keyring()
        service.start_keyring(unlock=False)
        yield service
    finally:
        service.close()


def _env(service: PrivateSecretService, profile: Path) -> dict[str, str]:
    env = dict(service.env)
    env["DECISION_INBOX_PROFILE"] = str(profile)
    env.pop("PYTHON_KEYRING_BACKEND", None)  # keyring discovers the Secret Service for real
    return env


def _cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "inbox.cli", *args],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_keyring_is_really_locked(
    locked_keyring: PrivateSecretService, isolated_profile: Path
) -> None:
    """What the other tests stand on: reading any password from this keyring fails."""
    probe = subprocess.run(
        [sys.executable, "-c", PROBE],
        env=_env(locked_keyring, isolated_profile),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert probe.returncode == 3, (probe.stdout, probe.stderr)


@pytest.mark.postgres
def test_a_trust_login_works_with_a_locked_keyring(
    locked_keyring: PrivateSecretService, pg_server_url: str, isolated_profile: Path
) -> None:
    name = pg.create_database(pg_server_url)
    try:
        url = pg.libpq_url(pg_server_url, database=name)
        assert make_url(url).username and make_url(url).password is None  # trust, no password
        env = _env(locked_keyring, isolated_profile)
        created = _cli(env, "--store", url, "init")
        assert created.returncode == 0, created.stderr
        assert created.stdout.startswith("Created the store at "), created.stdout
        assert "keyring" not in created.stderr.lower(), created.stderr
        added = _cli(env, "--store", url, "team", "add", "web")
        assert added.returncode == 0, added.stderr
    finally:
        pg.drop_database(pg_server_url, name)


@pytest.mark.postgres
def test_a_password_login_with_a_locked_keyring_says_so_in_one_sentence(
    locked_keyring: PrivateSecretService, own_pg: pg.ThrowawayCluster, isolated_profile: Path
) -> None:
    own_pg.require_password("ana", "open sesame")
    url = pg.libpq_url(make_url(own_pg.admin_url).set(username="ana"))
    result = _cli(_env(locked_keyring, isolated_profile), "--store", url, "init")
    assert result.returncode == 1
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("decision-inbox: The keyring"), line
    assert "unlock" in line and "Traceback" not in result.stderr


def test_the_keyring_is_read_only_when_the_server_asks(pg_url: str) -> None:
    asked: list[int] = []

    def saved() -> str | None:
        asked.append(1)
        return None

    store = StoreConnection.open(pg_url.replace("+psycopg", ""), saved_password=saved)
    try:
        store.initialise()
        assert store.version() is not None
    finally:
        store.dispose()
    assert asked == []  # trust authentication: no password wanted, no keyring read
    assert os.environ.get("PYTHON_KEYRING_BACKEND")  # and this process never had a real one
