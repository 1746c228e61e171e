"""Passwords in the OS keyring (inbox/platform/credentials.py).

Unit tests use fake backends built here; the ``dbus`` tests run the real Secret Service
(gnome-keyring on a private session bus, tests/sync/secret_service.py) in child processes.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import keyring.backend
import keyring.backends.fail
import keyring.backends.null
import keyring.errors
import pytest
from keyring.backend import KeyringBackend
from keyring.backends.chainer import ChainerBackend

from inbox import APP_ID
from inbox.core.errors import InboxError
from inbox.platform import credentials
from inbox.platform.credentials import (
    CredentialStore,
    KeyringError,
    KeyringLockedError,
    NoTrustedKeyringError,
    SessionPasswords,
    backend_name,
    open_credentials,
    session_password_fallback,
)
from inbox.store.urls import account_name
from tests.memory_keyring import MemoryKeyring
from tests.sync.secret_service import (
    PrivateSecretService,
    SecretServiceError,
)

REPO = Path(__file__).resolve().parents[2]
PASSWORD = "correct horse battery staple 9f3c"
ACCOUNT = "ana@postgresql://db.example.org:5432/inbox"


# --- fake backends ----------------------------------------------------------------------------


class DictKeyring(MemoryKeyring):
    """A fake backend keeping passwords in a dict; trusted only where a test says so."""


class PlaintextKeyring(DictKeyring):
    """Named like keyrings.alt's plaintext file backend, which keyring picks silently."""

    __module__ = "keyrings.alt.file"


class LockedKeyring(DictKeyring):
    """Mimics the Secret Service when the unlock prompt is dismissed."""

    def get_password(self, service: str, username: str) -> str | None:
        raise keyring.errors.KeyringLocked("Failed to unlock the collection!")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise keyring.errors.KeyringLocked("Failed to unlock the collection!")

    def delete_password(self, service: str, username: str) -> None:
        raise keyring.errors.KeyringLocked("Failed to unlock the collection!")


class TattlingKeyring(DictKeyring):
    """A backend whose errors quote the password, as a careless one might."""

    def set_password(self, service: str, username: str, password: str) -> None:
        raise keyring.errors.PasswordSetError(f"cannot store {password!r} for {username}")


class BrokenTransportKeyring(DictKeyring):
    """A backend that lets its transport's own exception through (jeepney, pywin32, …)."""

    def get_password(self, service: str, username: str) -> str | None:
        raise ConnectionResetError("Connection reset by peer")


TRUSTED_FAKES = frozenset(
    {backend_name(DictKeyring), backend_name(LockedKeyring), backend_name(TattlingKeyring)}
    | {backend_name(BrokenTransportKeyring)}
)


def trusted_store(backend: KeyringBackend) -> CredentialStore:
    return CredentialStore(backend, trusted=credentials.TRUSTED_BACKENDS | TRUSTED_FAKES)


def assert_no_password(caplog: pytest.LogCaptureFixture, *texts: str) -> None:
    for text in (caplog.text, *texts):
        assert PASSWORD not in text


@pytest.fixture(autouse=True)
def debug_logs(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)


# --- the trusted path ---------------------------------------------------------------------------


def test_round_trip_on_a_trusted_backend(caplog: pytest.LogCaptureFixture) -> None:
    backend = DictKeyring()
    store = trusted_store(backend)
    assert store.available()
    assert store.get(ACCOUNT) is None

    store.set(ACCOUNT, PASSWORD)
    assert backend.passwords == {(APP_ID, ACCOUNT): PASSWORD}  # service = the app id
    assert store.get(ACCOUNT) == PASSWORD
    store.set(ACCOUNT, "another")
    assert store.get(ACCOUNT) == "another"

    store.delete(ACCOUNT)
    assert store.get(ACCOUNT) is None
    store.delete(ACCOUNT)  # nothing to forget is not an error
    assert "keyring: save the password for" in caplog.text
    assert_no_password(caplog)


