"""Code checks in the store (schema v4), on both backends: a member reports for their team, the
feed says so, the latest check of each repository is what clients load, and the store refuses a
report for a team the reporter is not in, a malformed one, or one naming a revision that does
not exist (docs/check.md, "--report")."""

from __future__ import annotations

import pytest

from inbox.core.errors import FieldError, NotFoundError, PermissionDeniedError
from inbox.core.model import CodeValue
from inbox.store import feed
from inbox.store.code_checks import load_code_checks
from inbox.store.models import CodeCheckRow, CodeValueRow
from inbox.store.reports import not_member
from tests.store.helpers import count, open_store, token_decision

KEY = "auth.token.refresh_minutes"


def drift(found: str = "15", status: str = "drift", revision: int = 1) -> tuple[CodeValue, ...]:
    return (CodeValue(KEY, found, status, "D-1", revision),)


def test_a_member_reports_and_the_latest_check_of_each_repository_is_loaded(
    store_url: str,
) -> None:
    store, service = open_store(store_url)
    try:
        token_decision(service)
        service.add_team("mobile")
        service.add_person("mo", name="Mo", teams=["mobile"])
        with store.read() as session:
            before = feed.end(session.connection())
        first = service.report(
            "fred", team="frontend", repo="web", commit="3f2a9c1d", values=drift()
        )
        assert first.events == ("code_checked",)
        assert first.message == "Reported frontend · web @ 3f2a9c1: 1 binding, 1 drift."
        service.report(
            "fred", team="frontend", repo="web", commit=None, values=drift("60", "holds")
        )
        service.report("mo", team="mobile", repo="app", commit=None, values=drift("15"))
        with store.read() as session:
            checks = load_code_checks(session)
            events = feed.read(session.connection(), before).events
        assert [(c.team, c.repo, c.commit, c.values[0].status) for c in checks] == [
            ("frontend", "web", None, "holds"),
            ("mobile", "app", None, "drift"),
        ]
        assert checks[0].reporter == "fred"
        assert [(e.kind, e.actor, e.decision) for e in events] == [
            ("code_checked", "fred", None),
            ("code_checked", "fred", None),
            ("code_checked", "mo", None),
        ]
        assert events[0].data["team"] == "frontend" and events[0].data["drifts"] == 1
        assert count(store, CodeCheckRow) == 3
    finally:
        store.dispose()


def test_the_store_refuses_a_report_for_another_team(store_url: str) -> None:
    store, service = open_store(store_url)
    try:
        token_decision(service)
        with pytest.raises(PermissionDeniedError) as refused:
            service.report("ana", team="frontend", repo="web", commit=None, values=drift())
        assert str(refused.value) == not_member("ana", "frontend")
        assert count(store, CodeCheckRow) == 0
        assert count(store, CodeValueRow) == 0
    finally:
        store.dispose()


@pytest.mark.parametrize(
    ("repo", "commit", "values", "error"),
    [
        ("../web", None, drift(), FieldError),
        ("web", "not-a-commit", drift(), FieldError),
        ("web", None, drift(revision=7), NotFoundError),
        ("web", None, (CodeValue(KEY, "15", "drift", None, None),), FieldError),
        ("web", None, (CodeValue(KEY, "15", "wrong", None, None),), FieldError),
    ],
    ids=["repo", "commit", "revision", "drift-without-decision", "status"],
)
def test_the_store_refuses_a_malformed_report(
    store_url: str,
    repo: str,
    commit: str | None,
    values: tuple[CodeValue, ...],
    error: type[Exception],
) -> None:
    store, service = open_store(store_url)
    try:
        token_decision(service)
        with pytest.raises(error):
            service.report("fred", team="frontend", repo=repo, commit=commit, values=values)
        assert count(store, CodeCheckRow) == 0
    finally:
        store.dispose()
