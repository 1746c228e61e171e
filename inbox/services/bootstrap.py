"""From a profile and the command line's choices to an open Client: the start-up work that
touches the store and the keyring, so it runs on a worker thread, never on the GUI thread."""

from __future__ import annotations

import functools
import logging
from dataclasses import replace

from sqlalchemy.engine import URL

from inbox.config.profile import choose_store, choose_user
from inbox.core.errors import StoreUnavailableError, UsageError
from inbox.services.launch import PasswordNeededError, Started, StartRequest, is_first_run
from inbox.store import roles
from inbox.store.connection import StoreConnection, StoreRefusedError
from inbox.store.engine import parse_store_url, redact
from inbox.sync import last_start
from inbox.sync.client import Client
from inbox.sync.local import LocalClient

__all__ = ["PasswordNeededError", "StartRequest", "Started", "is_first_run", "start"]

log = logging.getLogger(__name__)


def _saved_password(url: URL) -> str | None:
    """The keyring's password for the login in ``url``; called (on the worker thread that
    connects) only when the server asks for a password. A keyring that cannot be read counts as
    no saved password: the app then asks the person for it (``PasswordNeededError``), which
    works for this session where a locked keyring would have stopped the start."""
    from inbox.platform import credentials  # deferred: keyring's import costs start-up time
    from inbox.store.urls import account_name

    assert url.username
    try:
        return credentials.open_credentials().get(account_name(url.username, url))
    except credentials.KeyringError as exc:
        log.warning("%s", exc.message)
        return None


# Complexity C (radon): start-up's steps in order (store, keyring, demo, identity, client), each
# with its own failure sentence.
def start(request: StartRequest, local: LocalClient | None = None) -> Started:
    """Worker thread only: opens the store (and the keyring), seeds the demo when asked, checks
    who the person is, and opens their client. ``local``: the cache and state the window already
    shows (a previous start's); the client takes them over when they are its own, and on a
    PostgreSQL store that cannot be reached now they say who the person is."""
    profile = request.profile
    config = profile.load().config
    choice = choose_store(profile, request.store, config)
    url = parse_store_url(choice.url)
    password = request.password
    postgres = url.get_backend_name() == "postgresql"
    saved = None
    if postgres and not url.password and password is None and url.username:
        saved = functools.partial(_saved_password, url)
    if choice.embedded:
        profile.data_dir.mkdir(parents=True, exist_ok=True)
    store = StoreConnection.open(
        choice.url,
        allow_network_fs=request.allow_network_fs,
        password=password,
        saved_password=saved,
    )
    try:
        seeded = None
        if request.demo:
            from inbox.store import demo

            seeded = demo.seed(store)
            if not choose_user(profile, request.user, config):
                profile.save(replace(config, user=demo.DEMO_USER))
        elif choice.embedded and store.version() is None:
            store.initialise()  # the embedded default is created on first use
        user = choose_user(profile, request.user)
        if postgres:
            try:
                user = roles.check_acting_user(store, user)
            except StoreRefusedError as exc:
                if "password" in exc.message and url.username and not url.password:
                    raise PasswordNeededError(
                        exc.message, redact(choice.url), url.username
                    ) from None
                raise
            except StoreUnavailableError:
                if local is None or not local.synced:
                    raise
                # Offline: the person a previous start verified, with what their cache holds;
                # the engine retries, and the server checks the login again when it is back.
                log.info("the store is unreachable; starting offline as %s", local.user)
                user = local.user
        if not user:
            raise UsageError(
                "Who are you? Pass --user HANDLE, set your identity in Settings, or try the "
                "app on a sample store with `decision-inbox --demo`."
            )
        client = Client.open(store, user, profile.data_dir, local=local)
        last_start.remember(profile.data_dir, choice.url, client.paths.folder, user)
    except BaseException:
        store.dispose()
        raise
    return Started(client, choice, seeded)
