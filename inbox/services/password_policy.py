"""Where a store's password is kept: the OS keyring when a trusted one exists and the person
wants it remembered, otherwise this process's memory for this session only
(``credentials.session_password_fallback``, where the sync layer's ``open_credentials`` finds it
too). config.json never gets one.

**Worker threads only** for everything but :meth:`PasswordPolicy.session_password`: each
keyring call may block for seconds."""

from __future__ import annotations

from keyring.backend import KeyringBackend

from inbox.platform import credentials
from inbox.store import urls

Answer = tuple[bool, str]


class PasswordPolicy:
    def __init__(self, keyring_backend: KeyringBackend | None = None) -> None:
        """``keyring_backend`` defaults to ``keyring.get_keyring()``."""
        self._keyring_backend = keyring_backend

    def _keyring(self) -> credentials.CredentialStore:
        return credentials.CredentialStore(self._keyring_backend)

    def session_password(self, url: str, user: str) -> str | None:
        """The password kept in memory for this session (no trusted keyring), or None; cheap."""
        account = urls.account(url, user)
        return credentials.session_password_fallback().get(account) if account else None

    def saved_password(self, url: str, user: str) -> str | None:
        """The password saved for this store (keyring, or this session), when none is typed."""
        account = urls.account(url, user)
        if account is None or not urls.is_postgres(url):
            return None
        keyring = self._keyring()
        if keyring.available():
            return keyring.get(account)
        return credentials.session_password_fallback().get(account)

    def check(self) -> Answer:
        """Whether a trusted keyring keeps passwords, and the sentence that says so."""
        keyring = self._keyring()
        if keyring.available():
            return True, f"Passwords are saved in the OS keyring ({keyring.backend_name})."
        return False, credentials.NoTrustedKeyringError(", ".join(keyring.untrusted)).message

    def keep(self, url: str, user: str, password: str | None, *, remember: bool) -> str:
        """Keep ``password`` for ``user`` on the store at ``url`` where it belongs; return what
        to add to the "saved" sentence."""
        if not url:
            return ""  # the embedded SQLite store has no password
        account = urls.account(url, user)
        if account is None or not urls.is_postgres(url):
            return ""
        keyring = self._keyring()
        session = credentials.session_password_fallback()
        if keyring.available() and remember:
            if password:
                keyring.set(account, password)
                session.delete(account)
                return "; the password is in the OS keyring"
            return ""
        if keyring.available():
            keyring.delete(account)  # asked not to remember it: forget what was remembered
        if password:
            session.set(account, password)
            return "; the password is kept for this session only"
        return ""