def test_default_backend_and_the_module_level_allowlist_hook(
    memory_keyring: KeyringBackend, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The suite's autouse in-memory keyring is what keyring.get_keyring() returns; it is on no
    # allowlist until a test declares it trusted through TRUSTED_BACKENDS.
    assert not CredentialStore().available()
    assert CredentialStore().backend is memory_keyring
    monkeypatch.setattr(
        credentials,
        "TRUSTED_BACKENDS",
        credentials.TRUSTED_BACKENDS | {backend_name(memory_keyring)},
    )
    store = CredentialStore()
    assert store.available()
    store.set(ACCOUNT, PASSWORD)
    assert CredentialStore().get(ACCOUNT) == PASSWORD


def test_the_allowlist_names_real_keyring_classes() -> None:
    import keyring.backends.kwallet
    import keyring.backends.libsecret
    import keyring.backends.macOS
    import keyring.backends.SecretService
    import keyring.backends.Windows

    assert {
        backend_name(keyring.backends.macOS.Keyring),
        backend_name(keyring.backends.SecretService.Keyring),
        backend_name(keyring.backends.libsecret.Keyring),
        backend_name(keyring.backends.kwallet.DBusKeyring),
        backend_name(keyring.backends.kwallet.DBusKeyringKWallet4),
        backend_name(keyring.backends.Windows.WinVaultKeyring),
    } == credentials.TRUSTED_BACKENDS


def test_a_subclass_of_a_trusted_backend_is_not_trusted() -> None:
    class Lookalike(DictKeyring):
        pass

    assert not trusted_store(Lookalike()).available()


# --- refusals -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("backend", "found"),
    [
        pytest.param(PlaintextKeyring(), "keyrings.alt.file.PlaintextKeyring", id="plaintext"),
        pytest.param(keyring.backends.fail.Keyring(), "keyring.backends.fail.Keyring", id="fail"),
        pytest.param(keyring.backends.null.Keyring(), "keyring.backends.null.Keyring", id="null"),
    ],
)
def test_untrusted_backends_are_refused_with_a_sentence(
    backend: KeyringBackend, found: str, caplog: pytest.LogCaptureFixture
) -> None:
    store = trusted_store(backend)
    assert not store.available()
    expected = (
        f"No trusted keyring is available (found {found}); Decision Inbox will ask for the "
        "password each session instead of saving it."
    )
    for call in (
        lambda: store.set(ACCOUNT, PASSWORD),
        lambda: store.get(ACCOUNT),
        lambda: store.delete(ACCOUNT),
    ):
        with pytest.raises(NoTrustedKeyringError) as info:
            call()
        assert str(info.value) == expected
        assert isinstance(info.value, InboxError)
        assert_no_password(caplog, str(info.value), repr(info.value))
    if isinstance(backend, PlaintextKeyring):
        assert backend.passwords == {}  # nothing was written to it


def chainer_of(monkeypatch: pytest.MonkeyPatch, *backends: KeyringBackend) -> ChainerBackend:
    # ChainerBackend chains whatever keyring.backend.get_all_keyring() discovers.
    monkeypatch.setattr(keyring.backend, "get_all_keyring", lambda: list(backends))
    chainer = ChainerBackend()
    assert list(chainer.backends) == list(backends)
    return chainer


def test_a_chainer_with_an_untrusted_backend_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    trusted, plaintext = DictKeyring(), PlaintextKeyring()
    store = trusted_store(chainer_of(monkeypatch, trusted, plaintext))
    assert not store.available()
    with pytest.raises(
        NoTrustedKeyringError, match=r"found keyrings\.alt\.file\.PlaintextKeyring\)"
    ):
        store.set(ACCOUNT, PASSWORD)
    assert trusted.passwords == plaintext.passwords == {}


