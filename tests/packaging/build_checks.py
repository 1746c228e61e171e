"""Shared by the packaging tests: the repository, external tools, and the smoke test every
build gets (the wheel in an empty virtual environment, the standalone one-folder build)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from inbox import APP_NAME, __version__

REPO = Path(__file__).resolve().parents[2]
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("true", "1")


def require(binary: str, debian_package: str) -> str:
    """The path of ``binary``; without it the test skips, and in CI fails: a check that cannot
    run must not pass."""
    path = shutil.which(binary)
    if path is None:
        message = f"{binary} not found; Debian: apt-get install {debian_package}."
        if in_ci():
            pytest.fail(f"{message} CI must provide it (.ci/run installs it).", pytrace=False)
        pytest.skip(message)
    return path


def venv_tool(name: str) -> str:
    """A console script installed beside this interpreter (the test extra's tools)."""
    folder = Path(sys.executable).parent
    for candidate in (folder / name, folder / f"{name}.exe"):
        if candidate.is_file():
            return str(candidate)
    pytest.fail(f"{name} is not installed beside {sys.executable}; run `make venv`.", pytrace=False)


def child_env(profile: Path) -> dict[str, str]:
    """The environment of a packaged build under test: offscreen, its own profile, and none of
    this checkout on its import path."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    env["DECISION_INBOX_PROFILE"] = str(profile)
    env["QT_QPA_PLATFORM"] = "offscreen"
    return env


def run_app(
    command: list[str],
    env: dict[str, str],
    *args: str,
    cwd: Path,
    stdin: str = "",
    timeout: float = 120,
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*command, *args],
        input=stdin,
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def smoke_test(command: list[str], workdir: Path) -> None:
    """``--version``, ``init`` and ``demo`` on a temporary store, ``gui --screenshot``
    offscreen; each step must exit 0 and say what the contract says."""
    env = child_env(workdir / "profile")
    store = f"sqlite:///{workdir / 'store.sqlite'}"

    def ok(*args: str) -> str:
        result = run_app(command, env, *args, cwd=workdir)
        assert result.returncode == 0, f"{args}: exit {result.returncode}\n{result.stderr}"
        assert "Traceback" not in result.stderr, result.stderr
        return result.stdout

    assert ok("--version").strip() == f"{APP_NAME} {__version__}"
    assert "schema v" in ok("--store", store, "init")
    assert "Seeded the demo" in ok("--store", store, "demo")
    shot = workdir / "window.png"
    ok("--store", store, "--user", "fred", "gui", "--screenshot", str(shot), "--select", "D-1")
    data = shot.read_bytes()
    assert data.startswith(PNG_MAGIC), "not a PNG"
    assert len(data) > 20_000, f"a {len(data)}-byte screenshot is too small to show the window"
