"""SettingsService: reading and saving the person's settings, testing a store, the keyring.

``values``, ``tls_warning``, ``url_problem``, ``shown_url``, ``embedded_store_path`` and
``session_password`` are cheap (config.json, string work, memory) and run on the caller's
thread. ``test_connection``, ``check_keyring`` and ``save`` touch the network, the keyring or the
store, so they run on a one-worker executor (a plain Python thread, as SyncService explains) and
answer with signals that Qt queues to the GUI thread.

Passwords: config.json never gets one. ``save`` puts it in the OS keyring when a trusted one
exists and the person wants it remembered; otherwise in this process's memory
(``credentials.session_password_fallback``), where the sync layer's ``open_credentials`` finds it
too, for this session only.
"""

from __future__ import annotations

import logging
import os
import shlex
import shutil
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

from keyring.backend import KeyringBackend
from PySide6.QtCore import QObject, Signal, SignalInstance
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from inbox import APP_ID
from inbox.config.profile import Profile
from inbox.core.errors import InboxError, UsageError
from inbox.core.lifecycle import check_handle
from inbox.core.settings import AppSettings, config_values, settings_from_config
from inbox.store import engine as store_engine
from inbox.store.connection import StoreConnection
from inbox.store.models import PersonRow
from inbox.sync import credentials

log = logging.getLogger(__name__)

AUTOSTART_COMMAND = "decision-inbox gui"
Answer = tuple[bool, str]


