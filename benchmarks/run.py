"""``python -m benchmarks [--quick] [--only NAME …]``: run the cases in order, print the table,
write the results as JSON and (a full run of every case) BENCHMARKS.md.

Exit status: 0 when every case was measured (and, in a full run, met its target); 1 when a full
run missed a target; 2 when the harness itself failed (a case could not be measured). A quick
run measures every case small, to prove the harness works: its misses are reported, never
failed on, since a quick run on a loaded machine measures nothing."""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks import clients, propagation, report, sync_cases, ui_cases  # noqa: E402
from benchmarks.common import Context, Measurement  # noqa: E402

Case = Callable[[Context], list[Measurement]]

# In order: the later ones take their floors from the earlier ones' results.
CASES: dict[str, Case] = {
    "propagation_pg": propagation.propagation_pg,
    "propagation_pg_blocked": propagation.propagation_pg_blocked,
    "propagation_sqlite": propagation.propagation_sqlite,
    "initial_sync_10k": sync_cases.initial_sync_10k,
    "incremental_sync_scaling": sync_cases.incremental_sync_scaling,
    "inbox_rules_100k": sync_cases.inbox_rules_100k,
    "window_100k": ui_cases.list_cases,  # and search_100k, from the same run
    "startup": ui_cases.startup,
    "memory_100k": ui_cases.memory_100k,
    "clients_200": clients.clients_200,
    "poll_1000": clients.poll_1000,
}
ALIASES = {"search_100k": "window_100k"}
NEEDS = {"propagation_pg_blocked": "propagation_pg", "clients_200": "propagation_pg"}


def selected(only: list[str]) -> list[str]:
    if not only:
        return list(CASES)
    wanted = {ALIASES.get(name, name) for name in only}
    unknown = wanted - CASES.keys()
    if unknown:
        raise SystemExit(
            f"No benchmark case {', '.join(sorted(unknown))}; the cases are "
            f"{', '.join([*CASES, *ALIASES])}."
        )
    wanted |= {NEEDS[name] for name in wanted if name in NEEDS}
    return [name for name in CASES if name in wanted]


def run_case(name: str, ctx: Context, profile: bool) -> list[Measurement]:
    if not profile:
        return CASES[name](ctx)
    from pyinstrument import Profiler

    profiler = Profiler(interval=0.0005)
    profiler.start()
    try:
        return CASES[name](ctx)
    finally:
        profiler.stop()
        path = ROOT / f"bench-profile-{name}.txt"
        path.write_text(profiler.output_text(unicode=True, show_all=False), encoding="utf-8")
        ctx.log(f"  profile in {path.name}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="every case small, in about a minute")
    parser.add_argument("--only", nargs="+", default=[], metavar="NAME", help="just these cases")
    parser.add_argument("--json", type=Path, help="where to write the results")
    parser.add_argument(
        "--markdown", type=Path, help="the BENCHMARKS.md to keep current (full runs of all cases)"
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="profile each case in this process with pyinstrument: bench-profile-NAME.txt",
    )
    args = parser.parse_args(argv)
    names = selected(args.only)
    out = args.json or ROOT / ("bench-results-quick.json" if args.quick else "bench-results.json")
    markdown = args.markdown or ROOT / "BENCHMARKS.md"
    started = time.monotonic()
    load_before = os.getloadavg()
    errors: dict[str, str] = {}
    pg_version = "not used"
    with tempfile.TemporaryDirectory(prefix="di-bench-") as scratch:
        ctx = Context(quick=args.quick, scratch=Path(scratch))
        ctx.log = lambda line: print(line, flush=True)
        try:
            for name in names:
                ctx.log(f"{name} …")
                case_started = time.monotonic()
                try:
                    for m in run_case(name, ctx, args.profile):
                        ctx.results[m.name] = m
                        ctx.log(f"  {report.line(m)}")
                except Exception as exc:  # the harness goes on; the error decides the exit
                    errors[name] = f"{type(exc).__name__}: {exc}"
                    traceback.print_exc()
                ctx.log(f"  ({time.monotonic() - case_started:.0f} s)")
            if ctx.server is not None:
                pg_version = report.server_version(ctx.server.admin_url)
        finally:
            ctx.close()
    elapsed = time.monotonic() - started
    machine = report.machine(pg_version, load_before, os.getloadavg())
    results = {n: m.as_json() for n, m in ctx.results.items()}
    document = {
        "quick": args.quick,
        "seconds": round(elapsed),
        "machine": machine,
        "errors": errors,
        "results": results,
    }
    out.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    table = report.table(ctx.results.values())
    print()
    print(table)
    print(f"\n{len(ctx.results)} measurements in {elapsed:.0f} s; results in {out.name}")
    if not args.quick and not args.only and not errors:
        report.update_markdown(markdown, table, machine, elapsed)
        print(f"{markdown.name} updated")
    missed = [m.name for m in ctx.results.values() if not m.met]
    if missed:
        verdict = "reported, not failed on (a quick run)" if args.quick else "MISSED"
        print(f"Targets missed: {', '.join(missed)}: {verdict}")
    if errors:
        for name, error in errors.items():
            print(f"HARNESS ERROR in {name}: {error}", file=sys.stderr)
        return 2
    return 1 if missed and not args.quick else 0
