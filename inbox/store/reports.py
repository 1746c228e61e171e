"""Code checks: the write ``check --report`` makes (schema v4, docs/check.md).

Part of StoreService. A report records what a team's repository holds for each of its bindings
and the status ``check`` found, under the reporter's own identity; only a member of the team
reports for it. On PostgreSQL the database function ``decision_inbox_report`` checks that (and
row-level security again); on SQLite this class checks the same rules in its one BEGIN IMMEDIATE
transaction. Either way the feed gets one ``code_checked`` event.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from inbox.core import lifecycle
from inbox.core.errors import FieldError, NotFoundError, PermissionDeniedError, UsageError
from inbox.core.model import Change, CodeCheck, CodeValue
from inbox.store import feed, pg_writes
from inbox.store.directory import Directory
from inbox.store.models import CodeCheckRow, CodeValueRow, MembershipRow
from inbox.store.reader import find_decision

STATUSES = ("holds", "drift", "conflict", "proposed", "no_decision", "unresolved")
REPO = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}\Z")
COMMIT = re.compile(r"^[0-9a-f]{4,64}\Z")
FOUND_MAX = 10_000


class ReportWrites(Directory):
    def report(
        self,
        actor: str,
        *,
        team: str,
        repo: str,
        commit: str | None,
        values: Sequence[CodeValue],
    ) -> Change:
        """Record one code check of ``team``'s repository ``repo``; ``actor`` must be a member."""
        _check_shape(repo, commit, values)
        now = self.clock()
        drifts = sum(1 for v in values if v.status == "drift")
        check = CodeCheck(team, repo, commit, actor, now, tuple(values))
        if self.store.dialect == "postgresql":
            with self.store.write() as session:
                pg_writes.call(
                    session,
                    "report",
                    p_actor=actor,
                    p_team=team,
                    p_repo=repo,
                    p_commit=commit,
                    p_keys=[v.key for v in values],
                    p_found=[v.found for v in values],
                    p_statuses=[v.status for v in values],
                    p_decisions=[v.decision for v in values],
                    p_revisions=[v.revision for v in values],
                    p_at=now,
                )
                feed.notify(session)
            return _reported(check, drifts)
        self._report_sqlite(check, drifts)
        return _reported(check, drifts)

    def _report_sqlite(self, check: CodeCheck, drifts: int) -> None:
        """The SQLite path: the database function's rules, in one BEGIN IMMEDIATE transaction."""
        team, repo, commit, values, now = (
            check.team, check.repo, check.commit, check.values, check.at
        )  # fmt: skip
        with self.store.write() as session:
            person = self._person(session, check.reporter)
            self._team(session, team)
            member = session.scalar(
                select(MembershipRow).where(
                    MembershipRow.person == person.handle, MembershipRow.team == team
                )
            )
            if member is None:
                raise PermissionDeniedError(not_member(person.handle, team))
            _check_decisions(session, values)
            row = CodeCheckRow(team=team, repo=repo, commit=commit, reporter=person.handle, at=now)
            session.add(row)
            session.flush()
            for ordinal, value in enumerate(values, start=1):
                session.add(
                    CodeValueRow(
                        check_id=row.id,
                        ordinal=ordinal,
                        key=value.key,
                        found=value.found,
                        status=value.status,
                        decision=None if value.decision is None else value.decision.upper(),
                        revision=None if value.decision is None else value.revision,
                    )
                )
            feed.append(
                session,
                "code_checked",
                actor=person.handle,
                at=now,
                data={
                    "id": row.id,
                    "team": team,
                    "repo": repo,
                    "commit": commit,
                    "values": len(values),
                    "drifts": drifts,
                },
            )
            feed.notify(session)


def not_member(person: str, team: str) -> str:
    """The refusal's sentence, the one the database function words too."""
    return (
        f"{person} is not a member of {team}, so cannot report {team}'s code; report with a "
        "login of that team."
    )


def _reported(check: CodeCheck, drifts: int) -> Change:
    n = len(check.values)
    what = f"{n} binding{'s' if n != 1 else ''}"
    drift = f", {drifts} drift{'s' if drifts != 1 else ''}" if drifts else ""
    return Change(None, None, ("code_checked",), f"Reported {check.where}: {what}{drift}.")


# Complexity C (radon): one refusal per field of a report, each with its own sentence, in the
# order the database function checks them.
def _check_shape(repo: str, commit: str | None, values: Sequence[CodeValue]) -> None:
    if not REPO.match(repo):
        raise FieldError(
            "repo",
            "malformed",
            f"The repository name {repo!r} is not valid; use letters, digits, '.', '_' or '-'.",
            value=repo,
        )
    if commit is not None and not COMMIT.match(commit):
        raise FieldError(
            "commit", "malformed", f"The commit {commit!r} is not a hexadecimal commit id."
        )
    if not values:
        raise UsageError("A code check needs at least one value.")
    for value in values:
        lifecycle.check_assertion_key(value.key)
        if value.status not in STATUSES:
            raise FieldError(
                "status", "malformed", f"The status {value.status!r} is not one of check's."
            )
        if value.found is not None and len(value.found.encode("utf-8")) > FOUND_MAX:
            raise FieldError(
                "found", "too_long", f"The value found for {value.key} is longer than 10 kB."
            )
        if value.decision is None and value.status in ("holds", "drift"):
            raise FieldError(
                "decision",
                "missing",
                f"A {value.status} value of {value.key} needs the decision it was checked against.",
            )


def _check_decisions(session: Session, values: Sequence[CodeValue]) -> None:
    for value in values:
        if value.decision is None:
            continue
        row = find_decision(session, value.decision)
        if value.revision is None or not 1 <= value.revision <= row.current_revision:
            raise NotFoundError(
                f"{row.key} has no revision {value.revision}; its revisions are r1 to "
                f"r{row.current_revision}.",
                kind="revision",
                key=row.key,
            )
