"""How the command line shows an inbox and a decision, as text and as JSON."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from inbox.cli.terminal import inline
from inbox.core import lifecycle
from inbox.core.diff import diff_revisions, format_diff
from inbox.core.items import REASON_ORDER, InboxItem, reason_label
from inbox.core.model import CodeCheck, Decision, Person, Reason, Snapshot
from inbox.core.reliance import ack_audience, code_of, relied_on_by
from inbox.core.times import iso_utc, relative
from inbox.sync.state import PENDING, REFUSED, OutboxEntry


def when(moment: datetime, now: datetime) -> str:
    return f"{moment.astimezone().strftime('%Y-%m-%d %H:%M %Z')} ({relative(moment, now)})"


def inbox_text(user: str, items: Sequence[InboxItem], now: datetime) -> str:
    if not items:
        return f"Inbox of {inline(user)}: nothing needs you."
    lines = [f"Inbox of {inline(user)}: {len(items)} item{'s' if len(items) != 1 else ''}"]
    for reason in REASON_ORDER:
        group = [item for item in items if item.reason is reason]
        if not group:
            continue
        lines += ["", f"{reason_label(reason).capitalize()} ({len(group)})"]
        for item in group:
            lines.append(
                f"  {inline(item.key):<6} {inline(item.title)}  [r{item.revision}, {item.state}, "
                f"owner {inline(item.owner)}]"
            )
            lines += [f"         {inline(detail)}" for detail in _details(item, now)]
            lines += [f"         you rely on {inline(what)}" for what in item.relies_on]
    return "\n".join(lines)


# Complexity C (radon): one branch per inbox reason's detail line.
def _details(item: InboxItem, now: datetime) -> list[str]:
    if item.reason is Reason.CHANGED_SINCE_ACK and item.diff is not None:
        body = " (the body changed too)" if item.diff.body_changed else ""
        facts = format_diff(item.diff.without_body())
        return [f"you acknowledged r{item.acked_revision}{body}", *facts]
    if item.reason in (Reason.FEEDBACK_REQUESTED, Reason.DEADLINE_PASSED) and item.deadline:
        late = "OVERDUE, " if item.overdue or item.reason is Reason.DEADLINE_PASSED else ""
        return [f"{late}deadline {when(item.deadline, now)}"]
    if item.reason is Reason.AWAITING_ACKS:
        return [
            f"acknowledged {item.acked_count}/{item.audience_count}; waiting for "
            f"{', '.join(item.missing)}"
        ]
    if item.reason is Reason.CONFLICT:
        others = ", ".join(f"{p.key} says {p.value}" for p in item.conflicts_with)
        return [f"{item.conflict_key} = {item.value} here; {others}"]
    if item.reason is Reason.NEEDS_ACK:
        return [f"acknowledge with: decision-inbox ack {item.key}"]
    if item.reason is Reason.CODE_DRIFT:
        return [
            f"{d.where}: {d.key} is {d.found} in the code, {item.key} says {d.expected} "
            f"({relative(d.at, now)})"
            for d in item.drifts
        ]
    return []


@dataclass(frozen=True)
class DecisionView:
    decision: Decision
    people: Mapping[str, Person]
    user: str | None
    diff_from: int | None
    code_checks: tuple[CodeCheck, ...] = ()

    @property
    def _snapshot(self) -> Snapshot:
        return Snapshot((self.decision,), self.people, self.code_checks)

    def coverage(self) -> dict[str, Any]:
        members = ack_audience(self.decision, self._snapshot)
        material = lifecycle.latest_material(self.decision)
        missing = lifecycle.missing_acks(self.decision, members, material)
        return {
            "latest_material_revision": material,
            "acked": sorted(members - set(missing)),
            "missing": list(missing),
            "total": len(members),
        }

    def to_json(self) -> dict[str, Any]:
        d = self.decision
        out: dict[str, Any] = {
            "key": d.key,
            "title": d.title,
            "state": str(d.state),
            "owner": d.owner,
            "team": d.team,
            "revision": d.revision,
            "version": d.version,
            "deadline": iso_utc(d.deadline) if d.deadline else None,
            "superseded_by": d.superseded_by,
            "created_at": iso_utc(d.created_at),
            "body": d.current.body,
            "assertions": dict(sorted(d.current.assertions.items())),
            "audience": [{"kind": a.kind, "name": a.name, "role": str(a.role)} for a in d.audience],
            "coverage": self.coverage(),
            "code": [a.to_json() for a in code_of(d, self._snapshot)],
            "relied_on_by": [
                {"team": r.team, "repo": r.repo, "key": r.key}
                for r in relied_on_by(d, self._snapshot)
            ],
            "revisions": [
                {
                    "number": r.number,
                    "title": r.title,
                    "summary": r.summary,
                    "minor": r.minor,
                    "material": lifecycle.is_material(prev, r),
                    "author": r.author,
                    "created_at": iso_utc(r.created_at),
                    "assertions": dict(sorted(r.assertions.items())),
                }
                for prev, r in zip((None, *d.revisions[:-1]), d.revisions, strict=True)
            ],
            "acknowledgments": [
                {"person": a.person, "revision": a.revision, "at": iso_utc(a.at)}
                for a in d.acknowledgments
            ],
            "feedback": [
                {
                    "person": f.person,
                    "revision": f.revision,
                    "body": f.body,
                    "objection": f.objection,
                    "at": iso_utc(f.at),
                }
                for f in d.feedback
            ],
        }
        if self.user:
            out["your_acked_revision"] = lifecycle.acked_revision(d, self.user)
        if self.diff_from is not None:
            out["diff"] = diff_revisions(d.revision_number(self.diff_from), d.current).to_json()
        return out

    def text(self) -> str:
        d = self.decision
        now = datetime.now(d.created_at.tzinfo)
        lines = [
            f"{inline(d.key)}  {inline(d.title)}",
            f"{d.state} at r{d.revision} · owner {inline(d.owner)}"
            + (f" ({inline(d.team)})" if d.team else ""),
        ]
        if d.deadline:
            lines.append(f"Deadline: {when(d.deadline, now)}")
        if d.superseded_by:
            lines.append(f"Superseded by {inline(d.superseded_by)}")
        if d.current.body.strip():
            lines += ["", d.current.body.rstrip()]
        if d.current.assertions:
            lines += ["", "Assertions:"]
            lines += [
                f"  {inline(k)} = {inline(v)}" for k, v in sorted(d.current.assertions.items())
            ]
        lines += self._audience_lines()
        lines += self._code_lines(now)
        lines += self._history_lines()
        if self.diff_from is not None:
            diff = diff_revisions(d.revision_number(self.diff_from), d.current)
            lines += ["", f"Changes r{self.diff_from} → r{d.revision}:"]
            lines += [f"  {inline(line)}" for line in format_diff(diff)] or ["  (none)"]
        return "\n".join(lines)

    def _audience_lines(self) -> list[str]:
        d = self.decision
        lines: list[str] = []
        if d.audience:
            labels = ", ".join(f"{inline(a.label)} ({a.role})" for a in d.audience)
            lines += ["", f"Audience: {labels}"]
            cov = self.coverage()
            if cov["total"]:
                missing = f"; missing {', '.join(cov['missing'])}" if cov["missing"] else ""
                lines.append(
                    f"Acknowledged r{cov['latest_material_revision']}: "
                    f"{len(cov['acked'])}/{cov['total']}{missing}"
                )
        if self.user:
            acked = lifecycle.acked_revision(d, self.user)
            lines.append(f"You acknowledged: {'r' + str(acked) if acked else 'nothing yet'}")
        return lines

    def _code_lines(self, now: datetime) -> list[str]:
        """What the code says (per repository and key) and who relies on the keys."""
        lines: list[str] = []
        agreements = code_of(self.decision, self._snapshot)
        if agreements:
            lines += ["", "What the code says:"]
            lines += [
                f"  {inline(a.value.key)}: {inline(a.label)}, {relative(a.check.at, now)}"
                for a in agreements
            ]
        relied = relied_on_by(self.decision, self._snapshot)
        if relied:
            labels = ", ".join(dict.fromkeys(inline(r.label) for r in relied))
            lines.append(f"Relied on by: {labels}")
        return lines

    def _history_lines(self) -> list[str]:
        d = self.decision
        lines = ["", "Revisions:"]
        for prev, rev in zip((None, *d.revisions[:-1]), d.revisions, strict=True):
            flag = "" if lifecycle.is_material(prev, rev) else " (minor)"
            lines.append(
                f"  r{rev.number}  {rev.created_at.astimezone():%Y-%m-%d}  "
                f"{inline(rev.author)}: {inline(rev.summary)}{flag}"
            )
        if d.feedback:
            lines += ["", "Feedback:"]
            for f in d.feedback:
                mark = "OBJECTION " if f.objection else ""
                lines.append(f"  {mark}{inline(f.person)} on r{f.revision}: {inline(f.body)}")
        return lines


def outbox_json(entry: OutboxEntry) -> dict[str, Any]:
    return {
        "id": entry.id,
        "kind": entry.kind,
        "key": entry.decision,
        "revision": entry.revision,
        "status": entry.status,
        "error": entry.error,
    }


def outbox_text(entries: Sequence[OutboxEntry]) -> str:
    # "sent" entries reached the store; only the next sync's confirmation is outstanding.
    waiting = [e for e in entries if e.status == PENDING]
    refused = [e for e in entries if e.status == REFUSED]
    lines: list[str] = []
    if waiting:
        lines += ["", f"Waiting to be delivered ({len(waiting)})"]
        lines += [f"  {_what(e)}" for e in waiting]
    if refused:
        lines += ["", f"Not delivered: the store refused ({len(refused)})"]
        lines += [f"  {_what(e)}: {inline(e.error or '')}" for e in refused]
    return "\n".join(lines)


def _what(entry: OutboxEntry) -> str:
    if entry.kind == "ack":
        return f"acknowledgment of {entry.decision} r{entry.revision}"
    return f"feedback on {entry.decision} r{entry.revision}"


def skipped_text(count: int) -> str:
    """The inbox's note of change-feed events this version skipped (inbox.store.validate)."""
    events = "event" if count == 1 else "events"
    return (
        f"Skipped {count} change-feed {events} this version cannot read (see the log); "
        "upgrade Decision Inbox to read them."
    )