class SettingsService(QObject):
    connection_tested = Signal(bool, str)  # ok, the sentence to show
    keyring_checked = Signal(bool, str)  # trusted, the sentence to show
    saved = Signal(str)
    failed = Signal(str)

    def __init__(
        self,
        profile: Profile | None = None,
        *,
        keyring_backend: KeyringBackend | None = None,
        autostart_dir: Path | None = None,
        parent: QObject | None = None,
    ) -> None:
        """``keyring_backend`` defaults to ``keyring.get_keyring()``; ``autostart_dir`` to
        ``$XDG_CONFIG_HOME/autostart`` (``~/.config/autostart``)."""
        super().__init__(parent)
        self.profile = profile or Profile.locate()
        self._keyring_backend = keyring_backend
        self._autostart_dir = autostart_dir
        self._tasks = ThreadPoolExecutor(max_workers=1, thread_name_prefix="inbox-settings")

    def shutdown(self) -> None:
        """Wait for the running task and stop the worker; signals already queued still arrive."""
        self._tasks.shutdown(wait=True)

    # -- cheap, on the caller's thread -----------------------------------------------------------

    def values(self) -> AppSettings:
        """The saved settings; raises ``UsageError`` when config.json is not readable JSON."""
        return settings_from_config(
            self.profile.load(), start_at_login=self.autostart_file.exists()
        )

    def embedded_store_path(self) -> str:
        return str(self.profile.embedded_store)

    def tls_warning(self, url: str) -> str | None:
        """The sentence warning that a remote PostgreSQL store is reached without TLS."""
        if not url.strip():
            return None
        try:
            return store_engine.tls_warning(url)
        except InboxError:
            return None  # url_problem says what is wrong with it

    def url_problem(self, url: str) -> str | None:
        """Why ``url`` cannot be a store URL, as one sentence, or None ("" is the embedded one)."""
        if not url.strip():
            return None
        try:
            store_engine.parse_store_url(url)
        except InboxError as exc:
            return exc.message
        return None

    def shown_url(self, url: str) -> str:
        """``url`` as it may be shown: never with a password (the embedded store: its path)."""
        if not url.strip():
            return self.embedded_store_path()
        try:
            return store_engine.redact(store_engine.parse_store_url(url))
        except InboxError:
            return store_engine.redact(url)

    def session_password(self, url: str, user: str) -> str | None:
        """The password kept in memory for this session (no trusted keyring), or None."""
        account = _account(url, user)
        return credentials.session_password_fallback().get(account) if account else None

    @property
    def autostart_file(self) -> Path:
        folder = self._autostart_dir or _xdg_config_home() / "autostart"
        return folder / f"{APP_ID}.desktop"

    # -- on the worker thread, answered by signals ------------------------------------------------

    def test_connection(self, url: str, user: str, password: str | None) -> None:
        """Open the store, check its schema and that ``user`` is a person in it, close it."""
        bare, in_url = _without_password(url)
        secret = password or in_url
        self._tasks.submit(
            self._answer,
            self.connection_tested,
            (password, in_url),
            lambda: self._test(bare, user, secret),
        )

    def check_keyring(self) -> None:
        self._tasks.submit(self._answer, self.keyring_checked, (), self._check_keyring)

    def save(self, values: AppSettings, password: str | None) -> None:
        self._tasks.submit(self._save_guarded, values, password)

    def _answer(
        self, signal: SignalInstance, secrets: tuple[str | None, ...], work: Callable[[], Answer]
    ) -> None:
        try:
            ok, sentence = work()
        except InboxError as exc:
            ok, sentence = False, exc.message
        except Exception as exc:  # a boundary: the worker must always answer
            log.exception("settings task failed")
            ok, sentence = (
                False,
                f"Something unexpected failed ({type(exc).__name__}); see the log.",
            )
        for secret in secrets:
            sentence = _scrub(sentence, secret)
        signal.emit(ok, sentence)

    def _test(self, url: str, user: str, password: str | None) -> tuple[bool, str]:
        if not url.strip():
            path = self.profile.embedded_store
            if not path.exists():
                return True, f"The embedded store at {path} will be created on first use."
            url = str(path)
        url = _with_user(url, user)
        store = StoreConnection.open(url, password=password or self._saved_password(url, user))
        try:
            version = store.version()
            with store.read() as session:  # checks the schema version, with its own sentence
                known = user.strip() and session.get(PersonRow, user.strip()) is not None
        finally:
            store.dispose()
        if not user.strip():
            return True, f"Connected to {store.shown_url} (schema v{version})."
        if not known:
            return False, (
                f"The store at {store.shown_url} has no person {user.strip()!r}; check the handle, "
                f'or ask its admin to run `decision-inbox person add {user.strip()} --name "…"`.'
            )
        return True, f"Connected to {store.shown_url} (schema v{version}) as {user.strip()}."

    def _keyring(self) -> credentials.CredentialStore:
        return credentials.CredentialStore(self._keyring_backend)

    def _saved_password(self, url: str, user: str) -> str | None:
        """The password saved for this store (keyring, or this session), when none is typed."""
        account = _account(url, user)
        if account is None or store_engine.parse_store_url(url).get_backend_name() != "postgresql":
            return None
        keyring = self._keyring()
        if keyring.available():
            return keyring.get(account)
        return credentials.session_password_fallback().get(account)

    def _check_keyring(self) -> tuple[bool, str]:
        keyring = self._keyring()
        if keyring.available():
            return True, f"Passwords are saved in the OS keyring ({keyring.backend_name})."
        return False, credentials.NoTrustedKeyringError(", ".join(keyring.untrusted)).message

    def _save_guarded(self, values: AppSettings, password: str | None) -> None:
        try:
            sentence = self._save(values, password)
        except InboxError as exc:
            self.failed.emit(_scrub(exc.message, password))
            return
        except OSError as exc:
            self.failed.emit(
                f"The settings could not be written ({exc.strerror or type(exc).__name__}); "
                "check the permissions of the configuration folder."
            )
            return
        except Exception as exc:  # a boundary: the dialog waits for an answer
            log.exception("saving the settings failed")
            self.failed.emit(f"Saving failed unexpectedly ({type(exc).__name__}); see the log.")
            return
        self.saved.emit(sentence)

    def _save(self, values: AppSettings, password: str | None) -> str:
        url_text, in_url = _without_password(values.store_url)
        password = password or in_url
        if values.user.strip():
            check_handle(values.user.strip())
        if url_text:
            store_engine.parse_store_url(url_text)
        # The CLI and the sync layer find a saved password by the URL's user name.
        values = replace(values, store_url=_with_user(url_text, values.user))
        said = self._keep_password(values, password)
        previous = self.profile.load()
        self.profile.save(**config_values(values, previous))
        self._write_autostart(values.start_at_login)
        return f"Settings saved{said}."

    def _keep_password(self, values: AppSettings, password: str | None) -> str:
        """Keep the password where it belongs; return what to add to the "saved" sentence."""
        if not values.store_url:
            return ""  # the embedded SQLite store has no password
        url = store_engine.parse_store_url(values.store_url)
        account = _account(values.store_url, values.user)
        if account is None or url.get_backend_name() != "postgresql":
            return ""
        keyring = self._keyring()
        session = credentials.session_password_fallback()
        if keyring.available() and values.remember_password:
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

    def _write_autostart(self, enabled: bool) -> None:
        path = self.autostart_file
        if not enabled:
            path.unlink(missing_ok=True)
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(autostart_entry(), encoding="utf-8")


