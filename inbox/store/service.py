"""StoreService: every write to the shared store goes through here (docs/architecture.md).

Each method is one transaction that checks the lifecycle rules, writes, appends its events to
the change feed and (on PostgreSQL) sends the NOTIFY hint, all before one commit. Each returns a
``Change`` naming what it touched. Methods may be called from any thread but not the GUI thread.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from inbox.core import fields, lifecycle
from inbox.core.errors import (
    ConflictError,
    LifecycleError,
    MaterialChangeError,
    PermissionDeniedError,
    StaleRevisionError,
    UsageError,
    ValidationError,
)
from inbox.core.keys import format_key
from inbox.core.model import Change, Role, State
from inbox.store import feed, pg_writes, revisions
from inbox.store.connection import ConcurrentWriteError
from inbox.store.models import (
    AudienceRow,
    DecisionRow,
)
from inbox.store.reader import find_decision
from inbox.store.reports import ReportWrites
from inbox.store.responses import ResponseWrites


class StoreService(ReportWrites, ResponseWrites):
    # -- authoring ---------------------------------------------------------------------------

    # Complexity C (radon): the create rules in order (owner, team, audience, assertions) inside
    # one write transaction, with the PostgreSQL path beside them.
    def create(
        self,
        actor: str,
        *,
        title: str,
        body: str = "",
        team: str | None = None,
        audience: Sequence[tuple[str, str, Role]] = (),
        assertions: Mapping[str, str] | None = None,
    ) -> Change:
        """Create a draft owned by ``actor``; ``audience`` holds (kind, name, role) triples."""
        title = lifecycle.check_title(title)
        body = lifecycle.check_body(body)
        for key, value in (assertions or {}).items():
            lifecycle.check_assertion_key(key)
            fields.check_assertion_value(key, value)
        now = self.clock()
        if self._on_postgres:
            with self.store.write() as session:
                key = pg_writes.create(
                    session,
                    actor,
                    title=title,
                    body=body,
                    team=team,
                    audience=audience,
                    assertions=dict(assertions or {}),
                    at=now,
                )
                feed.notify(session)
            return Change(key, 1, ("created",), f"Created {key} (draft, r1).")
        with self.store.write() as session:
            owner = self._person(session, actor)
            if team is not None:
                self._team(session, team)
            team = lifecycle.owning_team(actor, self._teams_of(session, actor), team)
            number = (session.scalar(select(func.max(DecisionRow.number))) or 0) + 1
            key = format_key(number)
            row = DecisionRow(
                number=number,
                key=key,
                owner=owner.handle,
                team=team,
                state=State.DRAFT.value,
                current_revision=1,
                version=1,
                created_at=now,
            )
            session.add(row)
            session.flush()
            seen: set[tuple[str, str, Role]] = set()
            for kind, name, role in audience:
                if (kind, name, role) in seen:
                    continue
                seen.add((kind, name, role))
                if kind == "team":
                    self._team(session, name)
                    session.add(AudienceRow(decision_id=row.id, team=name, role=role.value))
                elif kind == "person":
                    self._person(session, name)
                    session.add(AudienceRow(decision_id=row.id, person=name, role=role.value))
                else:
                    raise UsageError(f"The audience {kind}:{name} is neither team: nor person:.")
            revisions.add_revision(
                session, row, 1, title, body, "Created", False, actor, dict(assertions or {}), now
            )
            feed.append(
                session,
                "created",
                actor=actor,
                at=now,
                decision=key,
                revision=1,
                data={"title": title},
            )
            feed.notify(session)
        return Change(key, 1, ("created",), f"Created {key} (draft, r1).")

    # Complexity C (radon): the revise rules in order (state, stale revision, what may be removed,
    # nothing changed, minor with assertions) inside one write transaction, with the PostgreSQL
    # path beside them.
    def revise(
        self,
        actor: str,
        key: str,
        *,
        summary: str,
        title: str | None = None,
        body: str | None = None,
        set_assertions: Mapping[str, str] | None = None,
        unset_assertions: Iterable[str] = (),
        minor: bool = False,
        expect_revision: int | None = None,
    ) -> Change:
        unset_assertions = list(unset_assertions)
        summary, title, body = revisions.checked_input(
            summary, title, body, set_assertions or {}, unset_assertions
        )
        now = self.clock()
        if self._on_postgres:
            with self.store.write() as session:
                number = pg_writes.call(
                    session,
                    "revise",
                    p_actor=actor,
                    p_key=key,
                    p_summary=summary,
                    p_title=title,
                    p_body=body,
                    p_set_keys=list(set_assertions or {}),
                    p_set_values=list((set_assertions or {}).values()),
                    p_unset_keys=list(unset_assertions),
                    p_minor=minor,
                    p_expect_revision=expect_revision,
                    p_at=now,
                )[0]
                feed.notify(session)
            key = key.strip().upper()
            return Change(key, number, ("revised",), f"{key} is now at r{number}.")
        try:
            with self.store.write() as session:
                row = self._owned(session, actor, key, "revise")
                lifecycle.check_transition(row.key, State(row.state), "revise")
                if expect_revision is not None and expect_revision != row.current_revision:
                    raise StaleRevisionError(row.key, row.current_revision, expect_revision)
                previous = revisions.revision_row(session, row.id, row.current_revision)
                old_assertions = revisions.assertions_of(session, previous.id)
                new_assertions = dict(old_assertions)
                for name in unset_assertions:
                    if name not in new_assertions:
                        raise ValidationError(
                            f"r{row.current_revision} of {row.key} asserts nothing about "
                            f"{name}; nothing to remove."
                        )
                    del new_assertions[name]
                for name, value in (set_assertions or {}).items():
                    new_assertions[lifecycle.check_assertion_key(name)] = value
                new_title = previous.title if title is None else lifecycle.check_title(title)
                new_body = previous.body if body is None else lifecycle.check_body(body)
                if (new_title, new_body, new_assertions) == (
                    previous.title,
                    previous.body,
                    old_assertions,
                ):
                    raise ValidationError(
                        f"This revision would change nothing in {row.key}; give a new title, "
                        "body or assertion."
                    )
                if minor and new_assertions != old_assertions:
                    raise MaterialChangeError(row.key)
                number = row.current_revision + 1
                revisions.add_revision(
                    session,
                    row,
                    number,
                    new_title,
                    new_body,
                    summary,
                    minor,
                    actor,
                    new_assertions,
                    now,
                )
                self._bump(session, row, current_revision=number)
                material = lifecycle.is_material_change(minor, old_assertions, new_assertions)
                feed.append(
                    session,
                    "revised",
                    actor=actor,
                    at=now,
                    decision=row.key,
                    revision=number,
                    data={"summary": summary, "minor": minor, "material": material},
                )
                feed.notify(session)
                key = row.key
        except ConcurrentWriteError:
            # Another writer took the same revision number first (PostgreSQL, concurrent edit).
            current = self._current_revision(key)
            raise StaleRevisionError(key.upper(), current, expect_revision or current - 1) from None
        return Change(key, number, ("revised",), f"{key} is now at r{number}.")

    # -- lifecycle ---------------------------------------------------------------------------

    def open(self, actor: str, key: str, *, deadline: datetime) -> Change:
        now = self.clock()
        if deadline.tzinfo is None:
            raise UsageError("The deadline has no time zone; give it in ISO-8601 with an offset.")
        if deadline <= now:
            raise ValidationError(
                f"The deadline {deadline.isoformat(timespec='minutes')} is in the past; give a "
                "future time."
            )
        fields.check_deadline(deadline, now)
        if self._on_postgres:
            with self.store.write() as session:
                number = pg_writes.call(
                    session, "open", p_actor=actor, p_key=key, p_deadline=deadline, p_at=now
                )[0]
                feed.notify(session)
            key = key.strip().upper()
            return Change(
                key,
                number,
                ("opened",),
                f"{key} is open for feedback until {deadline.isoformat()}.",
            )
        with self.store.write() as session:
            row = self._owned(session, actor, key, "open")
            lifecycle.check_transition(
                row.key, State(row.state), "open", revision=row.current_revision
            )
            self._bump(session, row, state=State.OPEN.value, deadline=deadline)
            feed.append(
                session,
                "opened",
                actor=actor,
                at=now,
                decision=row.key,
                revision=row.current_revision,
                data={"deadline": deadline.isoformat()},
            )
            feed.notify(session)
            return Change(
                row.key,
                row.current_revision,
                ("opened",),
                f"{row.key} is open for feedback until {deadline.isoformat()}.",
            )

    def finalize(self, actor: str, key: str) -> Change:
        return self._move(actor, key, "finalize", "finalized", {})

    def withdraw(self, actor: str, key: str) -> Change:
        return self._move(actor, key, "withdraw", "withdrawn", {})

    def supersede(self, actor: str, key: str, *, by: str) -> Change:
        if self._on_postgres:
            return self._move(actor, key, "supersede", "superseded", {}, by=by)
        with self.store.read() as session:
            successor = find_decision(session, by)
            if successor.key == key.strip().upper():
                raise ValidationError(f"{successor.key} cannot supersede itself.")
            if successor.state in (State.WITHDRAWN.value, State.SUPERSEDED.value):
                raise ValidationError(
                    f"{successor.key} is {successor.state}; supersede with a live decision."
                )
        return self._move(
            actor,
            key,
            "supersede",
            "superseded",
            {"by": successor.key},
            superseded_by=successor.key,
        )

    def _move(
        self,
        actor: str,
        key: str,
        action: str,
        event: str,
        data: dict[str, object],
        **values: object,
    ) -> Change:
        now = self.clock()
        if self._on_postgres:
            target = lifecycle.TRANSITIONS[action][1]
            assert target is not None
            extra = {"p_by": values["by"]} if action == "supersede" else {}
            try:
                with self.store.write() as session:
                    number = pg_writes.call(
                        session, action, p_actor=actor, p_key=key, p_at=now, **extra
                    )[0]
                    feed.notify(session)
            except LifecycleError as exc:
                if exc.state != target.value:
                    raise
                # The database's refusal carries no revision; the sentence names it.
                sentence = lifecycle.already(exc.key, target, self._current_revision(key))
                raise LifecycleError(exc.key, exc.state, action, sentence) from None
            key = key.strip().upper()
            return Change(key, number, (event,), f"{key} is {target.value} at r{number}.")
        with self.store.write() as session:
            row = self._owned(session, actor, key, action)
            target = lifecycle.check_transition(
                row.key, State(row.state), action, revision=row.current_revision
            )
            assert target is not None
            self._bump(session, row, state=target.value, **values)
            feed.append(
                session,
                event,
                actor=actor,
                at=now,
                decision=row.key,
                revision=row.current_revision,
                data=data,
            )
            feed.notify(session)
            return Change(
                row.key,
                row.current_revision,
                (event,),
                f"{row.key} is {target.value} at r{row.current_revision}.",
            )

    # -- helpers -----------------------------------------------------------------------------

    @property
    def _on_postgres(self) -> bool:
        # PostgreSQL enforces the rules itself, in functions only they may write through
        # (inbox/store/pg_writes.py); SQLite's single writer checks them here, in one
        # BEGIN IMMEDIATE transaction.
        return self.store.dialect == "postgresql"

    def _owned(self, session: Session, actor: str, key: str, action: str) -> DecisionRow:
        person = self._person(session, actor)
        row = find_decision(session, key)
        if row.owner != person.handle and not person.is_admin:
            raise PermissionDeniedError(
                f"Only {row.owner}, the owner of {row.key}, can {action} it; ask them."
            )
        return row

    def _bump(self, session: Session, row: DecisionRow, **values: object) -> None:
        """Optimistic concurrency: the update only lands on the version this transaction read."""
        result = session.execute(
            update(DecisionRow)
            .where(DecisionRow.id == row.id, DecisionRow.version == row.version)
            .values(version=row.version + 1, **values)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            now = session.scalar(select(DecisionRow.version).where(DecisionRow.id == row.id))
            if now == row.version:
                # Nobody moved it on, yet the update touched nothing: row-level security hid
                # the row from this login. A write that affects 0 rows is never a success.
                raise PermissionDeniedError(
                    f"The store refused to change {row.key}: this login may not change it."
                )
            raise ConflictError(
                f"{row.key} was changed by someone else meanwhile; reload it and try again.",
                key=row.key,
                current_revision=row.current_revision,
            )
        session.expire(row)

    def _current_revision(self, key: str) -> int:
        with self.store.read() as session:
            return find_decision(session, key).current_revision
