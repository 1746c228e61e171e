"""The demo, through `decision-inbox demo`, on both stores."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, text

from inbox.config import Config
from inbox.config.profile import Profile
from inbox.store.connection import StoreConnection
from inbox.store.models import Base
from tests.sentences import one_sentence
from tests.store.helpers import initialised_service, run


def inbox_of(capsys: pytest.CaptureFixture[str], store: str, *user: str) -> dict[str, Any]:
    code, out, err = run(capsys, "--store", store, *user, "inbox", "--json")
    assert (code, err) == (0, ""), err
    return json.loads(out)  # type: ignore[no-any-return]


def table_counts(url: str) -> dict[str, int]:
    """Rows in every table of the store, and the newest change-feed sequence number."""
    store = StoreConnection.open(url)
    try:
        with store.engine.connect() as connection:
            counts = {
                table.name: connection.execute(select(func.count()).select_from(table)).scalar_one()
                for table in Base.metadata.sorted_tables
            }
            counts["change_log.max_seq"] = connection.execute(
                text("SELECT coalesce(max(seq), 0) FROM change_log")
            ).scalar_one()
        return counts
    finally:
        store.dispose()


def config(profile: Path) -> dict[str, Any]:
    file = Profile.locate(str(profile)).config_file
    return json.loads(file.read_text(encoding="utf-8")) if file.exists() else {}


def test_demo_first_screen_is_the_token_refresh_change(
    store_url: str, isolated_profile: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "--store", store_url, "demo")
    assert (code, err) == (0, "")
    assert "Seeded the demo" in out

    now = datetime.now(UTC)
    inbox = inbox_of(capsys, store_url)  # no --user: the demo made this profile fred
    assert inbox["user"] == "fred"
    items = inbox["items"]
    first = items[0]
    assert (first["key"], first["title"], first["reason"]) == (
        "D-1",
        "Token refresh policy",
        "changed_since_ack",
    )
    assert first["acked_revision"] == 1 and first["revision"] == 2
    assert first["state"] == "finalized" and first["owner"] == "ana"
    changes = {c["key"]: (c["old"], c["new"]) for c in first["diff"]["assertions"]}
    assert changes == {
        "auth.token.refresh_minutes": ("15", "60"),
        "auth.token.grace_minutes": (None, "5"),
    }
    assert "60 minutes" in first["diff"]["body"] and "grace" in first["diff"]["body"]

    conflicts = [i for i in items if i["reason"] == "conflict"]
    assert [c["conflict_key"] for c in conflicts] == ["auth.token.refresh_minutes"]
    values = {conflicts[0]["key"]: conflicts[0]["value"]}
    values |= {peer["key"]: peer["value"] for peer in conflicts[0]["conflicts_with"]}
    assert sorted(values.values()) == ["15", "60"] and values["D-1"] == "60"

    [feedback] = [i for i in items if i["reason"] == "feedback_requested"]
    deadline = datetime.fromisoformat(feedback["deadline"])
    assert now < deadline < now + timedelta(hours=25)
    assert feedback["state"] == "open" and feedback["overdue"] is False

    # Each reason the inbox shows is one the demo story explains.
    assert {i["reason"] for i in items} <= {
        "changed_since_ack",
        "conflict",
        "feedback_requested",
        "awaiting_acks",
        "informed",
        "needs_ack",
    }
    # The story is the same from the owner's side: ana waits for fred's re-acknowledgment.
    ana = inbox_of(capsys, store_url, "--user", "ana")
    awaiting = next(i for i in ana["items"] if i["reason"] == "awaiting_acks" and i["key"] == "D-1")
    assert "fred" in awaiting["missing"]


def test_demo_twice_adds_nothing(store_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "--store", store_url, "demo")[0] == 0
    before = table_counts(store_url)
    assert before["decisions"] == 9 and before["people"] == 6 and before["teams"] == 3
    assert before["change_log"] > 0 and before["change_log.max_seq"] > 0

    code, out, err = run(capsys, "--store", store_url, "demo")
    assert (code, err) == (0, "")
    assert "already" in out
    assert table_counts(store_url) == before


def test_demo_into_a_store_with_other_decisions_is_refused(
    store_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with initialised_service(store_url) as service:
        service.add_team("platform")
        service.add_person("zoe", name="Zoe", teams=["platform"])
        service.create("zoe", title="Our own decision")
    before = table_counts(store_url)

    code, out, err = run(capsys, "--store", store_url, "demo")
    assert code == 1 and out == ""
    line = one_sentence(err)
    assert "already holds 1 decision," in line and "--store" in line
    assert table_counts(store_url) == before


def test_demo_reuses_teams_and_people_already_in_the_store(
    store_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with initialised_service(store_url) as service:
        service.add_team("frontend")
        service.add_team("backend")
        service.add_person("fred", name="Fred F.", teams=["frontend"])
        service.add_person("ana", name="Ana A.", teams=["frontend"])  # not in backend yet

    code, _, err = run(capsys, "--store", store_url, "demo")
    assert (code, err) == (0, ""), err
    counts = table_counts(store_url)
    assert (counts["teams"], counts["people"], counts["decisions"]) == (3, 6, 9)
    # ana keeps her team and joins backend; the memberships are the demo's six plus that one.
    assert counts["memberships"] == 7
    assert inbox_of(capsys, store_url, "--user", "fred")["items"][0]["reason"] == (
        "changed_since_ack"
    )


def test_demo_sets_the_identity_only_when_none_was_configured(
    store_url: str,
    isolated_profile: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert config(isolated_profile) == {}
    code, out, _ = run(capsys, "--store", store_url, "demo")
    assert code == 0 and "You are now fred" in out
    assert config(isolated_profile)["user"] == "fred"

    # A profile whose identity is already set keeps it.
    other = tmp_path / "other-profile"
    Profile.locate(str(other)).save(Config(user="zoe", store="elsewhere.sqlite"))
    code, out, _ = run(capsys, "--store", store_url, "--profile-dir", str(other), "demo")
    assert code == 0 and "You are now" not in out
    assert config(other) == {"user": "zoe", "store": "elsewhere.sqlite"}

    # So does one where the identity comes from --user, for this run only.
    third = tmp_path / "third-profile"
    code, out, _ = run(
        capsys, "--store", store_url, "--profile-dir", str(third), "--user", "mia", "demo"
    )
    assert code == 0 and "You are now" not in out
    assert config(third) == {}

    # And one where it comes from $DECISION_INBOX_USER.
    fourth = tmp_path / "fourth-profile"
    monkeypatch.setenv("DECISION_INBOX_USER", "mia")
    code, out, _ = run(capsys, "--store", store_url, "--profile-dir", str(fourth), "demo")
    assert code == 0 and "You are now" not in out
    assert config(fourth) == {}


def test_demo_on_the_embedded_store(
    isolated_profile: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "demo")
    assert (code, err) == (0, "")
    assert (isolated_profile / "store.sqlite").exists()
    code, out, err = run(capsys, "inbox")
    assert (code, err) == (0, "")
    assert out.startswith("Inbox of fred:")
    assert "D-1" in out and "Token refresh policy" in out and "15 → 60" in out
