"""``make bench`` end to end on its cheapest case, so that the suite notices a broken harness
(the table, the JSON, the exit status) before CI's quick run of every case does. The number
itself is not judged here: a quick run on a shared machine measures nothing."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_a_quick_case_runs_and_writes_its_results(tmp_path: Path) -> None:
    out, markdown = tmp_path / "results.json", tmp_path / "BENCHMARKS.md"
    args = [
        "--quick",
        "--only",
        "inbox_rules_100k",
        "--json",
        str(out),
        "--markdown",
        str(markdown),
    ]
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "| `inbox_rules_100k` |" in done.stdout
    document = json.loads(out.read_text(encoding="utf-8"))
    result = document["results"]["inbox_rules_100k"]
    assert {"value", "floor", "ratio", "target", "unit", "met"} <= result.keys()
    assert result["value"] > 0 and result["floor"] > 0 and result["unit"] == "ms"
    assert result["ratio"] == result["value"] / result["floor"]
    assert document["errors"] == {} and document["quick"] is True
    assert not markdown.exists()  # only a full run of every case rewrites BENCHMARKS.md


def test_an_unknown_case_is_named_with_the_known_ones() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--only", "nosuch"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode != 0
    assert "No benchmark case nosuch; the cases are propagation_pg" in done.stderr
    assert "Traceback" not in done.stderr
