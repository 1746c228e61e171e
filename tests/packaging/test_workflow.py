"""The packaging workflow for Linux, macOS and Windows cannot run here, so it is kept correct by
actionlint (expressions, runner labels, action versions, shell scripts), and the platform
settings it relies on are checked where they are written."""

from __future__ import annotations

import subprocess

from inbox import APP_ID
from tests.packaging.build_checks import REPO, venv_tool

WORKFLOWS = REPO / ".github" / "workflows"


def test_the_workflows_pass_actionlint() -> None:
    workflows = sorted(WORKFLOWS.glob("*.yml"))
    assert workflows, "no workflow under .github/workflows"
    result = subprocess.run(
        [venv_tool("actionlint"), "-no-color", *map(str, workflows)],
        cwd=REPO,  # actionlint looks for the git repository around the workflows
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_workflow_builds_on_each_platform() -> None:
    text = (WORKFLOWS / "packaging.yml").read_text(encoding="utf-8")
    for runner in ("ubuntu-", "macos-", "windows-"):
        assert f"os: {runner}" in text, runner
    for step in ("-m build", "decision-inbox.spec", "tests/packaging", "decision-inbox.iss"):
        assert step in text, step


def test_the_bundles_carry_the_application_id() -> None:
    spec = (REPO / "packaging" / "pyinstaller" / "decision-inbox.spec").read_text("utf-8")
    assert "bundle_identifier=PROJECT.app_id" in spec
    assert '"LSUIElement": True' in spec
    installer = (REPO / "packaging" / "windows" / "decision-inbox.iss").read_text("utf-8")
    assert f'#define AppId "{APP_ID}"' in installer
    assert installer.count('AppUserModelID: "{#AppId}"') == 2  # the Start menu and desktop
    entry = (REPO / "packaging" / "pyinstaller" / "entry.py").read_text("utf-8")
    assert "SetCurrentProcessExplicitAppUserModelID(APP_ID)" in entry