def test_a_chainer_of_trusted_backends_is_trusted(monkeypatch: pytest.MonkeyPatch) -> None:
    first, second = DictKeyring(), DictKeyring()
    store = trusted_store(chainer_of(monkeypatch, first, second))
    assert store.available()
    store.set(ACCOUNT, PASSWORD)
    assert first.passwords == {(APP_ID, ACCOUNT): PASSWORD}
    assert store.get(ACCOUNT) == PASSWORD
    store.delete(ACCOUNT)
    assert store.get(ACCOUNT) is None


def test_a_chainer_of_nothing_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    store = trusted_store(chainer_of(monkeypatch))
    with pytest.raises(NoTrustedKeyringError, match="ChainerBackend chaining no backend"):
        store.get(ACCOUNT)


# --- keyring errors -----------------------------------------------------------------------------


def test_a_locked_keyring_has_its_own_sentence(caplog: pytest.LogCaptureFixture) -> None:
    store = trusted_store(LockedKeyring())
    for call in (
        lambda: store.set(ACCOUNT, PASSWORD),
        lambda: store.get(ACCOUNT),
        lambda: store.delete(ACCOUNT),
    ):
        with pytest.raises(KeyringLockedError) as info:
            call()
        assert str(info.value) == (
            "The keyring is locked; unlock it (log in to your desktop session) and try again."
        )
        assert isinstance(info.value, KeyringError)
        assert_no_password(caplog, str(info.value))


def test_other_keyring_errors_become_one_sentence_without_the_password(
    caplog: pytest.LogCaptureFixture,
) -> None:
    store = trusted_store(TattlingKeyring())
    with pytest.raises(KeyringError) as info:
        store.set(ACCOUNT, PASSWORD)
    message = str(info.value)
    assert message == (
        f"The keyring could not save the password for {ACCOUNT} (cannot store '***' for "
        f"{ACCOUNT}); check that the desktop keyring is running and unlocked, then try again."
    )
    assert type(info.value) is KeyringError
    assert info.value.__suppress_context__  # the original (quoting the password) stays hidden
    assert_no_password(caplog, message, repr(info.value), repr(info.value.args))


def test_a_transport_exception_becomes_a_keyring_error() -> None:
    store = trusted_store(BrokenTransportKeyring())
    with pytest.raises(KeyringError, match=r"could not read the password .* \(Connection reset"):
        store.get(ACCOUNT)


def test_an_empty_account_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="must not be empty"):
        trusted_store(DictKeyring()).set("", PASSWORD)


# --- account names --------------------------------------------------------------------------------


def test_account_names_are_stable_and_hold_no_password() -> None:
    with_secrets = (
        f"postgresql://ana:{PASSWORD.replace(' ', '%20')}@db.example.org:5432/inbox"
        f"?sslmode=verify-full&password=x{PASSWORD.replace(' ', '%20')}"
    )
    assert account_name("ana", with_secrets) == ACCOUNT
    assert account_name("ana", "postgresql://db.example.org:5432/inbox") == ACCOUNT
    assert account_name(" ana ", "postgres://someone@db.example.org:5432/inbox") == ACCOUNT
    assert account_name("fred", "postgresql://db.example.org:5432/inbox") != ACCOUNT


