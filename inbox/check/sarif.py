"""SARIF 2.1.0, the format GitHub code scanning (and others) show inline on pull requests.

Each result carries a ``partialFingerprints`` entry made of what identifies the binding (rule,
key, file, locator) and nothing that changes when the value or its line does, so an alert keeps
its identity across commits and is closed, not duplicated, when the code is fixed.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any
from urllib.parse import quote

from inbox.check.output import RULES, Run
from inbox.check.status import Result, Status

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
FINGERPRINT = "decisionBinding/v1"

_RULE_TEXT: dict[Status, tuple[str, str, str]] = {
    Status.DRIFT: (
        "The code disagrees with a finalized decision",
        "A value bound in decisions.toml differs from what the finalized decision asserting its "
        "key says at its current revision.",
        "Change the value in the file to what the decision says, or, if the code is right, ask "
        "the decision's owner to revise the decision; then run the check again.",
    ),
    Status.CONFLICT: (
        "Live decisions disagree on a bound key",
        "Two or more open or finalized decisions assert different values for the key this "
        "binding follows, so the code cannot agree with all of them.",
        "Settle the disagreement in the store: the owners revise, supersede or withdraw one "
        'decision. A binding may also follow one decision with decision = "D-n".',
    ),
    Status.UNRESOLVED: (
        "A binding does not resolve",
        "The file of a binding does not exist or cannot be parsed, its JSON pointer or path "
        "names nothing, or its regex does not match exactly once.",
        "Fix the binding in decisions.toml (file and locator) or the file it points at, so the "
        "locator finds exactly one value.",
    ),
    Status.NO_DECISION: (
        "No live decision asserts a bound key",
        "No open or finalized decision asserts the key of this binding, so there is nothing to "
        "check the value against (an error with --strict).",
        "Record a decision asserting the key (decision-inbox new --assert KEY=VALUE), or drop "
        "the binding.",
    ),
    Status.PROPOSED: (
        "Only an open decision asserts a bound key",
        "The key is asserted by a decision that is still open for feedback: its value may "
        "change before it is finalized.",
        "Give feedback on the decision before its deadline, and check again once it is finalized.",
    ),
}


def sarif(run: Run, version: str) -> str:
    """The SARIF log of ``run``; ``version`` is the tool's."""
    rules = list(RULES)
    document: dict[str, Any] = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "decision-inbox",
                        "version": version,
                        "rules": [_rule(status) for status in rules],
                    }
                },
                "results": [_result(run, r, rules.index(r.status)) for r in run.problems()],
                "properties": {
                    "bindings": run.bindings,
                    "store": run.store,
                    "fromCache": run.from_cache,
                    "strict": run.strict,
                },
            }
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _rule(status: Status) -> dict[str, Any]:
    short, full, help_text = _RULE_TEXT[status]
    level = "error" if status in (Status.DRIFT, Status.CONFLICT, Status.UNRESOLVED) else "warning"
    return {
        "id": RULES[status],
        "name": "".join(part.title() for part in RULES[status].split("-")),
        "shortDescription": {"text": short},
        "fullDescription": {"text": full},
        "help": {"text": help_text, "markdown": help_text},
        "defaultConfiguration": {"level": level},
    }


def _result(run: Run, result: Result, index: int) -> dict[str, Any]:
    path, line = run.location(result)
    physical: dict[str, Any] = {"artifactLocation": {"uri": quote(path)}}
    if line:
        physical["region"] = {"startLine": line}
    b = result.binding
    identity = "\n".join((RULES[result.status], b.key, b.file, b.locator, b.target))
    return {
        "ruleId": RULES[result.status],
        "ruleIndex": index,
        "level": run.level(result),
        "message": {"text": result.sentence},
        "locations": [{"physicalLocation": physical}],
        "partialFingerprints": {FINGERPRINT: hashlib.sha256(identity.encode()).hexdigest()},
    }
