"""Plain-JSON forms of the core values, for the client's cache and its outbox."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from inbox.core.model import (
    Acknowledgment,
    AudienceEntry,
    CodeCheck,
    CodeValue,
    Decision,
    Feedback,
    Person,
    Revision,
    Role,
    State,
)
from inbox.core.times import iso_utc


def _time(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


def _req_time(value: str) -> datetime:
    return datetime.fromisoformat(value)


def decision_to_dict(d: Decision) -> dict[str, Any]:
    data = _decision_dict(d)
    if d.partial:  # only then: a full decision's form stays what files of before hold
        data["partial"] = True
    return data


def _decision_dict(d: Decision) -> dict[str, Any]:
    return {
        "key": d.key,
        "owner": d.owner,
        "team": d.team,
        "state": str(d.state),
        "version": d.version,
        "deadline": iso_utc(d.deadline) if d.deadline else None,
        "superseded_by": d.superseded_by,
        "created_at": iso_utc(d.created_at),
        "revisions": [
            {
                "number": r.number,
                "title": r.title,
                "body": r.body,
                "summary": r.summary,
                "minor": r.minor,
                "author": r.author,
                "created_at": iso_utc(r.created_at),
                "assertions": dict(r.assertions),
            }
            for r in d.revisions
        ],
        "audience": [[a.kind, a.name, str(a.role)] for a in d.audience],
        "acknowledgments": [[a.id, a.person, a.revision, iso_utc(a.at)] for a in d.acknowledgments],
        "feedback": [
            [f.id, f.person, f.revision, f.body, f.objection, iso_utc(f.at)] for f in d.feedback
        ],
    }


def decision_from_dict(data: dict[str, Any]) -> Decision:
    return Decision(
        key=data["key"],
        owner=data["owner"],
        team=data["team"],
        state=State(data["state"]),
        version=int(data["version"]),
        deadline=_time(data["deadline"]),
        superseded_by=data["superseded_by"],
        created_at=_req_time(data["created_at"]),
        revisions=tuple(
            Revision(
                number=r["number"],
                title=r["title"],
                body=r["body"],
                summary=r["summary"],
                minor=r["minor"],
                author=r["author"],
                created_at=_req_time(r["created_at"]),
                assertions=dict(r["assertions"]),
            )
            for r in data["revisions"]
        ),
        audience=tuple(AudienceEntry(k, n, Role(role)) for k, n, role in data["audience"]),
        acknowledgments=tuple(
            Acknowledgment(i, p, int(r), _req_time(at)) for i, p, r, at in data["acknowledgments"]
        ),
        feedback=tuple(
            Feedback(i, p, int(r), b, bool(o), _req_time(at))
            for i, p, r, b, o, at in data["feedback"]
        ),
        partial=bool(data.get("partial", False)),
    )


def person_to_dict(p: Person) -> dict[str, Any]:
    return {"handle": p.handle, "name": p.name, "teams": sorted(p.teams)}


def person_from_dict(data: dict[str, Any]) -> Person:
    return Person(data["handle"], data["name"], frozenset(data["teams"]))


def code_check_to_dict(c: CodeCheck) -> dict[str, Any]:
    return {
        "team": c.team,
        "repo": c.repo,
        "commit": c.commit,
        "reporter": c.reporter,
        "at": iso_utc(c.at),
        "values": [[v.key, v.found, v.status, v.decision, v.revision] for v in c.values],
    }


def code_check_from_dict(data: dict[str, Any]) -> CodeCheck:
    return CodeCheck(
        team=data["team"],
        repo=data["repo"],
        commit=data["commit"],
        reporter=data["reporter"],
        at=_req_time(data["at"]),
        values=tuple(
            CodeValue(k, f, s, d, None if r is None else int(r)) for k, f, s, d, r in data["values"]
        ),
    )
