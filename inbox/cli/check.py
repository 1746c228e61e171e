"""``check``: does this repository's code say what the live decisions say? (docs/check.md)

Reads the store; when the store cannot be reached it checks against this profile's synced
cache and says so, unless ``--require-store`` or ``--report``. Exit 0 when nothing fails, 1
when a binding drifts, conflicts or does not resolve, 2 for a bindings file that is not valid.
With ``--report`` it also records what the code says in the store (inbox/cli/check_report.py),
the one write ``check`` makes.
"""

from __future__ import annotations

import argparse
import configparser
import shutil
import sys
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from inbox import __version__
from inbox.check.bindings import FILENAME, BindingsError, BindingsFile, find_bindings, load_bindings
from inbox.check.locate import Files
from inbox.check.output import Run, as_json, github, text
from inbox.check.sarif import sarif
from inbox.check.status import check_all
from inbox.cli import check_report
from inbox.cli.context import Context
from inbox.config.profile import choose_user
from inbox.core.errors import InboxError, StoreUnavailableError, UsageError
from inbox.core.model import Decision
from inbox.store import validate
from inbox.store.engine import parse_store_url, redact
from inbox.sync.cache import Cache
from inbox.sync.paths import ClientPaths

DEMO_REPO = "demo_repo"  # package data of inbox.store, beside the demo scenario it belongs to


# Complexity C (radon): the command's steps in the contract's order (bindings, store or cache,
# check, output, report), each a branch a user can see.
def cmd_check(ctx: Context, args: argparse.Namespace) -> int:
    cwd = Path.cwd()
    path = Path(args.bindings) if args.bindings else find_bindings(cwd)
    if path is None:
        raise BindingsError(
            f"There is no {FILENAME} in {cwd} or a folder above it; run check inside a "
            "repository that has one, or pass --bindings FILE (docs/check.md)."
        )
    path = path.absolute()
    bindings = load_bindings(path, _shown(path, cwd))
    if args.report:
        check_report.require_team(bindings, _shown(path, cwd))

    def display(file: str) -> str:
        return _shown(bindings.root / file, cwd)

    # A report of a stale copy would tell the store what it already knows better: no cache.
    decisions, store, from_cache = _live_decisions(ctx, args.require_store or args.report)
    results = check_all(bindings.bindings, decisions, Files(bindings.root, display))
    run = Run(
        results=results,
        bindings=_shown(path, cwd),
        display=display,
        team=bindings.team,
        repo=repo_name(bindings),
        store=store,
        from_cache=from_cache,
        strict=args.strict,
    )
    rendered = _render(run, args.format)
    if args.output and args.output != "-":
        try:
            Path(args.output).write_text(rendered, encoding="utf-8")
        except OSError as exc:
            raise InboxError(
                f"Cannot write {args.output} ({exc.strerror or exc}); choose another --output."
            ) from None
        if args.format != "text":
            sys.stdout.write(text(run))  # the job's log shows the problems too
    else:
        sys.stdout.write(rendered)
    if args.report:
        check_report.send(ctx, bindings, run)
    return 1 if run.failed else 0


def _render(run: Run, format_: str) -> str:
    if format_ == "json":
        return as_json(run)
    if format_ == "sarif":
        return sarif(run, __version__)
    if format_ == "github":
        return github(run)
    return text(run)


def _shown(path: Path, cwd: Path) -> str:
    """``path`` relative to the working directory when inside it (clickable, and what code
    scanning expects when CI runs at the repository's root), else absolute; with slashes."""
    try:
        return path.relative_to(cwd).as_posix()
    except ValueError:
        return path.as_posix()


def _live_decisions(ctx: Context, require_store: bool) -> tuple[tuple[Decision, ...], str, bool]:
    """(decisions, the store as shown, whether they came from this profile's cache)."""
    if ctx.choice.embedded and not ctx.profile.embedded_store.exists():
        # Creating an empty store here would let every binding pass as no_decision: in CI, a
        # missing secret would turn the gate green.
        raise UsageError(
            "check has no store to read: pass --store URL or set DECISION_INBOX_STORE (in CI, "
            "from a secret)."
        )
    shown = redact(parse_store_url(ctx.choice.url))
    try:
        with ctx.store.read() as session:
            return validate.load_snapshot(session).decisions, shown, False
    except StoreUnavailableError as exc:
        if require_store:
            raise StoreUnavailableError(
                f"{exc.message.rstrip('.')}; --require-store does not let check use this profile's cache."
            ) from None
        unreachable = exc
    decisions = _cached_decisions(ctx, shown)
    problem = unreachable.message.rstrip(".")
    if decisions is None:
        raise StoreUnavailableError(
            f"{problem}, and this profile has no synced copy of that store to check against; "
            "try again when it is reachable."
        )
    print(
        f"decision-inbox: {problem}; meanwhile check uses what this profile synced last "
        "(from_cache: true).",
        file=sys.stderr,
    )
    return decisions, shown, True


