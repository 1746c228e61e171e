"""A refusal of the store's own write functions, as the client's typed error.

On PostgreSQL the rules live in the database (migration v3): a function refuses with a SQLSTATE
of class ``DI`` and a DETAIL holding a JSON object of the facts. On SQLite a trigger of the same
migration aborts with a message that starts with ``SQLITE_RULE``. This is the one place those
become ``inbox.core.errors`` values, worded as the SQLite path words the same refusal, so both
backends say the same sentence and the command line's exit codes stay what they are.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from inbox.core import lifecycle
from inbox.core.errors import (
    FieldError,
    InboxError,
    LifecycleError,
    MaterialChangeError,
    NotFoundError,
    PermissionDeniedError,
    StaleRevisionError,
    UsageError,
    ValidationError,
)
from inbox.core.model import State

CLASS = "DI"


# SQLite's triggers (migration v3) start their message with this; SQLite has no SQLSTATE.
SQLITE_RULE = "decision-inbox rule: "


def from_database(orig: BaseException | None) -> InboxError | None:
    """The typed error for a refusal by the store's own rules, else None."""
    if SQLITE_RULE in str(orig):
        rule = str(orig).split(SQLITE_RULE, 1)[1].strip().rstrip(".")
        return PermissionDeniedError(f"The store refused this: {rule}.")
    sqlstate = str(getattr(orig, "sqlstate", None) or "")
    if not sqlstate.startswith(CLASS):
        return None
    diag = getattr(orig, "diag", None)
    message = str(getattr(diag, "message_primary", None) or orig)
    try:
        facts: dict[str, Any] = json.loads(getattr(diag, "message_detail", None) or "{}")
    except ValueError:
        facts = {}
    return _typed(sqlstate, message, facts)


def _typed(sqlstate: str, message: str, facts: dict[str, Any]) -> InboxError:
    if sqlstate == "DI001":
        return _lifecycle(facts, message)
    if sqlstate == "DI002":
        return StaleRevisionError(facts["key"], int(facts["current"]), int(facts["based_on"]))
    if sqlstate == "DI003":
        return _not_found(facts, message)
    if sqlstate == "DI004":
        return PermissionDeniedError(message)
    if sqlstate == "DI006":
        return FieldError(
            str(facts.get("field", "")), str(facts.get("problem", "")), message,
            limit=facts.get("limit"),
        )  # fmt: skip
    if sqlstate == "DI007":
        return MaterialChangeError(facts["key"])
    if sqlstate == "DI000":
        return UsageError(message)
    if sqlstate == "DI010":
        return PermissionDeniedError(f"The store refused this: {message.rstrip('.')}.")
    return _not_allowed(facts, message)  # DI005 and any rule added later


def _lifecycle(facts: dict[str, Any], message: str) -> InboxError:
    try:
        deadline = facts.get("deadline")
        lifecycle.check_transition(
            facts["key"],
            State(facts["state"]),
            facts["action"],
            deadline=datetime.fromisoformat(deadline) if deadline else None,
        )
    except LifecycleError as exc:
        return exc  # the very sentence the SQLite path raises
    except (KeyError, ValueError):
        pass
    return ValidationError(message)


def _not_allowed(facts: dict[str, Any], message: str) -> InboxError:
    if facts.get("reason") != "owning_team":
        return ValidationError(message)
    try:
        lifecycle.owning_team(str(facts["person"]), list(facts["teams"]), facts.get("team"))
    except ValidationError as exc:
        return exc  # the very sentence the SQLite path raises
    except (KeyError, TypeError):
        pass
    return ValidationError(message)


def _not_found(facts: dict[str, Any], message: str) -> NotFoundError:
    kind, key = str(facts.get("kind", "")), str(facts.get("key", ""))
    if kind == "decision":
        # Worded as inbox.store.reader.find_decision words it.
        message = (
            f"There is no decision {key} in this store; `decision-inbox inbox` lists the ones "
            "that concern you."
        )
    return NotFoundError(message, kind=kind, key=key)
