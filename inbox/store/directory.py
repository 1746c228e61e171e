"""People and teams: the directory part of the store's write service."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from inbox.core import fields, lifecycle
from inbox.core.errors import FieldError, NotFoundError, UsageError, ValidationError
from inbox.core.model import Change
from inbox.store import feed, pg_writes
from inbox.store.clock import Clock, utcnow
from inbox.store.connection import StoreConnection
from inbox.store.models import MembershipRow, PersonRow, TeamRow


class Directory:
    def __init__(self, store: StoreConnection, clock: Clock = utcnow) -> None:
        self.store = store
        self.clock = clock

    def add_team(self, name: str, *, actor: str | None = None) -> Change:
        lifecycle.check_team_name(name)
        now = self.clock()
        if self.store.dialect == "postgresql":
            with self.store.write() as session:
                pg_writes.call(session, "add_team", p_actor=actor, p_name=name, p_at=now)
                feed.notify(session)
            return Change(None, None, ("team_added",), f"Added team {name}.")
        with self.store.write() as session:
            if session.get(TeamRow, name) is not None:
                raise ValidationError(f"The team {name} already exists.")
            session.add(TeamRow(name=name, created_at=now))
            feed.append(session, "team_added", actor=actor or "-", at=now, data={"team": name})
            feed.notify(session)
        return Change(None, None, ("team_added",), f"Added team {name}.")

    # Complexity C (radon): a new person or more teams for a known one, with the feed event of
    # each, in one write transaction.
    def add_person(
        self, handle: str, *, name: str, teams: Iterable[str] = (), actor: str | None = None
    ) -> Change:
        """Add a person, or add an existing person to more teams."""
        lifecycle.check_handle(handle)
        name = name.strip()
        if not name:
            raise FieldError("name", "empty", "The person needs a display name.")
        fields.check_name(name)
        teams = list(teams)
        for team in teams:
            lifecycle.check_team_name(team)
        now = self.clock()
        if self.store.dialect == "postgresql":
            return self._add_person_postgres(handle, name, list(dict.fromkeys(teams)), actor)
        events: list[str] = []
        with self.store.write() as session:
            existing = session.get(PersonRow, handle)
            if existing is None:
                session.add(PersonRow(handle=handle, name=name, is_admin=False, created_at=now))
                session.flush()
                feed.append(
                    session,
                    "person_added",
                    actor=actor or "-",
                    at=now,
                    data={"person": handle, "name": name},
                )
                events.append("person_added")
            current = set(self._teams_of(session, handle))
            added = []
            for team in dict.fromkeys(teams):
                self._team(session, team)
                if team not in current:
                    session.add(MembershipRow(person=handle, team=team))
                    events.append(_membership(session, "member_added", handle, team, actor, now))
                    added.append(team)
            if not events:
                raise _unchanged(handle, existing.name if existing else name, name)
            feed.notify(session)
        kept = existing.name if existing is not None else None
        return Change(None, None, tuple(events), _added(handle, kept, name, added))

    def _add_person_postgres(
        self, handle: str, name: str, teams: list[str], actor: str | None
    ) -> Change:
        kept: str | None = None
        before: set[str] = set()
        try:
            with self.store.write() as session:
                existing = session.get(PersonRow, handle)
                kept = existing.name if existing is not None else None
                before = set(self._teams_of(session, handle))
                events = pg_writes.call(
                    session,
                    "add_person",
                    p_actor=actor,
                    p_handle=handle,
                    p_name=name,
                    p_teams=teams,
                    p_at=self.clock(),
                )[0]
                feed.notify(session)
        except ValidationError:
            # Refused after the database's own admin check: say what became of the name.
            if kept is not None and before.issuperset(teams):
                raise _unchanged(handle, kept, name) from None
            raise
        added = [team for team in teams if team not in before]
        return Change(None, None, tuple(events), _added(handle, kept, name, added))

    def remove_from_teams(
        self, handle: str, teams: Iterable[str], *, actor: str | None = None
    ) -> Change:
        """Take a person out of teams (each must hold them), with a ``member_removed`` event
        each, in one write transaction."""
        teams = list(dict.fromkeys(teams))
        if not teams:
            raise UsageError("Name at least one team to leave (--team).")
        now = self.clock()
        with self.store.write() as session:
            if self.store.dialect == "postgresql":
                events = pg_writes.call(
                    session,
                    "remove_member",
                    p_actor=actor,
                    p_handle=handle,
                    p_teams=teams,
                    p_at=now,
                )[0]
            else:
                events = self._remove_sqlite(session, handle, teams, actor, now)
            feed.notify(session)
        return Change(None, None, tuple(events), f"{handle} left {', '.join(teams)}.")

    def _remove_sqlite(
        self, session: Session, handle: str, teams: list[str], actor: str | None, now: datetime
    ) -> list[str]:
        self._person(session, handle)
        events = []
        for team in teams:
            self._team(session, team)
            membership = session.get(MembershipRow, (handle, team))
            if membership is None:
                raise ValidationError(f"{handle} is not in the team {team}; nothing to remove.")
            session.delete(membership)
            events.append(_membership(session, "member_removed", handle, team, actor, now))
        return events

    @staticmethod
    def _person(session: Session, handle: str) -> PersonRow:
        row = session.get(PersonRow, handle)
        if row is None:
            raise NotFoundError(
                f"There is no person {handle!r} in this store; an admin can add them.",
                kind="person",
                key=handle,
            )
        return row

    @staticmethod
    def _team(session: Session, name: str) -> TeamRow:
        row = session.get(TeamRow, name)
        if row is None:
            raise NotFoundError(
                f"There is no team {name!r} in this store; an admin can add it.",
                kind="team",
                key=name,
            )
        return row

    @staticmethod
    def _teams_of(session: Session, handle: str) -> list[str]:
        return sorted(
            session.scalars(select(MembershipRow.team).where(MembershipRow.person == handle))
        )


def _kept(existing: str, given: str) -> str:
    """What to say of a display name given for someone already in the store: it is kept."""
    if existing == given:
        return ""
    return f"; the name stays {existing!r}, since `person add` never renames anyone"


def _unchanged(handle: str, existing: str, given: str) -> ValidationError:
    return ValidationError(
        f"{handle} is already in the store with those teams; nothing to add{_kept(existing, given)}."
    )


def _added(handle: str, kept: str | None, given: str, teams: list[str]) -> str:
    what = f"Added {handle}" if kept is None else f"{handle} was already in the store"
    joined = f"; member of {', '.join(teams)}" if teams else ""
    return f"{what}{joined}{'' if kept is None else _kept(kept, given)}."


def _membership(
    session: Session, kind: str, handle: str, team: str, actor: str | None, now: datetime
) -> str:
    """The feed event of a membership that began or ended (SQLite; PostgreSQL's functions write
    their own); returns its kind."""
    feed.append(session, kind, actor=actor or "-", at=now, data={"person": handle, "team": team})
    return kind
