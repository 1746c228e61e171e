"""Calls of the store's write functions on PostgreSQL (migration v3).

There, members and admins have no INSERT, UPDATE or DELETE on any table: every write is one of
these SECURITY DEFINER functions, which check the lifecycle against the rows they lock, allocate
keys and numbers, take times from the server's clock (a superuser's given time is kept, for
imports and the demo's history) and append the change feed themselves. A refusal comes back as a
``DI`` SQLSTATE that ``inbox.store.refusals`` turns into the typed error the SQLite path raises.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from inbox.core.model import Role

# function -> its parameters and their SQL types, in order
SIGNATURES: Mapping[str, tuple[tuple[str, str], ...]] = {
    "create": (
        ("p_actor", "text"), ("p_title", "text"), ("p_body", "text"), ("p_team", "text"),
        ("p_audience_kinds", "text[]"), ("p_audience_names", "text[]"),
        ("p_audience_roles", "text[]"), ("p_assertion_keys", "text[]"),
        ("p_assertion_values", "text[]"), ("p_at", "timestamptz"),
    ),
    "revise": (
        ("p_actor", "text"), ("p_key", "text"), ("p_summary", "text"), ("p_title", "text"),
        ("p_body", "text"), ("p_set_keys", "text[]"), ("p_set_values", "text[]"),
        ("p_unset_keys", "text[]"), ("p_minor", "boolean"), ("p_expect_revision", "integer"),
        ("p_at", "timestamptz"),
    ),
    "open": (("p_actor", "text"), ("p_key", "text"), ("p_deadline", "timestamptz"),
             ("p_at", "timestamptz")),
    "finalize": (("p_actor", "text"), ("p_key", "text"), ("p_at", "timestamptz")),
    "withdraw": (("p_actor", "text"), ("p_key", "text"), ("p_at", "timestamptz")),
    "supersede": (("p_actor", "text"), ("p_key", "text"), ("p_by", "text"),
                  ("p_at", "timestamptz")),
    "acknowledge": (("p_actor", "text"), ("p_key", "text"), ("p_revision", "integer"),
                    ("p_id", "uuid"), ("p_at", "timestamptz")),
    "give_feedback": (("p_actor", "text"), ("p_key", "text"), ("p_body", "text"),
                      ("p_objection", "boolean"), ("p_id", "uuid"), ("p_at", "timestamptz")),
    "add_team": (("p_actor", "text"), ("p_name", "text"), ("p_at", "timestamptz")),
    "add_person": (("p_actor", "text"), ("p_handle", "text"), ("p_name", "text"),
                   ("p_teams", "text[]"), ("p_at", "timestamptz")),
    "remove_member": (("p_actor", "text"), ("p_handle", "text"), ("p_teams", "text[]"),
                      ("p_at", "timestamptz")),
    "set_admin": (("p_handle", "text"), ("p_admin", "boolean")),
    "mark_demo_seeded": (),
    "report": (("p_actor", "text"), ("p_team", "text"), ("p_repo", "text"),
               ("p_commit", "text"), ("p_keys", "text[]"), ("p_found", "text[]"),
               ("p_statuses", "text[]"), ("p_decisions", "text[]"),
               ("p_revisions", "integer[]"), ("p_at", "timestamptz")),
    "grant_login": (("p_role", "text"), ("p_verifier", "text"), ("p_adopt", "boolean")),
    "revoke_login": (("p_role", "text"),),
    "promote_login": (("p_role", "text"),),
}  # fmt: skip


def call(session: Session, operation: str, **params: Any) -> tuple[Any, ...]:
    """``SELECT * FROM decision_inbox_<operation>(…)`` with typed, named arguments."""
    signature = SIGNATURES[operation]
    assert set(params) == {name for name, _ in signature}, (operation, sorted(params))
    args = ", ".join(f"{name} => CAST(:{name} AS {kind})" for name, kind in signature)
    statement = text(f"SELECT * FROM decision_inbox_{operation}({args})")
    return tuple(session.execute(statement, params).one())


def create(
    session: Session,
    actor: str,
    *,
    title: str,
    body: str,
    team: str | None,
    audience: Sequence[tuple[str, str, Role]],
    assertions: Mapping[str, str],
    at: datetime,
) -> str:
    row = call(
        session,
        "create",
        p_actor=actor,
        p_title=title,
        p_body=body,
        p_team=team,
        p_audience_kinds=[kind for kind, _, _ in audience],
        p_audience_names=[name for _, name, _ in audience],
        p_audience_roles=[role.value for _, _, role in audience],
        p_assertion_keys=list(assertions),
        p_assertion_values=list(assertions.values()),
        p_at=at,
    )
    return str(row[0])
