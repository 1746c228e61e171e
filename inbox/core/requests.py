"""What a person asks the store to do from the app: frozen values the dialogs fill in and the
services carry out, so the views never need to know how a write happens."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from inbox.core.model import Role


@dataclass(frozen=True)
class AudienceChoice:
    """``kind`` is "team" or "person"; ``name`` a team name or a handle."""

    kind: str
    name: str
    role: Role


@dataclass(frozen=True)
class NewDecision:
    title: str
    body: str = ""
    team: str | None = None
    audience: tuple[AudienceChoice, ...] = ()
    assertions: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ReviseDecision:
    """A new revision of ``key``, based on ``expect_revision`` (the one the person saw)."""

    key: str
    summary: str
    expect_revision: int
    title: str | None = None
    body: str | None = None
    set_assertions: Mapping[str, str] = field(default_factory=dict)
    unset_assertions: tuple[str, ...] = ()
    minor: bool = False


@dataclass(frozen=True)
class OpenForFeedback:
    key: str
    deadline: datetime  # timezone-aware


@dataclass(frozen=True)
class Supersede:
    key: str
    by: str


@dataclass(frozen=True)
class GiveFeedback:
    key: str
    text: str
    objection: bool = False


LIFECYCLE_ACTIONS = ("finalize", "withdraw")  # the owner's one-click moves, confirmed first
