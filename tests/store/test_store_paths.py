"""Store paths as a careful user expects them (the rule is in docs/cli.md,
"Store URLs"): ``sqlite:///abs/path`` is that absolute path, a plain path is a path (``?`` and
all), a SQLite store is shown as its plain path, and only ``init`` creates a store file."""

from __future__ import annotations

from pathlib import Path

import pytest

from inbox.core.errors import UsageError
from inbox.store import schema
from inbox.store.connection import StoreConnection
from inbox.store.engine import parse_store_url, redact
from inbox.store.schema import SCHEMA_VERSION
from inbox.sync.paths import ClientPaths
from tests.processes import cli


@pytest.fixture
def elsewhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A current folder apart from where the stores go: a path read as relative lands here."""
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    monkeypatch.chdir(cwd)
    return cwd


def test_three_slashes_name_the_absolute_path_the_readme_promises(
    tmp_path: Path, elsewhere: Path
) -> None:
    target = tmp_path / "team" / "store.sqlite"
    target.parent.mkdir()
    three = f"sqlite://{target}"  # three slashes before the absolute path: the README's form
    assert three.startswith("sqlite:///") and not three.startswith("sqlite:////")
    assert parse_store_url(three).database == str(target)
    assert parse_store_url(f"sqlite:///{target}").database == str(target)  # four: the same
    created = cli("init", store=three)
    assert created.out.strip() == f"Created the store at {target} (schema v{SCHEMA_VERSION})."
    assert target.exists() and list(elsewhere.iterdir()) == []


def test_sqlite_stores_are_shown_as_plain_paths(tmp_path: Path, elsewhere: Path) -> None:
    target = tmp_path / "store.sqlite"
    for given in (str(target), f"sqlite://{target}", f"sqlite:///{target}"):
        assert redact(parse_store_url(given)) == str(target)
        assert redact(given) == str(target)
    cli("init", store=str(target))
    again = cli("init", store=f"sqlite:///{target}")
    assert again.out.strip() == f"The store at {target} is already at schema v{SCHEMA_VERSION}."
    assert "sqlite:" not in again.out


def test_a_plain_path_keeps_its_question_mark(tmp_path: Path, elsewhere: Path) -> None:
    folder = tmp_path / "team?x"
    folder.mkdir()
    given = str(folder / "store.sqlite")
    assert parse_store_url(given).database == given
    created = cli("init", store=given)
    assert created.out.strip() == f"Created the store at {given} (schema v{SCHEMA_VERSION})."
    assert (folder / "store.sqlite").exists()
    assert not (tmp_path / "team").exists()
    added = cli("person", "add", "ana", "--name", "Ana", store=given)
    assert added.code == 0, added.err
    relative = cli("init", store="sub#1/odd?name.sqlite", check=False)
    assert relative.code == 1
    assert f"The folder {elsewhere / 'sub#1'} of the store file does not exist" in relative.err


@pytest.mark.parametrize(
    ("raw", "says"),
    [
        ("sqlite://host/store.sqlite", "names a host"),
        ("sqlite:///store.sqlite?mode=ro", "options after '?'"),
    ],
)
def test_ambiguous_sqlite_urls_are_refused_with_a_sentence(
    raw: str, says: str, elsewhere: Path
) -> None:
    with pytest.raises(UsageError, match=says) as raised:
        parse_store_url(raw)
    assert "plain path" in str(raised.value) or "file's path" in str(raised.value)
    result = cli("init", store=raw, check=False)
    assert result.code == 2 and says in result.err and "Traceback" not in result.err
    assert list(elsewhere.iterdir()) == []


@pytest.mark.parametrize("command", [("inbox",), ("digest",), ("show", "D-1"), ("ack", "D-1")])
def test_a_mistyped_store_path_leaves_nothing_behind(
    tmp_path: Path, elsewhere: Path, command: tuple[str, ...]
) -> None:
    real = tmp_path / "store.sqlite"
    cli("init", store=str(real))
    typo = tmp_path / "stroe.sqlite"
    result = cli(*command, store=str(typo), user="fred", check=False)
    assert result.code == 1
    assert result.err.strip() == (
        f"decision-inbox: There is no store file at {typo}; check the path, or create a store "
        f"there with `decision-inbox --store {typo} init`."
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cwd", "store.sqlite"]


def test_opening_never_creates_only_initialise_does(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite"
    store = StoreConnection.open(str(path))
    try:
        assert store.version() is None
        assert not path.exists()
        assert store.initialise() == (None, schema.SCHEMA_VERSION)
        assert path.exists() and store.version() == schema.SCHEMA_VERSION
    finally:
        store.dispose()


def test_the_client_folder_of_a_sqlite_store_keeps_its_name(tmp_path: Path) -> None:
    """Shown as a path now, as sqlite:///… before: the same folder, so no outbox is orphaned."""
    path = "/srv/team/store.sqlite"
    now = ClientPaths.for_client(tmp_path, redact(parse_store_url(path)), "fred")
    before = ClientPaths.for_client(tmp_path, f"sqlite:///{path}", "fred")  # the old shown URL
    assert now == before
    assert now.folder.name == "fred-store.sqlite-cede3ae088d7"  # as every release named it