def test_account_name_for_a_sqlite_store(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite"
    assert account_name("ana", str(path)) == f"ana@sqlite:///{path.resolve()}"


# --- the per-session fallback -----------------------------------------------------------------------


def test_session_fallback_is_one_in_memory_store_per_process() -> None:
    store = session_password_fallback()
    assert store is session_password_fallback()
    assert isinstance(store, SessionPasswords)
    assert store.available()
    try:
        assert store.get(ACCOUNT) is None
        store.set(ACCOUNT, PASSWORD)
        assert session_password_fallback().get(ACCOUNT) == PASSWORD
        assert PASSWORD not in repr(store)
    finally:
        store.delete(ACCOUNT)
    assert store.get(ACCOUNT) is None
    store.delete(ACCOUNT)


def test_open_credentials_falls_back_to_the_session_without_a_trusted_keyring(
    caplog: pytest.LogCaptureFixture,
) -> None:
    assert open_credentials(PlaintextKeyring()) is session_password_fallback()
    assert "No trusted keyring is available (found keyrings.alt.file.PlaintextKeyring)" in (
        caplog.text
    )


def test_open_credentials_uses_a_trusted_keyring(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(credentials, "TRUSTED_BACKENDS", TRUSTED_FAKES)
    backend = DictKeyring()
    store = open_credentials(backend)
    assert isinstance(store, CredentialStore)
    assert store.backend is backend


# --- the real Secret Service (gnome-keyring on a private session bus) -----------------------------

# Run in a child process with the private bus's environment. The password comes on stdin, never
# on the command line (a process list shows arguments).
CHILD = """
import json, sys
from inbox.core.errors import InboxError
from inbox.platform.credentials import CredentialStore

action, account = sys.argv[1], sys.argv[2]
store = CredentialStore()
result = {"backend": store.backend_name, "available": store.available()}
try:
    if action == "set":
        store.set(account, sys.stdin.read())
    elif action == "get":
        result["password"] = store.get(account)
    elif action == "delete":
        store.delete(account)
except InboxError as exc:
    result["error"] = type(exc).__name__
    result["message"] = str(exc)
print(json.dumps(result))
"""

SECRET_SERVICE = "keyring.backends.SecretService.Keyring"


def run_child(
    service: PrivateSecretService, action: str, account: str, stdin: str = ""
) -> dict[str, Any]:
    env = dict(service.env)
    assert "PYTHON_KEYRING_BACKEND" not in env  # keyring must discover the Secret Service itself
    result = subprocess.run(
        [sys.executable, "-c", CHILD, action, account],
        input=stdin,
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert PASSWORD not in result.stderr
    output: dict[str, Any] = json.loads(result.stdout)
    return output


@pytest.mark.dbus
def test_secret_service_keeps_a_password_across_processes(
    secret_service: PrivateSecretService,
) -> None:
    # This process keeps the suite's in-memory keyring; only the children talk to the daemon.
    assert os.environ.get("PYTHON_KEYRING_BACKEND") == "keyring.backends.fail.Keyring"

    saved = run_child(secret_service, "set", ACCOUNT, stdin=PASSWORD)
    assert saved == {"backend": SECRET_SERVICE, "available": True}
    # The daemon wrote its keyring files under the temporary XDG_DATA_HOME, not the real one.
    assert any(secret_service.keyring_dir.glob("*.keyring"))

    read = run_child(secret_service, "get", ACCOUNT)
    assert read == {"backend": SECRET_SERVICE, "available": True, "password": PASSWORD}
    assert run_child(secret_service, "get", "fred@" + ACCOUNT.split("@", 1)[1])["password"] is None

    assert run_child(secret_service, "delete", ACCOUNT) == {
        "backend": SECRET_SERVICE,
        "available": True,
    }
    assert run_child(secret_service, "get", ACCOUNT)["password"] is None
    assert "error" not in run_child(secret_service, "delete", ACCOUNT)  # already gone: no error


@pytest.mark.dbus
def test_secret_service_locked_keyring_gives_its_sentence(
    private_bus: PrivateSecretService,
) -> None:
    # Create the login keyring unlocked, then restart the daemon without --unlock: the keyring
    # is locked, and unlocking it needs a GUI prompt that does not exist here.
    try:
        private_bus.start_keyring(unlock=True)
        assert "error" not in run_child(private_bus, "set", ACCOUNT, stdin=PASSWORD)
        private_bus.stop_keyring()
        private_bus.start_keyring(unlock=False)
    except SecretServiceError as exc:
        pytest.fail(f"Could not restart gnome-keyring-daemon: {exc}", pytrace=False)

    for action in ("get", "set"):
        result = run_child(private_bus, action, ACCOUNT, stdin=PASSWORD)
        assert result["backend"] == SECRET_SERVICE
        assert result["error"] == "KeyringLockedError", result
        assert result["message"] == (
            "The keyring is locked; unlock it (log in to your desktop session) and try again."
        )
