"""``decision-inbox check`` through the real command in a child process, on SQLite and PostgreSQL:
the demo's drift, every locator kind, every status with its sentence, and exit codes."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.check.helpers import check, decide, people, problem_lines, write_repo
from tests.processes import cli
from tests.store.helpers import initialised_service as people_of

DEMO_DRIFT = (
    "src/auth/config.json:3: auth.token.refresh_minutes is 15 here, but D-1 "
    '"Token refresh policy" (finalized r2, owner ana) says 60'
)


def test_the_demo_repository_drifts_from_d1_until_its_file_says_60(
    store_url: str, tmp_path: Path
) -> None:
    repo = tmp_path / "web"
    said = cli("demo", "--repo", str(repo), store=store_url).out
    assert f"Copied the sample repository of the frontend's web app to {repo}" in said

    drift = check(repo, store=store_url)
    assert drift.code == 1, drift.err
    assert problem_lines(drift) == [DEMO_DRIFT]
    assert drift.err == ""

    config = repo / "src" / "auth" / "config.json"
    config.write_text(config.read_text().replace('"refreshMinutes": 15', '"refreshMinutes": 60'))
    holds = check(repo, store=store_url)
    assert (holds.code, problem_lines(holds)) == (0, []), holds.out + holds.err
    assert holds.out.strip() == "Checked 1 binding of decisions.toml: 1 holds."


def test_demo_refuses_a_repository_folder_that_is_not_empty(store_url: str, tmp_path: Path) -> None:
    (tmp_path / "web").mkdir()
    (tmp_path / "web" / "mine.txt").write_text("keep me")
    refused = cli("demo", "--repo", str(tmp_path / "web"), store=store_url, check=False)
    assert refused.code == 2
    assert refused.err.strip() == (
        f"decision-inbox: {tmp_path / 'web'} already exists and is not an empty folder; "
        "choose a new one."
    )
    assert (tmp_path / "web" / "mine.txt").read_text() == "keep me"


LOCATOR_REPO = {
    "decisions.toml": """
        [[bind]]
        key = "web.refresh"
        file = "conf/app.json"
        json = "/auth/refresh~1minutes"

        [[bind]]
        key = "web.refresh"
        file = "conf/app.toml"
        toml = "auth.refresh"

        [[bind]]
        key = "mobile.refresh_seconds"
        file = "mobile/app.yaml"
        yaml = "auth.refresh"
        scale = 60

        [[bind]]
        key = "web.refresh"
        file = "setup.cfg"
        ini = "auth.refresh"

        [[bind]]
        key = "web.refresh"
        file = ".env"
        env = "REFRESH_MINUTES"

        [[bind]]
        key = "web.refresh"
        file = "src/constants.ts"
        regex = 'REFRESH_MINUTES\\s*=\\s*(\\d+)'
        """,
    "conf/app.json": """
        {
          "name": "web",
          "auth": {
            "login": "/login",
            "refresh/minutes": 60.0
          }
        }
        """,
    "conf/app.toml": """
        name = "web"

        [auth]
        login = "/login"
        refresh = 60
        """,
    "mobile/app.yaml": """
        name: app
        auth:
          login: /login
          refresh: 3600
        """,
    "setup.cfg": """
        [metadata]
        name = web

        [auth]
        login = /login
        refresh = 60
        """,
    ".env": """
        # local settings
        LOGIN=/login
        export REFRESH_MINUTES=60  # minutes
        """,
    "src/constants.ts": """
        export const LOGIN = "/login";
        // How often the client refreshes its token.
        export const REFRESH_MINUTES = 60;
        """,
}


def test_every_locator_kind_finds_its_value_on_the_right_line(
    store_url: str, tmp_path: Path
) -> None:
    with people(store_url) as service:
        decide(service, "Refresh", {"web.refresh": "60", "mobile.refresh_seconds": "60"})
    repo = write_repo(tmp_path / "repo", LOCATOR_REPO)
    result = check(repo, "--format", "json", store=store_url)
    assert result.code == 0, result.out + result.err
    got = [(r["file"], r["line"], r["found"], r["status"]) for r in result.json()["results"]]
    assert got == [
        ("conf/app.json", 5, "60.0", "holds"),
        ("conf/app.toml", 5, "60", "holds"),
        ("mobile/app.yaml", 4, "3600", "holds"),
        ("setup.cfg", 6, "60", "holds"),
        (".env", 3, "60", "holds"),
        ("src/constants.ts", 3, "60", "holds"),
    ]
    scaled = result.json()["results"][2]
    assert (scaled["expected"], scaled["scale"], scaled["decision"]) == ("3600", "60", "D-1")

    # The same files at 15 minutes (900 s): every kind drifts, at the same lines.
    for name in LOCATOR_REPO:
        path = repo / name
        if name != "decisions.toml":
            path.write_text(path.read_text().replace("3600", "900").replace("60", "15"))
    drift = check(repo, store=store_url)
    assert drift.code == 1
    lines = problem_lines(drift)
    assert [line.split(": ", 1)[0] for line in lines] == [
        "conf/app.json:5",
        "conf/app.toml:5",
        "mobile/app.yaml:4",
        "setup.cfg:6",
        ".env:3",
        "src/constants.ts:3",
    ]
    assert lines[2] == (
        'mobile/app.yaml:4: mobile.refresh_seconds is 900 here, but D-1 "Refresh" '
        "(finalized r1, owner ana) says 60 (3600 at scale 60)"
    )
    assert lines[0].endswith(
        'web.refresh is 15.0 here, but D-1 "Refresh" (finalized r1, owner ana) says 60'
    )


def test_conflict_proposed_and_no_decision_each_say_so(store_url: str, tmp_path: Path) -> None:
    deadline = datetime.now(UTC).replace(microsecond=0) + timedelta(days=3)
    with people(store_url) as service:
        decide(service, "Refresh", {"auth.refresh": "60"})
        decide(service, "Web session", {"auth.refresh": "15"}, owner="fred")
        draft = service.create("ana", title="Errors", assertions={"api.errors": "rfc9457"}).key
        assert draft is not None
        service.open("ana", draft, deadline=deadline)
    repo = write_repo(
        tmp_path / "repo",
        {
            "decisions.toml": """
                [[bind]]
                key = "auth.refresh"
                file = "app.env"
                env = "REFRESH"

                [[bind]]
                key = "api.errors"
                file = "app.env"
                env = "ERRORS"

                [[bind]]
                key = "ui.theme"
                file = "app.env"
                env = "THEME"
                """,
            "app.env": "REFRESH=15\nERRORS=rfc7807\nTHEME=dark\n",
        },
    )
    result = check(repo, store=store_url)
    assert result.code == 1
    due = f"{deadline:%Y-%m-%d %H:%M} UTC"
    assert problem_lines(result) == [
        'app.env:1: auth.refresh is 15 here, but live decisions disagree on it: D-1 "Refresh" '
        '(finalized r1, owner ana) says 60 and D-2 "Web session" (finalized r1, owner fred) '
        "says 15; settle it in the store (revise, supersede or withdraw one) first",
        'app.env:2: warning: api.errors is rfc7807 here, but D-3 "Errors" (open r1, owner ana) '
        f"proposes rfc9457; it is not final and the value may still change (feedback due {due})",
        "app.env:3: warning: ui.theme is dark here, but no live decision asserts ui.theme; "
        "record one, or drop the binding",
    ]
    statuses = [
        r["status"] for r in check(repo, "--format", "json", store=store_url).json()["results"]
    ]
    assert statuses == ["conflict", "proposed", "no_decision"]

    # Without the conflict, a proposal and a key nobody decided are warnings: exit 0 ...
    toml = repo / "decisions.toml"
    toml.write_text(toml.read_text().split("\n\n", 1)[1])
    assert check(repo, store=store_url).code == 0
    # ... and --strict makes the key nobody decided an error.
    strict = check(repo, "--strict", store=store_url)
    assert strict.code == 1
    assert problem_lines(strict)[-1] == (
        "app.env:3: ui.theme is dark here, but no live decision asserts ui.theme; record one, "
        "or drop the binding"
    )


def test_bindings_that_do_not_resolve_name_the_file_and_the_locator(
    store_url: str, tmp_path: Path
) -> None:
    with people(store_url) as service:
        decide(service, "Refresh", {"auth.refresh": "60"})
    repo = write_repo(
        tmp_path / "repo",
        {
            "decisions.toml": """
                team = "frontend"

                [[bind]]
                key = "auth.refresh"
                file = "src/missing.json"
                json = "/auth/refresh"

                [[bind]]
                key = "auth.refresh"
                file = "src/config.json"
                json = "/auth/refreshMinutes"

                [[bind]]
                key = "auth.refresh"
                file = "src/constants.ts"
                regex = 'REFRESH\\s*=\\s*(\\d+)'
                """,
            "src/config.json": '{"auth": {"refresh": 60}}\n',
            "src/constants.ts": "const REFRESH = 60;\n// later\nconst REFRESH = 60;\n",
        },
    )
    result = check(repo, store=store_url)
    assert result.code == 1
    assert problem_lines(result) == [
        "decisions.toml:3: auth.refresh cannot be checked: src/missing.json does not exist; fix "
        "the file or the binding (json /auth/refresh)",
        "decisions.toml:8: auth.refresh cannot be checked: src/config.json has no value at JSON "
        "pointer /auth/refreshMinutes (nothing at /auth/refreshMinutes); fix the file or the "
        "binding (json /auth/refreshMinutes)",
        "decisions.toml:13: auth.refresh cannot be checked: the regex 'REFRESH\\\\s*=\\\\s*(\\\\d+)' "
        "matches 2 times in src/constants.ts (lines 1, 3), and must match exactly once; fix the "
        "file or the binding (regex REFRESH\\s*=\\s*(\\d+))",
    ]
    results = check(repo, "--format", "json", store=store_url).json()["results"]
    assert [(r["status"], r["location"]) for r in results] == [
        ("unresolved", {"file": "decisions.toml", "line": 3}),
        ("unresolved", {"file": "decisions.toml", "line": 8}),
        ("unresolved", {"file": "decisions.toml", "line": 13}),
    ]


def test_a_broken_bindings_file_exits_2_naming_its_line(store_url: str, tmp_path: Path) -> None:
    cases = {
        'team = "web"\n\n[[bind]]\nkey = "a.b"\nfile "x.json"\n': (
            "decisions.toml:5: this is not valid TOML (Expected '=' after a key in a key/value "
            "pair); fix the file."
        ),
        '[[bind]]\nkey = "a.b"\nfile = "x.json"\njsn = "/a"\n': (
            "decisions.toml:4: a [[bind]] table has an unknown field jsn (did you mean json?); "
            "fix the file (docs/check.md)."
        ),
        '[[bind]]\nkey = "a.b"\nfile = "x.json"\njson = "/a"\n\n[[bind]]\nkey = "c"\n'
        'file = "y.env"\n'
        'env = "C"\nyaml = "c"\n': (
            "decisions.toml:6: binding c needs exactly one locator of json, toml, yaml, ini, env, "
            "regex, and has 2 (yaml, env); fix the file (docs/check.md)."
        ),
        '[[bind]]\nkey = "a.b"\nfile = "x.ts"\nregex = "A = \\\\d+"\n': (
            "decisions.toml:4: the regex of a.b needs a group around the value, e.g. (\\d+); fix "
            "the file (docs/check.md)."
        ),
    }
    for number, (text, sentence) in enumerate(cases.items()):
        repo = tmp_path / f"repo{number}"
        repo.mkdir()
        (repo / "decisions.toml").write_text(text)
        result = check(repo, store=store_url)
        assert (result.code, result.out) == (2, ""), result.err
        assert result.err.strip() == f"decision-inbox: {sentence}"


def test_output_formats_github_and_a_file(store_url: str, tmp_path: Path) -> None:
    repo = tmp_path / "web"
    cli("demo", "--repo", str(repo), store=store_url)
    annotations = check(repo, "--format", "github", store=store_url)
    assert annotations.code == 1
    assert annotations.out.splitlines()[0] == (
        "::error file=src/auth/config.json,line=3,title=decision-drift::"
        'auth.token.refresh_minutes is 15 here, but D-1 "Token refresh policy" '
        "(finalized r2, owner ana) says 60"
    )
    out = tmp_path / "check.json"
    written = check(repo, "--format", "json", "--output", str(out), store=store_url)
    assert written.code == 1
    assert problem_lines(written) == [DEMO_DRIFT]  # the job's log shows it too
    document = json.loads(out.read_text())
    assert document["from_cache"] is False
    assert (document["team"], document["repo"]) == ("frontend", "web")
    assert {k: document["results"][0][k] for k in ("key", "file", "line", "found")} == {
        "key": "auth.token.refresh_minutes",
        "file": "src/auth/config.json",
        "line": 3,
        "found": "15",
    }


def test_report_needs_a_team_and_a_missing_bindings_file_is_named(
    sqlite_url: str, tmp_path: Path
) -> None:
    with people(sqlite_url) as service:
        decide(service, "Refresh", {"auth.refresh": "60"})
    repo = write_repo(
        tmp_path / "web",
        {
            "decisions.toml": """
                [[bind]]
                key = "auth.refresh"
                file = "config.json"
                json = "/refresh"
            """,
            "config.json": '{"refresh": 60}',
        },
    )
    report = check(repo, "--report", store=sqlite_url, user="fred")
    assert (report.code, report.out) == (2, "")
    assert report.err.strip() == (
        'decision-inbox: decisions.toml names no team; add team = "<your team>" at its top to '
        "use --report (docs/check.md)."
    )
    missing = check(tmp_path, store=sqlite_url)
    assert missing.code == 2
    assert missing.err.strip() == (
        f"decision-inbox: There is no decisions.toml in {tmp_path} or a folder above it; run "
        "check inside a repository that has one, or pass --bindings FILE (docs/check.md)."
    )


def test_a_binding_that_names_its_decision_follows_it_and_what_superseded_it(
    store_url: str, tmp_path: Path
) -> None:
    with people(store_url) as service:
        decide(service, "Refresh", {"auth.refresh": "60"})
        decide(service, "Web refresh", {"auth.refresh": "15"}, owner="fred")
        decide(service, "Refresh, again", {"auth.refresh": "30"})
        decide(service, "Theme", {"ui.theme": "light"})
        service.withdraw("ana", "D-4")
    repo = write_repo(
        tmp_path / "repo",
        {
            "decisions.toml": """
                [[bind]]
                key = "auth.refresh"
                file = "app.env"
                env = "REFRESH"
                decision = "d-1"

                [[bind]]
                key = "ui.theme"
                file = "app.env"
                env = "THEME"
                decision = "D-4"
                """,
            "app.env": "REFRESH=60\nTHEME=light\n",
        },
    )
    # D-2 and D-3 disagree with D-1, but this binding follows D-1 only.
    assert problem_lines(check(repo, store=store_url)) == [
        "app.env:2: warning: ui.theme is light here, but D-4 is withdrawn, not live; bind "
        "another decision"
    ]
    with people_of(store_url) as service:
        service.supersede("ana", "D-1", by="D-3")
    followed = check(repo, store=store_url)
    assert followed.code == 1
    assert problem_lines(followed)[0] == (
        'app.env:1: auth.refresh is 60 here, but D-3 "Refresh, again" (finalized r1, owner ana) '
        "says 30"
    )


def test_check_without_a_store_refuses_rather_than_pass_on_an_empty_one(tmp_path: Path) -> None:
    repo = write_repo(
        tmp_path / "repo",
        {"decisions.toml": '[[bind]]\nkey = "a.b"\nfile = "x.env"\nenv = "A"\n', "x.env": "A=1\n"},
    )
    refused = check(repo, store=None)
    assert (refused.code, refused.out) == (2, "")
    assert refused.err.strip() == (
        "decision-inbox: check has no store to read: pass --store URL or set "
        "DECISION_INBOX_STORE (in CI, from a secret)."
    )