def _cached_decisions(ctx: Context, shown: str) -> tuple[Decision, ...] | None:
    """The decisions in a synced cache of this store in this profile: the person's own when
    known, else the newest one; every cache holds every live decision of its store (those outside
    its person's scope as their index, which has all a check reads: state, revision, title and
    assertions)."""
    data_dir = ctx.profile.data_dir
    candidates: list[Path] = []
    user = choose_user(ctx.profile, ctx.given_user)
    if user:
        candidates.append(ClientPaths.for_client(data_dir, shown, user).folder)
    clients = data_dir / "clients"
    others = sorted(
        (
            folder
            for folder in (clients.iterdir() if clients.is_dir() else [])
            if _is_cache_of(folder, data_dir, shown)
        ),
        key=lambda folder: (folder / "cache.sqlite").stat().st_mtime,
        reverse=True,
    )
    for folder in [*candidates, *others]:
        path = ClientPaths(folder).cache
        if not path.is_file():
            continue  # opening would create an empty cache: check never writes
        cache = Cache(path)
        try:
            if cache.cursor is not None:
                return cache.snapshot().decisions
        finally:
            cache.close()
    return None


def _is_cache_of(folder: Path, data_dir: Path, shown: str) -> bool:
    """Whether ``folder`` is some person's client folder for this store. Its name starts with
    the person's handle (then "-", as "@" is not kept): a handle is right when it gives exactly
    this folder's name, digest included."""
    if not (folder / "cache.sqlite").is_file():
        return False
    name = folder.name
    return any(
        ClientPaths.for_client(data_dir, shown, name[:i]).folder == folder
        for i in range(1, len(name))
        if name[i] == "-"
    )


def repo_name(bindings: BindingsFile) -> str:
    """``repo`` from the bindings file, else the git remote's name, else the folder's."""
    if bindings.repo:
        return bindings.repo
    for folder in (bindings.root, *bindings.root.parents):
        config = folder / ".git" / "config"
        if config.is_file():
            parser = configparser.ConfigParser(interpolation=None, strict=False)
            try:
                parser.read(config, encoding="utf-8")
            except (configparser.Error, OSError, UnicodeDecodeError):
                break
            url = parser.get('remote "origin"', "url", fallback="").rstrip("/")
            if url:
                name = url.replace(":", "/").rsplit("/", 1)[-1]
                return name.removesuffix(".git") or folder.name
            return folder.name
    return bindings.root.name


def demo_repo_target(target: Path) -> Path:
    """``target`` if the sample repository may be copied there: a new or empty folder."""
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise UsageError(f"{target} already exists and is not an empty folder; choose a new one.")
    return target


def copy_demo_repo(target: Path) -> str:
    """Copy the demo's sample repository to ``target`` (new or empty); a sentence on what next."""
    demo_repo_target(target)
    source = resources.files("inbox.store").joinpath(DEMO_REPO)
    try:
        _copy_tree(source, target)
    except OSError as exc:
        shutil.rmtree(target, ignore_errors=True)
        raise InboxError(
            f"Cannot copy the sample repository to {target} ({exc.strerror or exc}); choose "
            "another folder."
        ) from None
    return (
        f"Copied the sample repository of the frontend's web app to {target}: "
        f"`cd {target} && decision-inbox check` shows where its code disagrees with D-1."
    )


def _copy_tree(source: Traversable, target: Path) -> None:
    target.mkdir(parents=True, exist_ok=True)
    for item in source.iterdir():
        if item.name in ("__pycache__", "__init__.py"):
            continue
        if item.is_dir():
            _copy_tree(item, target / item.name)
        else:
            (target / item.name).write_bytes(item.read_bytes())
