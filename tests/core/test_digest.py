"""The weekly dependency-sync digest: window selection, team pairs, acks, conflicts, deadlines."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from inbox.core.digest import NO_AUDIENCE, NO_TEAM, Digest, build_digest
from inbox.core.model import Event, Snapshot
from tests.core.builders import decision, event, rev, revise, snapshot, with_ack

SINCE = datetime(2026, 11, 21, tzinfo=UTC)
UNTIL = datetime(2026, 11, 28, tzinfo=UTC)
KEY = "auth.token.refresh_minutes"


def day(n: float) -> datetime:
    return SINCE + timedelta(days=n)


def world() -> tuple[Snapshot, list[Event]]:
    d1 = revise(
        decision(
            "D-1",
            ack=["team:frontend", "person:mo"],
            assertions={KEY: "15"},
            acks=[("fred", 1), ("fatima", 1)],
        ),
        assertions={KEY: "60"},
    )
    d1 = revise(d1, body="typo", minor=True)
    d1 = with_ack(d1, "fatima", 2)
    d2 = decision(
        "D-2",
        owner="fred",
        team="frontend",
        state="open",
        title="Design tokens",
        inform=["team:frontend"],
        deadline=UNTIL + timedelta(days=2),
    )
    d3 = decision(
        "D-3",
        owner="mo",
        team="mobile",
        state="withdrawn",
        title="Offline mode",
        consult=["person:solo"],
    )
    d4 = decision("D-4", owner="bo", team=None, title="Legacy sessions", assertions={KEY: "15"})
    d5 = decision("D-5", title="Old news", ack=["team:mobile"])
    d6 = decision(
        "D-6",
        owner="fatima",
        team="frontend",
        state="open",
        title="Icons",
        deadline=UNTIL - timedelta(days=1),
        consult=["team:backend"],
    )
    d7 = decision("D-7", state="open", title="Far away", deadline=UNTIL + timedelta(days=8))
    d10 = decision(
        "D-10",
        title="Superseded thing",
        state="superseded",
        superseded_by="D-1",
        inform=["team:frontend"],
    )
    events = [
        event("created", "D-1", 1, day(-10), seq=1),
        event("finalized", "D-1", 1, day(-9), seq=2),
        event("revised", "D-1", 2, day(1), seq=10, material=True, summary="60 minutes"),
        event("feedback", "D-1", 2, day(1.5), seq=11, actor="fred", objection=True),
        event("feedback", "D-1", 2, day(1.6), seq=12, actor="mo", objection=False),
        event("acknowledged", "D-1", 2, day(1.7), seq=13, actor="fatima"),
        event("revised", "D-1", 3, day(2), seq=14, material=False, summary="typo"),
        event("created", "D-2", 1, day(0), seq=5, actor="fred"),  # exactly at since: inside
        event("opened", "D-2", 1, day(0.5), seq=6, actor="fred"),
        event("withdrawn", "D-3", 1, day(3), seq=20, actor="mo"),
        event("finalized", "D-4", 1, day(4), seq=21, actor="bo"),
        event("revised", "D-5", 2, day(-1), seq=3),  # before the window
        event("finalized", "D-7", 1, UNTIL, seq=30),  # at until: outside
        event("superseded", "D-10", 1, day(5), seq=31, by="D-1"),
        event("opened", "D-99", 1, day(2), seq=32),  # not in the snapshot
        event("team_added", None, None, day(2), seq=33),
    ]
    return snapshot(d1, d2, d3, d4, d5, d6, d7, d10), events


def build() -> Digest:
    snap, events = world()
    return build_digest(snap, events, SINCE, UNTIL)


def test_pairs_cross_team_first_then_same_team_then_no_audience() -> None:
    pairs = [(p.from_team, p.to_team) for p in build().pairs]
    assert pairs == [
        ("backend", "frontend"),
        ("backend", "mobile"),
        ("mobile", NO_TEAM),
        ("frontend", "frontend"),
        (NO_TEAM, NO_AUDIENCE),
    ]


def test_decisions_in_pairs() -> None:
    by_pair = {(p.from_team, p.to_team): [d.key for d in p.decisions] for p in build().pairs}
    assert by_pair == {
        ("backend", "frontend"): ["D-1", "D-10"],
        ("backend", "mobile"): ["D-1"],
        ("mobile", NO_TEAM): ["D-3"],
        ("frontend", "frontend"): ["D-2"],
        (NO_TEAM, NO_AUDIENCE): ["D-4"],
    }


def test_decision_entry_details() -> None:
    d1 = build().pairs[0].decisions[0]
    assert d1.key == "D-1"
    assert [h.label() for h in d1.happened] == ["revised r2", "revised r3 (minor)"]
    assert d1.waiting_for == ("fred", "mo")
    assert d1.ack_total == 3
    assert d1.objections == 1
    assert (d1.state, d1.revision, d1.owner) == ("finalized", 3, "ana")
    d2 = build().pairs[3].decisions[0]
    assert [h.label() for h in d2.happened] == ["created r1", "opened r1"]
    assert d2.waiting_for == ()
    d10 = build().pairs[0].decisions[1]
    assert [h.label() for h in d10.happened] == ["superseded by D-1"]


def test_conflicts_are_all_current_ones() -> None:
    (conflict,) = build().conflicts
    assert conflict.assertion_key == KEY
    assert [(v.key, v.value) for v in conflict.values] == [("D-1", "60"), ("D-4", "15")]


def test_deadlines_passed_or_within_a_week() -> None:
    deadlines = build().deadlines
    assert [(d.key, d.passed) for d in deadlines] == [("D-6", True), ("D-2", False)]


def test_json_shape() -> None:
    data = json.loads(json.dumps(build().to_json()))
    assert data["window"] == {
        "since": "2026-11-21T00:00:00+00:00",
        "until": "2026-11-28T00:00:00+00:00",
    }
    assert set(data) == {"window", "pairs", "conflicts", "deadlines", "drifts"}
    first = data["pairs"][0]
    assert (first["from_team"], first["to_team"]) == ("backend", "frontend")
    d1 = first["decisions"][0]
    assert d1["key"] == "D-1"
    assert d1["waiting_for"] == ["fred", "mo"]
    assert d1["objections"] == 1
    assert d1["happened"][0] == {
        "kind": "revised",
        "revision": 2,
        "at": "2026-11-22T00:00:00+00:00",
        "material": True,
        "summary": "60 minutes",
    }
    assert data["conflicts"][0]["assertion_key"] == KEY
    assert data["conflicts"][0]["values"][1] == {
        "key": "D-4",
        "title": "Legacy sessions",
        "owner": "bo",
        "value": "15",
    }
    assert data["deadlines"][0] == {
        "key": "D-6",
        "title": "Icons",
        "owner": "fatima",
        "team": "frontend",
        "deadline": "2026-11-27T00:00:00+00:00",
        "passed": True,
    }


def test_markdown_key_lines() -> None:
    md = build().to_markdown()
    lines = md.splitlines()
    assert lines[0] == "# Decision digest: 2026-11-21 – 2026-11-28"
    assert "## backend → frontend" in lines
    assert (
        "- **D-1** Token refresh policy (finalized, r3, owner ana): "
        "revised r2, revised r3 (minor); waiting for fred, mo; 1 objection"
    ) in lines
    assert "- **D-2** Design tokens (open, r1, owner fred): created r1, opened r1" in lines
    assert "- **D-3** Offline mode (withdrawn, r1, owner mo): withdrawn r1" in lines
    assert "## (no team) → (no audience)" in lines
    assert "## Conflicts" in lines
    assert (
        f"- `{KEY}`: **D-1** Token refresh policy says 60, **D-4** Legacy sessions says 15"
    ) in lines
    assert "## Deadlines" in lines
    assert "- **D-6** Icons (owner fatima): deadline passed 2026-11-27 00:00 UTC" in lines
    assert "- **D-2** Design tokens (owner fred): due 2026-11-30 00:00 UTC" in lines
    assert lines.index("## backend → frontend") < lines.index("## frontend → frontend")
    assert lines.index("## frontend → frontend") < lines.index("## Conflicts")
    assert lines.index("## Conflicts") < lines.index("## Deadlines")
    assert md.endswith("\n") and not md.endswith("\n\n")


def test_empty_window_says_so_in_one_line() -> None:
    snap = snapshot(decision("D-1", ack=["team:frontend"]))
    digest = build_digest(snap, [], SINCE, UNTIL)
    assert digest.is_empty()
    assert digest.to_markdown() == (
        "# Decision digest: 2026-11-21 – 2026-11-28\n\n"
        "No decisions were opened, finalized or changed in this window.\n"
    )
    assert digest.to_json() == {
        "window": {"since": "2026-11-21T00:00:00+00:00", "until": "2026-11-28T00:00:00+00:00"},
        "pairs": [],
        "conflicts": [],
        "deadlines": [],
        "drifts": [],
    }


def test_empty_window_still_lists_conflicts() -> None:
    a = decision("D-1", assertions={KEY: "1"})
    b = decision("D-2", assertions={KEY: "2"})
    digest = build_digest(snapshot(a, b), [], SINCE, UNTIL)
    lines = digest.to_markdown().splitlines()
    assert "No decisions were opened, finalized or changed in this window." in lines
    assert "## Conflicts" in lines


def test_created_or_acknowledged_alone_do_not_put_a_decision_on_the_agenda() -> None:
    snap = snapshot(decision("D-1", state="draft"), decision("D-2", ack=["person:fred"]))
    events = [
        event("created", "D-1", 1, day(1)),
        event("acknowledged", "D-2", 1, day(1), actor="fred"),
        event("feedback", "D-2", 1, day(1), actor="fred", objection=True),
    ]
    assert build_digest(snap, events, SINCE, UNTIL).pairs == ()


def test_person_in_several_teams_appears_in_each_pair() -> None:
    people = {"ana": ["backend"], "pat": ["frontend", "mobile"]}
    d = decision("D-1", ack=["person:pat", "team:frontend"], revisions=[rev(1)])
    snap = snapshot(d, people=people)
    digest = build_digest(snap, [event("finalized", "D-1", 1, day(1))], SINCE, UNTIL)
    assert [(p.from_team, p.to_team) for p in digest.pairs] == [
        ("backend", "frontend"),
        ("backend", "mobile"),
    ]
    assert digest.pairs[0].decisions[0].waiting_for == ("pat",)


def test_events_in_time_order_regardless_of_input_order() -> None:
    snap = snapshot(revise(decision("D-1", state="open"), body="x"))
    events = [
        event("revised", "D-1", 2, day(2), seq=2, material=True),
        event("opened", "D-1", 1, day(1), seq=1),
    ]
    (pair,) = build_digest(snap, events, SINCE, UNTIL).pairs
    assert [h.kind for h in pair.decisions[0].happened] == ["opened", "revised"]
