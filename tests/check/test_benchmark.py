"""1 000 bindings over 200 files check quickly through the real command, measured beside the
floor: reading and parsing the same files in this process."""

from __future__ import annotations

import json
import time
import tomllib
from pathlib import Path

from tests.check.helpers import check, decide, people

BOUND = 10.0  # generous for a shared machine: a run here takes about a second
FILES, PER_FILE = 200, 5


def test_a_thousand_bindings_over_two_hundred_files(sqlite_url: str, tmp_path: Path) -> None:
    keys = {f"svc.value_{n}": str(n) for n in range(PER_FILE)}
    with people(sqlite_url) as service:
        decide(service, "Values", keys)
    repo = tmp_path / "repo"
    binds = []
    for f in range(FILES):
        name = f"conf/service_{f}.json"
        path = repo / name
        path.parent.mkdir(parents=True, exist_ok=True)
        document = {"service": f, "values": {f"v{n}": n for n in range(PER_FILE)}}
        path.write_text(json.dumps(document, indent=2))
        binds += [
            f'[[bind]]\nkey = "svc.value_{n}"\nfile = "{name}"\njson = "/values/v{n}"\n'
            for n in range(PER_FILE)
        ]
    (repo / "decisions.toml").write_text("\n".join(binds))

    started = time.perf_counter()
    result = check(repo, store=sqlite_url)
    elapsed = time.perf_counter() - started
    assert result.code == 0, result.out[-2000:] + result.err
    assert (
        result.out.strip() == f"Checked {FILES * PER_FILE} bindings of decisions.toml: 1000 holds."
    )

    started = time.perf_counter()
    tomllib.loads((repo / "decisions.toml").read_text())
    for path in sorted((repo / "conf").iterdir()):
        json.loads(path.read_text())
    floor = time.perf_counter() - started
    print(
        f"\ncheck: {FILES * PER_FILE} bindings over {FILES} files in {elapsed:.2f} s "
        f"(a child process, start-up included); reading and parsing them: {floor * 1000:.1f} ms"
    )
    assert elapsed < BOUND
