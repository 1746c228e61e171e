"""The context of one command-line invocation: the profile, the chosen store (opened lazily) and
the identity."""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from inbox.config.profile import Profile, choose_store, choose_user
from inbox.core.errors import StoreUnavailableError, UsageError
from inbox.store import roles
from inbox.store.connection import StoreConnection
from inbox.store.engine import parse_store_url
from inbox.store.service import StoreService
from inbox.sync.client import Client


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
        self.allow_network_fs = bool(args.allow_network_filesystem)
        self._store: StoreConnection | None = None

    @property
    def store(self) -> StoreConnection:
        if self._store is None:
            if self.choice.embedded:
                self.profile.data_dir.mkdir(parents=True, exist_ok=True)
            self._store = StoreConnection.open(
                self.choice.url,
                allow_network_fs=self.allow_network_fs,
                saved_password=self._saved_password,
            )
            if self.choice.embedded and self._store.version() is None:
                self._store.initialise()  # the embedded default is created on first use
        return self._store

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
        client = Client.open(self.store, user or self.user(), self.profile.data_dir)
        if client.recovery is not None:
            print(f"decision-inbox: warning: {client.recovery.message}", file=sys.stderr)
        try:
            yield client
        finally:
            client.close()

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
