"""What every packaging script needs to know about the project, read from its one source each.

- the version: ``inbox.__version__`` (setuptools reads the same attribute);
- the application id and names: ``inbox.APP_ID``, ``APP_NAME``, ``DISPLAY_NAME``;
- the repository's address: ``[project.urls] Homepage`` in ``pyproject.toml``, the one place
  the organisation is named; the metainfo's screenshot URLs and the installers derive from it.

Run ``python packaging/project.py`` to print them as ``KEY=value`` lines (the Makefile and the
workflow read them that way).
"""

from __future__ import annotations

import ast
import sys
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
"""The repository's top folder."""


def _constants(module: Path) -> dict[str, str]:
    """Module-level string constants of ``module``, read without importing it (a packaging
    script must not need the app's dependencies)."""
    tree = ast.parse(module.read_text(encoding="utf-8"))
    found: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant):
            for target in node.targets:
                if isinstance(target, ast.Name) and isinstance(node.value.value, str):
                    found[target.id] = node.value.value
    return found


@dataclass(frozen=True)
class Project:
    version: str
    app_id: str
    app_name: str
    display_name: str
    summary: str
    homepage: str
    issues: str

    @property
    def github_repo(self) -> str:
        """``owner/name`` of the GitHub repository the homepage names."""
        prefix = "https://github.com/"
        if not self.homepage.startswith(prefix):
            raise ValueError(f"[project.urls] Homepage is not a GitHub URL: {self.homepage}")
        return self.homepage.removeprefix(prefix).strip("/")

    @property
    def tag(self) -> str:
        """The git tag of this version's release."""
        return f"v{self.version}"

    def raw_url(self, path: str) -> str:
        """A stable https URL of a file in the repository as of this version's tag."""
        return f"https://raw.githubusercontent.com/{self.github_repo}/{self.tag}/{path}"


@cache
def project() -> Project:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    constants = _constants(ROOT / "inbox" / "__init__.py")
    return Project(
        version=constants["__version__"],
        app_id=constants["APP_ID"],
        app_name=constants["APP_NAME"],
        display_name=constants["DISPLAY_NAME"],
        summary=pyproject["description"],
        homepage=pyproject["urls"]["Homepage"],
        issues=pyproject["urls"]["Issues"],
    )


def main() -> int:
    p = project()
    for key, value in (
        ("VERSION", p.version),
        ("APP_ID", p.app_id),
        ("APP_NAME", p.app_name),
        ("DISPLAY_NAME", p.display_name),
        ("HOMEPAGE", p.homepage),
    ):
        print(f"{key}={value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
