"""Passwords for a store, kept in the OS keyring only
(docs/decisions/0008-never-a-plaintext-keyring.md).

**Worker threads only.** Every keyring call may block for seconds (a D-Bus round trip, an unlock
prompt, a busy Keychain), so call this module from a worker thread, never from the GUI thread.
It imports no Qt.

Only backends on an allowlist of trusted keyrings are used (macOS Keychain, Secret Service,
KWallet, Windows Credential Locker). ``keyring`` silently picks a plaintext file backend when
``keyrings.alt`` is installed; that one, and the ``fail`` and ``null`` backends, are refused with
a sentence. With no trusted keyring, callers ask for the password once per session and keep it
in memory only (:func:`session_password_fallback`; :func:`open_credentials` chooses).

The password never appears in a message, a log line or an exception; callers name accounts
from a redacted store URL (``inbox.store.urls.account_name``), so this module takes a plain
string and knows nothing of URLs or the store.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Collection
from functools import cached_property
from typing import Protocol, TypeVar

import keyring
import keyring.errors
from keyring.backend import KeyringBackend
from keyring.backends.chainer import ChainerBackend

from inbox import APP_ID
from inbox.core.errors import InboxError
from inbox.core.threads import check_off_gui_thread

log = logging.getLogger(__name__)

SERVICE = APP_ID
"""The keyring's service name for every password Decision Inbox saves."""

TRUSTED_BACKENDS: frozenset[str] = frozenset(
    {
        "keyring.backends.macOS.Keyring",  # macOS Keychain
        "keyring.backends.SecretService.Keyring",  # Secret Service (GNOME Keyring, KeePassXC, …)
        "keyring.backends.libsecret.Keyring",  # the same Secret Service, through libsecret
        "keyring.backends.kwallet.DBusKeyring",  # KWallet 5/6
        "keyring.backends.kwallet.DBusKeyringKWallet4",  # KWallet 4
        "keyring.backends.Windows.WinVaultKeyring",  # Windows Credential Locker
    }
)
"""Backend classes trusted to keep a password, by ``module.QualifiedName``; exact classes only,
not subclasses. Read when a :class:`CredentialStore` first checks its backend, so a test may
replace it (``monkeypatch.setattr``) to declare an in-memory backend trusted. A
:class:`~keyring.backends.chainer.ChainerBackend` is trusted only when every backend it chains
is."""

_T = TypeVar("_T")


class KeyringError(InboxError):
    """The keyring failed; the message is one sentence and never holds the password."""


class NoTrustedKeyringError(KeyringError):
    """Only an untrusted keyring backend (plaintext, fail, null, unknown) is available."""

    def __init__(self, found: str) -> None:
        super().__init__(
            f"No trusted keyring is available (found {found}); Decision Inbox will ask for the "
            "password each session instead of saving it."
        )
        self.found = found


class KeyringLockedError(KeyringError):
    """The keyring is locked and could not be unlocked (``keyring.errors.KeyringLocked``)."""

    def __init__(self) -> None:
        super().__init__(
            "The keyring is locked; unlock it (log in to your desktop session) and try again."
        )


class Credentials(Protocol):
    """What callers use: a :class:`CredentialStore` or the per-session fallback."""

    @property
    def backend_name(self) -> str: ...

    def available(self) -> bool: ...

    def get(self, account: str) -> str | None: ...

    def set(self, account: str, password: str) -> None: ...

    def delete(self, account: str) -> None: ...


def backend_name(backend: KeyringBackend | type[KeyringBackend]) -> str:
    """``module.QualifiedName`` of a backend or backend class, as :data:`TRUSTED_BACKENDS` has."""
    cls = backend if isinstance(backend, type) else type(backend)
    return f"{cls.__module__}.{cls.__qualname__}"


def untrusted_backends(
    backend: KeyringBackend, trusted: Collection[str] | None = None
) -> list[str]:
    """Names of what is not trusted in ``backend`` (itself, or what a chainer chains); empty
    when the backend may keep a password. ``trusted`` replaces :data:`TRUSTED_BACKENDS`."""
    allowed = TRUSTED_BACKENDS if trusted is None else trusted
    name = backend_name(backend)
    if type(backend) is ChainerBackend:
        chained: list[KeyringBackend] = list(backend.backends)
        if not chained:
            return [f"{name} chaining no backend"]
        return [n for n in map(backend_name, chained) if n not in allowed]
    return [] if name in allowed else [name]


def _scrub(text: str, secret: str | None) -> str:
    """``text`` with ``secret`` masked, for a backend's message that might quote it."""
    return text.replace(secret, "***") if secret else text


