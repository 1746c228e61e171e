"""``check --report`` end to end on PostgreSQL, every part real: a cluster of its own with a login
per person, the demo's sample repository in git, the command line in child processes, and ana's
running app (offscreen) with the notification daemon mock on a private session bus.

fred reports the frontend's web repository, whose config still says 15 while D-1 says 60: the
store records it under fred's login, ana's and fred's inboxes get ``code_drift``, and ana's app
puts a Notify on the bus. mallory, of another team, is refused by the database (exit 4, one
sentence). After the file says 60 and fred reports again, the drift is gone everywhere and ana's
popup is closed."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from inbox.store import roles
from inbox.store.connection import StoreConnection
from inbox.store.service import StoreService
from tests import pg
from tests.app.child import AppProcess
from tests.notify.bus import NotificationBus, NotifyCall, private_bus
from tests.processes import Result, cli

pytestmark = [pytest.mark.dbus, pytest.mark.postgres, pytest.mark.slow]

KEY = "auth.token.refresh_minutes"
SUMMARY = "D-1: the code disagrees: Token refresh policy"


@pytest.fixture
def notification_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[NotificationBus]:
    yield from private_bus(monkeypatch, server=True)


def _git(repo: Path, *args: str) -> str:
    identity = ["-c", "user.name=Fred", "-c", "user.email=fred@example.org"]
    done = subprocess.run(
        ["git", *identity, *args], cwd=repo, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def _reasons(result: Result) -> list[tuple[str, str]]:
    return [(i["key"], i["reason"]) for i in result.json()["items"]]


def _drift_popups(bus: NotificationBus) -> list[NotifyCall]:
    return [c for c in bus.notify_calls() if c.summary == SUMMARY]


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git for the report's commit")
def test_a_report_puts_the_drift_in_both_inboxes_and_on_the_bus_and_a_fixed_one_clears_it(
    notification_server: NotificationBus, own_pg: pg.ThrowawayCluster, tmp_path: Path
) -> None:
    database = pg.create_database(own_pg.admin_url)
    admin = pg.sqlalchemy_url(own_pg.admin_url, database=database)

    def url(role: str) -> str:
        return f"postgresql://{role}@127.0.0.1:{own_pg.port}/{database}"

    setup = {**os.environ, "DECISION_INBOX_PROFILE": str(tmp_path / "admin")}
    cli("init", store=admin, env=setup)
    repo = tmp_path / "web"
    cli("demo", "--repo", str(repo), store=admin, env=setup)
    store = StoreConnection.open(admin)
    try:
        StoreService(store).add_person("mallory", name="Mallory", teams=["mobile"])
        for handle in ("ana", "fred", "mallory"):
            roles.grant(store, handle, "secret")
    finally:
        store.dispose()
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "web app")
    commit = _git(repo, "rev-parse", "HEAD")
    bindings = str(repo / "decisions.toml")

    app = AppProcess(tmp_path / "ana", url("ana"), "ana", notifier="desktop-notifier")
    bus = notification_server
    app.start()
    try:
        app.wait_for(bus.notify_calls, 60, "the first-sync popup")
        assert _drift_popups(bus) == []
        reported = cli(
            "check", "--report", "--bindings", bindings, store=url("fred"), user="fred", check=False
        )
        assert reported.code == 1, reported.err  # the check's own exit: the code drifts
        assert f"{KEY} is 15 here, but D-1" in reported.out
        assert reported.err.strip() == (
            f"decision-inbox: Reported frontend · web @ {commit[:7]}: 1 binding, 1 drift."
        )
        app.wait_for(lambda: _drift_popups(bus), 10, "the code drift popup")
        popup = _drift_popups(bus)[0]
        assert popup.body == (
            f"frontend · web @ {commit[:7]}: {KEY} is 15 in the code; D-1 says 60."
        )
        for person in ("ana", "fred"):
            inbox = cli("inbox", "--json", store=url(person))
            assert ("D-1", "code_drift") in _reasons(inbox), person
        drift = next(i for i in cli("inbox", "--json", store=url("ana")).json()["items"]
                     if i["reason"] == "code_drift")  # fmt: skip
        assert drift["drifts"][0] | {"at": None} == {
            "team": "frontend", "repo": "web", "commit": commit, "key": KEY, "found": "15",
            "expected": "60", "at": None,
        }  # fmt: skip
        shown = cli("show", "D-1", "--json", store=url("ana")).json()
        assert [(c["team"], c["repo"], c["commit"], c["found"], c["status"]) for c in shown["code"]] == [
            ("frontend", "web", commit, "15", "drift")
        ]  # fmt: skip
        assert shown["relied_on_by"] == [{"team": "frontend", "repo": "web", "key": KEY}]

        refused = cli(
            "check", "--report", "--bindings", bindings, store=url("mallory"), user="mallory",
            check=False,
        )  # fmt: skip
        assert refused.code == 4
        assert refused.err.strip().splitlines()[-1] == (
            "decision-inbox: mallory is not a member of frontend, so cannot report frontend's "
            "code; report with a login of that team."
        )
        assert len(refused.err.strip().splitlines()) == 1

        config = repo / "src" / "auth" / "config.json"
        config.write_text(config.read_text().replace("15", "60"), encoding="utf-8")
        _git(repo, "commit", "-q", "-am", "refresh every 60 minutes, as D-1 says")
        fixed = cli("check", "--report", "--bindings", bindings, store=url("fred"), user="fred")
        assert fixed.code == 0
        for person in ("ana", "fred"):
            inbox = cli("inbox", "--json", store=url(person))
            assert ("D-1", "code_drift") not in _reasons(inbox), person
        popup_id = 1 + [c for c in bus.notify_calls() if not c.replaces_id].index(popup)
        app.wait_for(lambda: popup_id in bus.close_calls(), 10, "the drift popup closed")
        assert len(_drift_popups(bus)) == 1, "one popup for one drift"
        later = cli("show", "D-1", "--json", store=url("ana")).json()["code"]
        assert [(c["commit"], c["found"], c["status"]) for c in later] == [
            (_git(repo, "rev-parse", "HEAD"), "60", "holds")
        ]
    finally:
        app.stop()
