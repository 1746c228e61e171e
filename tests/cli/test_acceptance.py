"""The acceptance script of the command line (the token-refresh story), through the real
command line, on both stores."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from inbox.store.schema import SCHEMA_VERSION
from tests.processes import cli, reasons
from tests.sentences import one_sentence


def test_acceptance_script(store_url: str) -> None:
    s = store_url
    assert f"schema v{SCHEMA_VERSION}" in cli("init", store=s).out
    cli("team", "add", "backend", store=s)
    cli("team", "add", "frontend", store=s)
    cli("person", "add", "ana", "--name", "Ana", "--team", "backend", store=s)
    cli("person", "add", "fred", "--name", "Fred", "--team", "frontend", store=s)

    key = cli(
        "new",
        "--title",
        "Token refresh policy",
        "--ack",
        "team:frontend",
        "--consult",
        "person:fred",
        "--assert",
        "auth.token.refresh_minutes=15",
        store=s,
        user="ana",
    ).out.strip()
    assert key == "D-1"
    assert reasons(s, "fred") == [] and reasons(s, "ana") == []

    tomorrow = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    cli("open", key, "--deadline", tomorrow, store=s, user="ana")
    assert reasons(s, "fred") == ["feedback_requested"]
    assert reasons(s, "ana") == []

    cli("finalize", key, store=s, user="ana")
    assert reasons(s, "fred") == ["needs_ack"]
    ana = cli("inbox", "--json", store=s, user="ana").json()
    assert [i["reason"] for i in ana["items"]] == ["awaiting_acks"]
    assert ana["items"][0]["missing"] == ["fred"]
    assert ana["items"][0]["coverage"] == {"acked": 0, "total": 1}

    assert "Acknowledged D-1 r1" in cli("ack", key, store=s, user="fred").out
    assert reasons(s, "fred") == [] and reasons(s, "ana") == []

    cli(
        "revise",
        key,
        "--assert",
        "auth.token.refresh_minutes=60",
        "--summary",
        "60 minutes",
        store=s,
        user="ana",
    )
    fred = cli("inbox", "--json", store=s, user="fred").json()
    assert fred["user"] == "fred"
    [item] = fred["items"]
    assert item["reason"] == "changed_since_ack"
    assert item["acked_revision"] == 1 and item["revision"] == 2
    assert item["diff"]["assertions"] == [
        {"key": "auth.token.refresh_minutes", "old": "15", "new": "60"}
    ]
    assert reasons(s, "ana") == ["awaiting_acks"]

    own = cli(
        "new",
        "--title",
        "Web session timer",
        "--assert",
        "auth.token.refresh_minutes=15",
        store=s,
        user="fred",
    ).out.strip()
    cli("finalize", own, store=s, user="fred")
    assert reasons(s, "fred") == ["changed_since_ack", "conflict"]
    assert reasons(s, "ana") == ["conflict", "awaiting_acks"]
    conflict = next(
        i
        for i in cli("inbox", "--json", store=s, user="fred").json()["items"]
        if i["reason"] == "conflict"
    )
    assert conflict["conflict_key"] == "auth.token.refresh_minutes"
    assert conflict["key"] == own and conflict["value"] == "15"
    assert [p["key"] for p in conflict["conflicts_with"]] == [key]

    stale = cli(
        "revise",
        key,
        "--expect-revision",
        "1",
        "--title",
        "Token refresh",
        "--summary",
        "stale",
        store=s,
        user="ana",
        check=False,
    )
    assert stale.code == 3
    one_sentence(stale.err)
    assert "revision 2" in stale.err

    denied = cli("finalize", key, store=s, user="fred", check=False)
    assert denied.code == 4
    one_sentence(denied.err)

    unknown = cli("show", "D-99", store=s, check=False)
    assert unknown.code != 0
    one_sentence(unknown.err)
    draft = cli("new", "--title", "Later", store=s, user="ana").out.strip()
    past = cli(
        "open", draft, "--deadline", "2020-01-01T10:00:00+00:00", store=s, user="ana", check=False
    )
    assert past.code != 0
    one_sentence(past.err)
    assert "past" in past.err
    malformed = cli(
        "new", "--title", "Bad", "--assert", "refresh minutes 15", store=s, user="ana", check=False
    )
    one_sentence(malformed.err)
    assert malformed.code == 2