class CredentialStore:
    """Passwords in the OS keyring, under :data:`SERVICE`, one per account.

    ``backend`` defaults to ``keyring.get_keyring()``; ``trusted`` replaces the allowlist
    :data:`TRUSTED_BACKENDS` (tests declare their in-memory backend trusted with it). Worker
    threads only: each call may block.
    """

    def __init__(
        self, backend: KeyringBackend | None = None, *, trusted: Collection[str] | None = None
    ) -> None:
        self._backend = keyring.get_keyring() if backend is None else backend
        self._trusted = trusted

    @property
    def backend(self) -> KeyringBackend:
        return self._backend

    @property
    def backend_name(self) -> str:
        """The backend class that holds the passwords, to remember beside the account."""
        return backend_name(self._backend)

    @cached_property
    def untrusted(self) -> list[str]:
        """What is not trusted in the backend (see :func:`untrusted_backends`); empty when it
        may keep a password. Checked once: a chainer's backends are probed over D-Bus."""
        return untrusted_backends(self._backend, self._trusted)

    def available(self) -> bool:
        """Whether the backend is trusted to keep a password."""
        return not self.untrusted

    def get(self, account: str) -> str | None:
        """The saved password for ``account``, or None when none is saved."""
        return self._call(
            "read", account, None, lambda: self._backend.get_password(SERVICE, account)
        )

    def set(self, account: str, password: str) -> None:
        """Save ``password`` for ``account``, replacing any saved one."""
        self._call(
            "save",
            account,
            password,
            lambda: self._backend.set_password(SERVICE, account, password),
        )

    def delete(self, account: str) -> None:
        """Forget the password for ``account``; nothing to forget is not an error."""

        def forget() -> None:
            try:
                self._backend.delete_password(SERVICE, account)
            except keyring.errors.PasswordDeleteError:
                # Backends say "no such password" this way; only a password that is still there
                # after the failed delete is a failure.
                if self._backend.get_password(SERVICE, account) is not None:
                    raise

        self._call("delete", account, None, forget)

    def _call(self, verb: str, account: str, secret: str | None, call: Callable[[], _T]) -> _T:
        check_off_gui_thread(f"a keyring {verb}")
        if not account:
            raise ValueError("A keyring account name must not be empty.")
        if self.untrusted:
            raise NoTrustedKeyringError(", ".join(self.untrusted))
        log.debug("keyring: %s the password for %s in %s", verb, account, self.backend_name)
        try:
            return call()
        except keyring.errors.KeyringLocked:
            log.info("keyring: %s is locked", self.backend_name)
            raise KeyringLockedError() from None
        # A boundary to an OS service: besides keyring's own errors, backends let their transport's
        # exceptions through (jeepney and secretstorage on Linux, pywin32 on Windows). Each one
        # becomes one sentence; the message names the exception, scrubbed of the password.
        except Exception as exc:
            reason = _scrub(str(exc).strip().rstrip(".") or type(exc).__name__, secret)
            log.info(
                "keyring: could not %s the password for %s (%s)",
                verb,
                account,
                type(exc).__name__,
            )
            # `from None` hides the original from tracebacks (it could quote the password); it
            # stays reachable as __context__ for callers that need its type.
            raise KeyringError(
                f"The keyring could not {verb} the password for {account} ({reason}); check that "
                "the desktop keyring is running and unlocked, then try again."
            ) from None


class SessionPasswords:
    """Passwords in this process's memory only, for when no trusted keyring exists: ask once per
    session, forget at exit. Same API as :class:`CredentialStore`; safe across threads."""

    backend_name = "memory (this session only)"

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._passwords: dict[str, str] = {}

    def __repr__(self) -> str:
        return f"<SessionPasswords for {len(self._passwords)} account(s)>"

    def available(self) -> bool:
        return True

    def get(self, account: str) -> str | None:
        with self._lock:
            return self._passwords.get(account)

    def set(self, account: str, password: str) -> None:
        if not account:
            raise ValueError("A keyring account name must not be empty.")
        with self._lock:
            self._passwords[account] = password

    def delete(self, account: str) -> None:
        with self._lock:
            self._passwords.pop(account, None)


_SESSION = SessionPasswords()


def session_password_fallback() -> SessionPasswords:
    """This process's in-memory password store (the same one on every call)."""
    return _SESSION


def open_credentials(backend: KeyringBackend | None = None) -> Credentials:
    """The OS keyring when it is trusted, else this session's memory (and a log line saying so).

    Callers that want to tell the person why passwords are not saved check
    ``isinstance(result, SessionPasswords)`` or build a :class:`CredentialStore` themselves.
    """
    store = CredentialStore(backend)
    if store.available():
        return store
    log.info("%s", NoTrustedKeyringError(", ".join(store.untrusted)))
    return session_password_fallback()