def autostart_entry() -> str:
    """An XDG autostart desktop entry that starts the app in the tray at login."""
    program = shutil.which("decision-inbox") or "decision-inbox"
    command = AUTOSTART_COMMAND if program == "decision-inbox" else f"{_quote(program)} gui"
    return (
        "[Desktop Entry]\n"
        "Type=Application\n"
        "Name=Decision Inbox\n"
        "Comment=Cross-team decisions waiting for your acknowledgment or feedback\n"
        f"Exec={command}\n"
        f"Icon={APP_ID}\n"
        "Terminal=false\n"
        "X-GNOME-Autostart-enabled=true\n"
    )


def _quote(program: str) -> str:
    # The desktop entry spec quotes arguments with double quotes, like a shell would.
    return f'"{program}"' if any(c in program for c in " \t\"'\\") else shlex.quote(program)


def _xdg_config_home() -> Path:
    configured = os.environ.get("XDG_CONFIG_HOME", "").strip()
    return Path(configured) if configured else Path.home() / ".config"


def _with_user(url: str, user: str) -> str:
    """A PostgreSQL URL without a user name logs in as the handle (the login role is the handle,
    see docs/cli.md)."""
    if "://" not in url or not user.strip():
        return url
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        return url  # StoreConnection.open says what is wrong with it
    if parsed.get_backend_name() not in ("postgresql", "postgres") or parsed.username:
        return url
    return parsed.set(username=user.strip()).render_as_string(hide_password=False)


def _account(url: str, user: str) -> str | None:
    """The keyring account of ``user`` on the store at ``url``, or None for no usable URL."""
    if not url.strip():
        return None
    try:
        parsed = store_engine.parse_store_url(url)
    except UsageError:
        return None
    name = parsed.username or user.strip()
    return credentials.account_name(name, parsed) if name else None


def _without_password(url: str) -> tuple[str, str | None]:
    """``url`` without a password typed into it (``user:pw@`` or ``?password=``), and that
    password: it goes to the keyring, never into config.json."""
    url = url.strip()
    if "://" not in url:
        return url, None
    try:
        parsed: URL = make_url(url)
    except (ArgumentError, ValueError):
        return url, None  # refused later with the parser's sentence
    found = parsed.password
    query_password = parsed.query.get("password")
    if found is None and query_password is None:
        return url, None
    if query_password is not None:
        parsed = parsed.difference_update_query(["password"])
        found = found or (query_password if isinstance(query_password, str) else query_password[0])
    # URL.set(password=None) means "leave it": build the URL again without one.
    bare = URL.create(
        parsed.drivername,
        username=parsed.username,
        host=parsed.host,
        port=parsed.port,
        database=parsed.database,
        query=parsed.query,
    )
    return bare.render_as_string(hide_password=False), str(found) if found else None


def _scrub(text: str, secret: str | None) -> str:
    return text.replace(secret, "***") if secret else text
