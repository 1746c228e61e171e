"""``check --report`` through the real command line (docs/check.md, "--report"): on SQLite the
store checks the reporter's membership in its own transaction, as PostgreSQL's function does
(tests/app/test_report_e2e.py); and on both backends a team whose code relies on a key is asked
to acknowledge the decision asserting it though the owner never listed the team."""

from __future__ import annotations

from pathlib import Path

from tests.check.helpers import check, write_repo
from tests.processes import Result, cli

KEY = "auth.token.refresh_minutes"
MALLORY = (
    "decision-inbox: mallory is not a member of frontend, so cannot report frontend's code; "
    "report with a login of that team."
)


def _reasons(result: Result) -> list[tuple[str, str]]:
    return [(i["key"], i["reason"]) for i in result.json()["items"]]


def test_on_sqlite_a_drift_reaches_owner_and_team_and_a_later_report_clears_it(
    sqlite_url: str, tmp_path: Path
) -> None:
    cli("init", store=sqlite_url)
    repo = tmp_path / "web"
    cli("demo", "--repo", str(repo), store=sqlite_url)
    cli("person", "add", "mallory", "--name", "Mallory", "--team", "mobile", store=sqlite_url)
    reported = check(repo, "--report", store=sqlite_url, user="fred")
    assert reported.code == 1
    assert reported.err.strip() == "decision-inbox: Reported frontend · web: 1 binding, 1 drift."
    for person in ("ana", "fred", "fatima"):
        inbox = cli("inbox", "--json", store=sqlite_url, user=person)
        assert ("D-1", "code_drift") in _reasons(inbox), person
    assert ("D-1", "code_drift") not in _reasons(
        cli("inbox", "--json", store=sqlite_url, user="mo")
    )  # mobile's code said nothing
    text = cli("inbox", store=sqlite_url, user="ana").out
    assert f"frontend · web: {KEY} is 15 in the code, D-1 says 60" in text
    digest = cli("digest", "--format", "json", store=sqlite_url).json()
    assert [(d["key"], d["repo"], d["found"], d["expected"]) for d in digest["drifts"]] == [
        ("D-1", "web", "15", "60")
    ]

    refused = check(repo, "--report", store=sqlite_url, user="mallory")
    assert (refused.code, refused.err.strip()) == (4, MALLORY)

    config = repo / "src" / "auth" / "config.json"
    config.write_text(config.read_text().replace("15", "60"), encoding="utf-8")
    fixed = check(repo, "--report", store=sqlite_url, user="fred")
    assert fixed.code == 0
    for person in ("ana", "fred"):
        inbox = cli("inbox", "--json", store=sqlite_url, user=person)
        assert ("D-1", "code_drift") not in _reasons(inbox), person
    shown = cli("show", "D-1", "--json", store=sqlite_url, user="ana").json()
    assert [(c["repo"], c["found"], c["status"]) for c in shown["code"]] == [("web", "60", "holds")]
    assert "Relied on by: frontend (web)" in cli("show", "D-1", store=sqlite_url).out


def test_a_relying_team_outside_the_audience_must_acknowledge_and_hears_of_changes(
    store_url: str, tmp_path: Path
) -> None:
    cli("init", store=store_url)
    for team in ("backend", "frontend", "mobile"):
        cli("team", "add", team, store=store_url)
    for handle, team in (("ana", "backend"), ("fred", "frontend"), ("mo", "mobile")):
        cli("person", "add", handle, "--name", handle.title(), "--team", team, store=store_url)
    key = cli(
        "new", "--title", "Token refresh", "--ack", "team:mobile", "--assert", f"{KEY}=60",
        store=store_url, user="ana",
    ).out.strip()  # fmt: skip
    cli("finalize", key, store=store_url, user="ana")
    repo = write_repo(
        tmp_path / "web",
        {
            "decisions.toml": f"""
                team = "frontend"
                [[bind]]
                key = "{KEY}"
                file = "config.json"
                json = "/refresh"
            """,
            "config.json": '{"refresh": 60}',
        },
    )
    assert _reasons(cli("inbox", "--json", store=store_url, user="fred")) == []
    drafted = cli(
        "new", "--title", "Longer tokens", "--assert", f"{KEY}=90", store=store_url, user="ana"
    ).out.strip()
    assert check(repo, "--report", store=store_url, user="fred").code == 0

    items = cli("inbox", "--json", store=store_url, user="fred").json()["items"]
    assert [(i["key"], i["reason"], i.get("relies_on")) for i in items] == [
        (key, "needs_ack", [f"{KEY} in web"])
    ]
    assert f"you rely on {KEY} in web" in cli("inbox", store=store_url, user="fred").out
    owner = cli("show", key, "--json", store=store_url, user="ana").json()
    assert owner["coverage"]["missing"] == ["fred", "mo"]
    assert "Relied on by: frontend (web)" in cli("show", key, store=store_url, user="ana").out
    # a draft newly asserting the key shows who relies on it before anyone is asked
    draft = cli("show", drafted, "--json", store=store_url, user="ana").json()
    assert draft["relied_on_by"] == [{"team": "frontend", "repo": "web", "key": KEY}]

    cli("ack", key, store=store_url, user="fred")
    assert _reasons(cli("inbox", "--json", store=store_url, user="fred")) == []
    cli("revise", key, "--assert", f"{KEY}=30", "--summary", "Shorter", store=store_url, user="ana")
    items = cli("inbox", "--json", store=store_url, user="fred").json()["items"]
    assert [(i["reason"], i["acked_revision"], i["relies_on"]) for i in items] == [
        ("changed_since_ack", 1, [f"{KEY} in web"])
    ]
    # the code says 60, the decision now 30: a drift, shown once reported
    assert check(repo, "--report", store=store_url, user="fred").code == 1
    assert (key, "code_drift") in _reasons(cli("inbox", "--json", store=store_url, user="ana"))


def test_a_report_whose_repository_binds_the_key_no_more_ends_the_reliance(
    sqlite_url: str, tmp_path: Path
) -> None:
    cli("init", store=sqlite_url)
    repo = tmp_path / "web"
    cli("demo", "--repo", str(repo), store=sqlite_url)
    cli("new", "--title", "Theme", "--assert", "ui.theme=dark", store=sqlite_url, user="ana")
    assert check(repo, "--report", store=sqlite_url, user="fred").code == 1
    before = cli("show", "D-1", "--json", store=sqlite_url).json()["relied_on_by"]
    assert [r["team"] for r in before] == ["frontend"]
    (repo / "decisions.toml").write_text(
        'team = "frontend"\nrepo = "web"\n\n[[bind]]\nkey = "ui.theme"\nfile = "theme.env"\n'
        'env = "THEME"\n',
        encoding="utf-8",
    )
    (repo / "theme.env").write_text("THEME=dark\n", encoding="utf-8")
    check(repo, "--report", store=sqlite_url, user="fred")
    assert cli("show", "D-1", "--json", store=sqlite_url).json()["relied_on_by"] == []
    assert ("D-1", "code_drift") not in _reasons(
        cli("inbox", "--json", store=sqlite_url, user="ana")
    )
