"""The digest's code drifts: where a team's code, as last reported, disagrees with a finalized
decision (``check --report``). Current, like the digest's conflicts: a drift is on the agenda
until the code or the decision is fixed, whenever it began."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from inbox.core.keys import decision_sort_key
from inbox.core.model import Snapshot
from inbox.core.reliance import CodeDrift, drifts_of
from inbox.core.times import as_utc


@dataclass(frozen=True)
class DigestDrift:
    key: str
    title: str
    owner: str
    drift: CodeDrift

    def to_json(self) -> dict[str, Any]:
        drift = self.drift.to_json()
        drift["assertion_key"] = drift.pop("key")  # "key" is the decision's, as elsewhere
        return {"key": self.key, "title": self.title, "owner": self.owner, **drift}

    def to_markdown(self) -> str:
        d = self.drift
        title = " ".join(self.title.split())
        return (
            f"- **{self.key}** {title} (owner {self.owner}): {d.where} has `{d.key}` = "
            f"{d.found}, the decision says {d.expected} (reported "
            f"{as_utc(d.at):%Y-%m-%d %H:%M} UTC)"
        )


def code_drifts(snapshot: Snapshot) -> tuple[DigestDrift, ...]:
    out = [
        DigestDrift(decision.key, decision.title, decision.owner, drift)
        for decision in snapshot.decisions
        for _, drift in drifts_of(decision, snapshot)
    ]
    return tuple(sorted(out, key=lambda d: (decision_sort_key(d.key), d.drift.team, d.drift.repo)))
