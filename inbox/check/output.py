"""The outputs of ``check``: text lines, JSON, GitHub workflow commands (SARIF is ``sarif``).

A problem is shown where it can be fixed: a value at its line in its file, a binding that does
not resolve at its ``[[bind]]`` line in the bindings file.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from inbox.check.status import Result, Status

RULES: dict[Status, str] = {
    Status.DRIFT: "decision-drift",
    Status.CONFLICT: "decision-conflict",
    Status.UNRESOLVED: "binding-unresolved",
    Status.NO_DECISION: "no-decision",
    Status.PROPOSED: "decision-proposed",
}
_ORDER = tuple(Status)


@dataclass(frozen=True)
class Run:
    """One check: its results and what they were checked against."""

    results: Sequence[Result]
    bindings: str  # the bindings file as shown (relative to the working directory if inside)
    display: Callable[[str], str]  # a bound file as shown
    team: str | None
    repo: str
    store: str
    from_cache: bool
    strict: bool

    @property
    def failed(self) -> bool:
        return any(r.fails(self.strict) for r in self.results)

    def location(self, result: Result) -> tuple[str, int | None]:
        if result.status is Status.UNRESOLVED:
            return self.bindings, result.binding.line
        return self.display(result.binding.file), result.line

    def level(self, result: Result) -> str:
        """error, warning or none (a binding that holds)."""
        if result.fails(self.strict):
            return "error"
        return "none" if result.status is Status.HOLDS else "warning"

    def problems(self) -> list[Result]:
        return [r for r in self.results if r.status is not Status.HOLDS]

    def summary(self) -> str:
        counts = Counter(r.status for r in self.results)
        parts = ", ".join(f"{counts[s]} {s.value}" for s in _ORDER if counts[s])
        n = len(self.results)
        source = " (from this profile's cache)" if self.from_cache else ""
        return f"Checked {n} binding{'' if n == 1 else 's'} of {self.bindings}{source}: {parts}."


def text(run: Run) -> str:
    lines = []
    for result in run.problems():
        path, line = run.location(result)
        where = f"{path}:{line}" if line else path
        warning = "warning: " if run.level(result) == "warning" else ""
        lines.append(f"{where}: {warning}{result.sentence}")
    lines.append(run.summary())
    return "\n".join(lines) + "\n"


def as_json(run: Run) -> str:
    document = {
        "bindings": run.bindings,
        "team": run.team,
        "repo": run.repo,
        "store": run.store,
        "from_cache": run.from_cache,
        "strict": run.strict,
        "failed": run.failed,
        "results": [_result_json(run, r) for r in run.results],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _result_json(run: Run, r: Result) -> dict[str, Any]:
    b = r.binding
    path, line = run.location(r)
    return {
        "key": b.key,
        "file": run.display(b.file),
        "line": r.line,
        "found": r.found,
        "expected": r.expected,
        "decision": r.governing.decision.key if r.governing else None,
        "revision": r.governing.decision.revision if r.governing else None,
        "status": r.status.value,
        "level": run.level(r),
        "message": r.sentence,
        "locator": {b.locator: b.target},
        "scale": b.scale,
        "location": {"file": path, "line": line},
        "decisions": [
            {
                "decision": a.decision.key,
                "title": a.decision.title,
                "state": a.decision.state.value,
                "revision": a.decision.revision,
                "owner": a.decision.owner,
                "value": a.value,
            }
            for a in r.asserting
        ],
    }


def github(run: Run) -> str:
    """Workflow commands (``::error file=…,line=…::…``): annotations on the pull request."""
    lines = []
    for result in run.problems():
        path, line = run.location(result)
        properties = f"file={_property(path)}"
        if line:
            properties += f",line={line}"
        properties += f",title={RULES[result.status]}"
        lines.append(f"::{run.level(result)} {properties}::{_data(result.sentence)}")
    lines.append(run.summary())
    return "\n".join(lines) + "\n"


def _data(text: str) -> str:
    # The escaping of the runner's workflow-command parser: %, CR and LF in the message.
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")
