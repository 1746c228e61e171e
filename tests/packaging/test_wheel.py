"""``python -m build`` gives an sdist and a wheel with every runtime file, and the wheel,
installed into an empty virtual environment, runs: ``--version``, ``init``, ``demo`` and
``gui --screenshot`` offscreen."""

from __future__ import annotations

import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from inbox import __version__
from tests.packaging.build_checks import REPO, child_env, smoke_test

pytestmark = pytest.mark.slow

# What the test extra brings; none of it may come with a plain install.
DEVELOPER_TOOLS = ("pytest", "hypothesis", "ruff", "mypy", "xenon", "pyinstaller", "build")


def shipped_sources() -> list[str]:
    """Every file of the inbox package in git: code, migrations, icons, any resource."""
    listing = subprocess.run(
        ["git", "ls-files", "inbox"], cwd=REPO, check=True, capture_output=True, text=True
    ).stdout.split()
    return [path for path in listing if "__pycache__" not in path]


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    # The default builds the sdist, then the wheel from the unpacked sdist: a file missing
    # from the sdist is missing from the wheel too, and the smoke test below notices.
    result = subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(out), str(REPO)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return out


def test_the_wheel_and_the_sdist_hold_every_file_of_the_package(dist: Path) -> None:
    wheels = list(dist.glob(f"decision_inbox-{__version__}-py3-none-any.whl"))
    sdists = list(dist.glob(f"decision_inbox-{__version__}.tar.gz"))
    assert len(wheels) == 1 and len(sdists) == 1, sorted(p.name for p in dist.iterdir())
    with zipfile.ZipFile(wheels[0]) as wheel:
        in_wheel = set(wheel.namelist())
        metadata = wheel.read(f"decision_inbox-{__version__}.dist-info/METADATA").decode()
    with tarfile.open(sdists[0]) as sdist:
        prefix = f"decision_inbox-{__version__}/"
        in_sdist = {name.removeprefix(prefix) for name in sdist.getnames()}
    expected = shipped_sources()
    assert "inbox/store/migrations/env.py" in expected and "inbox/ui/icons/app.svg" in expected
    assert [path for path in expected if path not in in_wheel] == []
    assert [path for path in expected if path not in in_sdist] == []
    # Runtime dependencies only; the developer tools come with the `test` extra alone.
    for line in metadata.splitlines():
        if line.startswith("Requires-Dist:") and any(f" {t}" in line for t in DEVELOPER_TOOLS):
            assert 'extra == "test"' in line, line


def test_the_wheel_runs_in_an_empty_virtual_environment(dist: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    bindir = venv / ("Scripts" if sys.platform == "win32" else "bin")
    python = bindir / "python"
    (wheel,) = dist.glob("*.whl")
    install = subprocess.run(
        [str(python), "-m", "pip", "install", "--disable-pip-version-check", "-q", str(wheel)],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert install.returncode == 0, install.stdout[-3000:] + install.stderr[-3000:]

    env = child_env(tmp_path / "profile")
    where = subprocess.run(
        [str(python), "-c", "import inbox; print(inbox.__file__)"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert Path(where).is_relative_to(venv), f"imported {where}, not the installed wheel"
    installed = subprocess.run(
        [str(python), "-m", "pip", "list", "--format=freeze"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.lower()
    names = {line.split("==")[0] for line in installed.splitlines()}
    assert not names & set(DEVELOPER_TOOLS), names & set(DEVELOPER_TOOLS)

    smoke_test([str(bindir / "decision-inbox")], tmp_path)
