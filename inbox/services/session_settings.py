"""What this session was started with, and which of the store and identity it sets over
config.json: ``--store``/``--user`` on the command line, then ``DECISION_INBOX_STORE`` and
``DECISION_INBOX_USER`` in the environment (the order :func:`inbox.config.profile.choose_store`
follows). The settings dialog shows such a value as the one in effect, read-only with the note
saying where it comes from, and saving keeps the configured one: a session's choice is never
written over the person's settings.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from inbox.config.profile import ENV_STORE, ENV_USER


@dataclass(frozen=True)
class Override:
    """A setting this session uses instead of config.json's: its value and where it comes from,
    as the note the dialog shows beside it."""

    value: str
    note: str


@dataclass(frozen=True)
class SessionChoice:
    """``--store`` and ``--user`` as the app was started with them (None: not given)."""

    store: str | None = None
    user: str | None = None


@dataclass(frozen=True)
class InEffect:
    """The overrides of this session; None where config.json's value is the one used."""

    store: Override | None = None
    user: Override | None = None

    @property
    def any(self) -> bool:
        return self.store is not None or self.user is not None


def in_effect(session: SessionChoice, environ: Mapping[str, str] | None = None) -> InEffect:
    """Which of the store and identity ``session`` and the environment set (``environ``
    defaults to this process's)."""
    env = os.environ if environ is None else environ
    return InEffect(
        store=_override(session.store, "--store", env.get(ENV_STORE), ENV_STORE),
        user=_override(session.user, "--user", env.get(ENV_USER), ENV_USER),
    )


def _override(given: str | None, option: str, from_env: str | None, name: str) -> Override | None:
    # Empty counts as not set, as it does when the store and identity are chosen at start.
    if given and given.strip():
        return Override(given.strip(), f"Set by {option} for this session")
    if from_env and from_env.strip():
        return Override(from_env.strip(), f"Set by {name}")
    return None
