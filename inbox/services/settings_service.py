"""SettingsService: what the settings dialog reads and saves, and the slow work it asks for.

``values``, ``read``, ``in_effect``, ``starts_at_login``, ``tls_warning``, ``url_problem``,
``shown_url``, ``embedded_store_path`` and ``session_password`` are cheap (config.json, the autostart entry,
string work, memory) and run on the caller's thread. ``test_connection``, ``check_keyring`` and
``save`` touch the network, the keyring or the store, so they run on a one-worker executor (a
plain Python thread, as SyncService explains) and answer with signals that Qt queues to the GUI
thread. The pieces: :mod:`inbox.config` (the file), :mod:`inbox.services.password_policy`
(where a password is kept), :mod:`inbox.services.connection_test`, :mod:`inbox.store.urls`,
:mod:`inbox.platform.autostart` and :mod:`inbox.services.session_settings` (the store and
identity this session sets over config.json, which saving never writes).
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

from keyring.backend import KeyringBackend
from PySide6.QtCore import QObject, Signal, SignalInstance

from inbox import APP_NAME
from inbox.config import Config, Loaded
from inbox.config.profile import Profile
from inbox.core.errors import InboxError
from inbox.core.lifecycle import check_handle
from inbox.platform.autostart import Autostart, for_this_platform
from inbox.services.connection_test import check_store
from inbox.services.password_policy import Answer, PasswordPolicy
from inbox.services.session_settings import InEffect, SessionChoice, in_effect
from inbox.store import engine as store_engine
from inbox.store import urls

log = logging.getLogger(__name__)


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
        autostart: Autostart | None = None,
        session: SessionChoice | None = None,
        parent: QObject | None = None,
    ) -> None:
        """``keyring_backend`` defaults to ``keyring.get_keyring()``; ``autostart`` to this
        operating system's entry (``inbox.platform.autostart.for_this_platform``); ``session``:
        the ``--store``/``--user`` the app was started with (the environment is read here)."""
        super().__init__(parent)
        self.profile = profile or Profile.locate()
        self.in_effect: InEffect = in_effect(session or SessionChoice())
        self.passwords = PasswordPolicy(keyring_backend)
        self.autostart = autostart or for_this_platform()
        self._tasks = ThreadPoolExecutor(max_workers=1, thread_name_prefix="inbox-settings")

    def shutdown(self) -> None:
        """Wait for the running task and stop the worker; signals already queued still arrive."""
        self._tasks.shutdown(wait=True)

    # -- cheap, on the caller's thread -----------------------------------------------------------

    def read(self) -> Loaded:
        """config.json read leniently: every value the dialog can show, with the sentences for
        what was unknown or had to fall back; raises ``UsageError`` when it is not readable
        JSON."""
        return self.profile.load(strict=False)

    def values(self) -> Config:
        return self.read().config

    def starts_at_login(self) -> bool:
        """The autostart entry is the truth: a person may delete it by hand."""
        return self.autostart.is_enabled()

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
        return self.passwords.session_password(url, user)

    # -- on the worker thread, answered by signals ------------------------------------------------

    def test_connection(self, url: str, user: str, password: str | None) -> None:
        """Open the store, check its schema and that ``user`` is a person in it, close it."""
        bare, in_url = urls.without_password(url)
        typed = password or in_url

        def work() -> Answer:
            secret = typed
            if bare.strip() and not secret:
                secret = self.passwords.saved_password(urls.with_user(bare, user), user)
            return check_store(bare, user, secret, embedded=self.profile.embedded_store)

        self._tasks.submit(self._answer, self.connection_tested, (password, in_url), work)

    def check_keyring(self) -> None:
        self._tasks.submit(self._answer, self.keyring_checked, (), self.passwords.check)

    def save(
        self, config: Config, password: str | None, start_at_login: bool | None = None
    ) -> None:
        """Save ``config``, keep ``password`` where it belongs, and write or remove the autostart
        entry (``None``: leave it as it is)."""
        self._tasks.submit(self._save_guarded, config, password, start_at_login)

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

    def _save_guarded(
        self, config: Config, password: str | None, start_at_login: bool | None
    ) -> None:
        try:
            sentence = self._save(config, password, start_at_login)
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

    def _save(self, config: Config, password: str | None, start_at_login: bool | None) -> str:
        if self.in_effect.any:
            said = self._save_around_session(config)
        else:
            said = self._save_store_and_identity(config, password)
        if start_at_login is True:
            self.autostart.enable(autostart_command())
        elif start_at_login is False:
            self.autostart.disable()
        return f"Settings saved{said}."

    def _save_store_and_identity(self, config: Config, password: str | None) -> str:
        url_text, in_url = urls.without_password(config.store)
        password = password or in_url
        user = config.user.strip()
        if user:
            check_handle(user)
        if url_text:
            store_engine.parse_store_url(url_text)
        # The command line and the sync layer find a saved password by the URL's user name.
        config = replace(config, store=urls.with_user(url_text, user), user=user)
        said = self.passwords.keep(config.store, user, password, remember=config.remember_password)
        # The person saw the dialog's value for every setting it shows, defaults included.
        self.profile.save(config, replace_invalid=True)
        return said

    def _save_around_session(self, config: Config) -> str:
        """Save what the dialog let the person change while this session sets the store or the
        identity: the store, the identity, the password and the wish to remember it stay as
        configured (they belong together, and the dialog shows them read-only then)."""
        now = self.profile.load(strict=False).config
        self.profile.save(
            replace(
                config, store=now.store, user=now.user, remember_password=now.remember_password
            ),
            replace_invalid=True,
        )
        return ""


def autostart_command() -> list[str]:
    """The app in the tray: the installed program by its full path when it is on the PATH."""
    return [shutil.which(APP_NAME) or APP_NAME, "gui"]


def _scrub(text: str, secret: str | None) -> str:
    return text.replace(secret, "***") if secret else text
