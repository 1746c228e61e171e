"""Reliance and code drift, the pure rules (docs/check.md, "--report"): a reported binding makes
its team rely on the key; relying on a key a live decision asserts is being in its ack
audience; a drift reported against a finalized decision is an item for its owner and the team."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from inbox.core.detail import build_detail
from inbox.core.digest import build_digest
from inbox.core.inbox import compute_inbox
from inbox.core.model import CodeCheck, CodeValue, Decision, Reason, Snapshot, State
from inbox.core.reliance import latest_checks
from tests.core.builders import NOW, decision, revise, snapshot, with_ack

KEY = "auth.token.refresh_minutes"


def token(**kwargs: object) -> object:
    return decision("D-1", owner="ana", assertions={KEY: "60"}, ack=["team:mobile"], **kwargs)  # type: ignore[arg-type]


def checked(
    found: str, status: str, *, team: str = "frontend", repo: str = "web", hours: int = 0,
    revision: int = 1, key: str = KEY,
) -> CodeCheck:  # fmt: skip
    value = CodeValue(key, found, status, "D-1", revision)
    return CodeCheck(team, repo, "3f2a9c1d", "fred", NOW - timedelta(hours=hours), (value,))


def world(d: Decision, *checks: CodeCheck) -> Snapshot:
    return replace(snapshot(d), code_checks=latest_checks(checks))


def reasons(user: str, snap: Snapshot) -> list[tuple[str, Reason]]:
    return [(i.key, i.reason) for i in compute_inbox(user, snap, NOW)]


def test_without_a_report_frontend_owes_nothing_and_with_one_it_must_acknowledge() -> None:
    d = token()
    assert reasons("fred", world(d)) == []
    snap = world(d, checked("60", "holds"))
    items = compute_inbox("fred", snap, NOW)
    assert [(i.key, i.reason) for i in items] == [("D-1", Reason.NEEDS_ACK)]
    assert items[0].relies_on == (f"{KEY} in web",)
    assert items[0].to_json()["relies_on"] == [f"{KEY} in web"]
    # fatima is in frontend too: the team relies, not only the reporter
    assert reasons("fatima", snap) == [("D-1", Reason.NEEDS_ACK)]
    assert reasons("bo", snap) == []


def test_a_material_revision_reaches_the_relying_team_as_changed_since_ack() -> None:
    d = with_ack(token(), "fred", 1)
    snap = world(d, checked("60", "holds"))
    assert reasons("fred", snap) == []
    later = revise(d, assertions={KEY: "30"})
    items = compute_inbox("fred", world(later, checked("60", "holds")), NOW)
    assert [(i.reason, i.acked_revision) for i in items] == [(Reason.CHANGED_SINCE_ACK, 1)]
    assert items[0].relies_on == (f"{KEY} in web",)


def test_the_owner_counts_the_relying_team_and_sees_who_relies() -> None:
    d = token()
    snap = world(d, checked("60", "holds"), checked("60", "holds", team="mobile", repo="app"))
    detail = build_detail(snap, "D-1", "ana", NOW)
    assert detail.relied_on_label == "relied on by: frontend (web), mobile (app)"
    assert set(detail.coverage[-1].missing) == {"fred", "fatima", "mo"}
    awaiting = [i for i in compute_inbox("ana", snap, NOW) if i.reason is Reason.AWAITING_ACKS]
    assert awaiting[0].missing == ("fatima", "fred", "mo")
    assert [a.label for a in detail.code] == [
        "frontend · web @ 3f2a9c1: 60 — holds",
        "mobile · app @ 3f2a9c1: 60 — holds",
    ]


def test_a_draft_shows_who_relies_but_asks_nothing() -> None:
    d = token(state=State.DRAFT)
    snap = world(d, checked("15", "no_decision"))
    assert build_detail(snap, "D-1", "ana", NOW).relied_on_label == "relied on by: frontend (web)"
    assert reasons("fred", snap) == []


def test_a_drift_is_an_item_for_the_owner_and_the_team_until_a_later_report_holds() -> None:
    d = token()
    drifting = world(d, checked("15", "drift", hours=2))
    owner = [i for i in compute_inbox("ana", drifting, NOW) if i.reason is Reason.CODE_DRIFT]
    assert len(owner) == 1
    drift = owner[0].drifts[0]
    assert (drift.where, drift.key, drift.found, drift.expected) == (
        "frontend · web @ 3f2a9c1",
        KEY,
        "15",
        "60",
    )
    assert ("D-1", Reason.CODE_DRIFT) in reasons("fatima", drifting)
    assert ("D-1", Reason.CODE_DRIFT) not in reasons("mo", drifting)  # mobile's code is fine
    assert build_digest(drifting, [], NOW - timedelta(days=7), NOW).drifts[0].drift == drift
    fixed = world(d, checked("15", "drift", hours=2), checked("60", "holds", hours=1))
    assert ("D-1", Reason.CODE_DRIFT) not in reasons("ana", fixed)
    assert ("D-1", Reason.CODE_DRIFT) not in reasons("fred", fixed)


def test_another_repository_holding_does_not_clear_a_drift() -> None:
    d = token()
    snap = world(d, checked("15", "drift", hours=2), checked("60", "holds", repo="admin"))
    assert ("D-1", Reason.CODE_DRIFT) in reasons("ana", snap)


def test_a_material_revision_after_the_report_turns_the_drift_into_an_acknowledgment() -> None:
    d = revise(token(), assertions={KEY: "15"})  # r2 says what the code said against r1
    snap = world(d, checked("15", "drift", revision=1))
    assert ("D-1", Reason.CODE_DRIFT) not in reasons("ana", snap)
    assert reasons("fred", snap) == [("D-1", Reason.NEEDS_ACK)]


def test_a_drift_of_a_decision_no_longer_finalized_is_no_item() -> None:
    d = token(state=State.WITHDRAWN)
    assert ("D-1", Reason.CODE_DRIFT) not in reasons("ana", world(d, checked("15", "drift")))


def test_a_later_report_without_the_key_ends_the_reliance() -> None:
    d = token()
    other = checked("dark", "no_decision", hours=0, key="ui.theme")
    snap = world(d, checked("60", "holds", hours=1), other)
    assert reasons("fred", snap) == []
    assert build_detail(snap, "D-1", "ana", NOW).relied_on_by == ()
