"""The context of one command-line invocation: the profile, the chosen store (opened lazily) and
the identity."""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from inbox.config.profile import Profile, choose_store, choose_user
from inbox.core.errors import InboxError, StoreUnavailableError, UsageError
from inbox.platform import folders
from inbox.store import roles
from inbox.store.connection import StoreConnection
from inbox.store.engine import parse_store_url
from inbox.store.service import StoreService
from inbox.sync.client import Client
from inbox.sync.localdb import LocalFileError

READ_ONLY_COMMANDS = frozenset({"inbox", "show", "digest"})
"""Commands that work from a profile that cannot be written (its cache and outbox read as
they are)."""


class Context:
    """The profile, the chosen store (opened lazily) and the identity of one invocation."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.profile = Profile.locate(args.profile_dir)
        loaded = self.profile.load(strict=False)
        self.config = loaded.config
        for warning in loaded.warnings:  # unknown keys: said once, never a reason to stop
            print(f"decision-inbox: warning: {warning}", file=sys.stderr)
        self.choice = choose_store(self.profile, args.store, self.config)
        self.given_user = args.user
        self.command: str | None = args.command
        self.allow_network_fs = bool(args.allow_network_filesystem)
        self._store: StoreConnection | None = None
        self._said_read_only = False

    @property
    def store(self) -> StoreConnection:
        if self._store is None:
            if self.choice.embedded:
                try:
                    self.profile.data_dir.mkdir(parents=True, exist_ok=True)
                except OSError as exc:
                    raise self._folder_error(exc) from None
            self._store = StoreConnection.open(
                self.choice.url,
                allow_network_fs=self.allow_network_fs,
                saved_password=self._saved_password,
                read_only=self._store_read_only(),
            )
            if self.choice.embedded and self._store.version() is None:
                self._store.initialise()  # the embedded default is created on first use
        return self._store

    def _store_read_only(self) -> bool:
        """Whether a reading command opens a SQLite store that sits in a folder it cannot
        write (a read-only profile holding the embedded store, a read-only share) as it is."""
        if self.command not in READ_ONLY_COMMANDS:
            return False
        url = parse_store_url(self.choice.url)
        if url.get_backend_name() != "sqlite" or not url.database:
            return False
        path = Path(url.database)
        if not path.exists() or folders.probe(path.parent) not in (
            folders.READ_ONLY,
            folders.DENIED,
        ):
            return False
        if self.choice.embedded:
            self._warn_read_only(folders.describe(folders.probe(path.parent), path.parent))
        else:
            self._warn_read_only(
                f"The store file {path} is in a folder this user cannot write; showing it as it "
                "is (nothing can be changed in it from here)."
            )
        return True

    def _warn_read_only(self, sentence: str | None) -> None:
        """Said once per command, however many files turn out read-only."""
        if sentence and not self._said_read_only:
            self._said_read_only = True
            print(f"decision-inbox: warning: {sentence}", file=sys.stderr)

    def _saved_password(self) -> str | None:
        """The login's password from the OS keyring, for a PostgreSQL URL that has none. Called
        only when the server asks for a password: a trust, ~/.pgpass or certificate login never
        touches the keyring, so a locked one cannot stop it."""
        url = parse_store_url(self.choice.url)
        if url.get_backend_name() != "postgresql" or url.password or not url.username:
            return None
        from inbox.platform import credentials  # deferred: keyring's import costs start-up time
        from inbox.store.urls import account_name

        return credentials.open_credentials().get(account_name(url.username, url))

    @property
    def service(self) -> StoreService:
        return StoreService(self.store)

    @contextmanager
    def client(self, user: str | None = None) -> Iterator[Client]:
        """This profile's client of the chosen store: its cache, outbox and syncer; ``user``
        is who :meth:`user` already said, so that it is not checked twice."""
        user = user or self.user()
        try:
            client = Client.open(self.store, user, self.profile.data_dir)
        except (LocalFileError, OSError) as exc:
            problem = folders.probe(self.profile.data_dir)
            if problem not in (folders.READ_ONLY, folders.DENIED):
                raise self._folder_error(exc) from None
            if self.command not in READ_ONLY_COMMANDS:
                raise self._folder_error(exc) from None
            # Reading needs nothing written: show what the profile holds, and say once what
            # a read-only profile cannot do.
            self._warn_read_only(self._folder_error(exc).message)
            client = Client.open(self.store, user, self.profile.data_dir, read_only=True)
        if client.recovery is not None:
            print(f"decision-inbox: warning: {client.recovery.message}", file=sys.stderr)
        try:
            yield client
        finally:
            client.close()

    def _folder_error(self, exc: BaseException) -> InboxError:
        """The profile folder's sentence for ``exc`` (read-only, not permitted, full), or the
        sentence ``exc`` already is."""
        folder = self.profile.data_dir
        said = folders.sentence(folder, exc) or folders.describe(folders.probe(folder), folder)
        if said is None and isinstance(exc, InboxError):
            return exc
        if said is None:
            said = (
                f"The profile folder {self.profile.data_dir} cannot be used "
                f"({getattr(exc, 'strerror', None) or exc}); check it, or choose another "
                "with --profile-dir."
            )
        return folders.FolderError(said)

    def user(self) -> str:
        user = choose_user(self.profile, self.given_user, self.config)
        if parse_store_url(self.choice.url).get_backend_name() == "postgresql":
            try:
                return roles.check_acting_user(self.store, user)
            except StoreUnavailableError:
                # Offline: the identity is the login role the URL names (libpq's default when
                # it names none: the operating system's user). Reading the cache and queueing
                # need nothing more; the store's row-level security has the last word when the
                # queue is delivered.
                login = parse_store_url(self.choice.url).username or getpass.getuser()
                return user or login
        if not user:
            raise UsageError("Who are you? Pass --user HANDLE or set DECISION_INBOX_USER.")
        return user

    def close(self) -> None:
        if self._store is not None:
            self._store.dispose()
