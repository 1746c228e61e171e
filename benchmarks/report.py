"""The table, the machine it ran on, and BENCHMARKS.md's generated part."""

from __future__ import annotations

import os
import platform
import re
import subprocess
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg

from benchmarks.common import Measurement
from tests.pg import find_bindir, libpq_url

BEGIN, END = "<!-- bench:begin (written by make bench) -->", "<!-- bench:end -->"


def _number(value: float | None, unit: str = "") -> str:
    if value is None:
        return "—"
    text = f"{value:,.1f}" if abs(value) >= 10 else f"{value:.2f}"
    return f"{text} {unit}".strip()


def line(m: Measurement) -> str:
    ratio = "" if m.ratio is None else f" = {m.ratio:.2f}×"
    floor = "" if m.floor is None else f" vs floor {_number(m.floor, m.unit)}"
    verdict = "met" if m.met else "MISSED"
    return f"{m.name}: {_number(m.value, m.unit)}{floor}{ratio} (target {m.target_text}: {verdict})"


def _notes(m: Measurement) -> str:
    shown = []
    for key, value in m.extra.items():
        if isinstance(value, float):
            value = f"{value:.2f}" if abs(value) < 10 else f"{value:,.0f}"
        shown.append(f"{key} {value}")
    return "; ".join(shown)


def table(measurements: Iterable[Measurement]) -> str:
    rows = [
        "| case | value | floor | ratio | target | met | notes |",
        "|---|---|---|---|---|---|---|",
    ]
    for m in measurements:
        ratio = "—" if m.ratio is None else f"{m.ratio:.2f}×"
        rows.append(
            f"| `{m.name}` | {_number(m.value, m.unit)} | {_number(m.floor, m.unit)} | {ratio} "
            f"| {m.target_text} | {'yes' if m.met else '**no**'} | {_notes(m)} |"
        )
    return "\n".join(rows)


def server_version(admin_url: str) -> str:
    with psycopg.connect(libpq_url(admin_url), autocommit=True) as conn:
        row = conn.execute("SHOW server_version").fetchone()
    configured = str(row[0]) if row else "?"
    bindir = find_bindir()
    throwaway = ""
    if bindir is not None:
        out = subprocess.run(
            [str(bindir / "postgres"), "--version"], capture_output=True, text=True, check=False
        )
        throwaway = out.stdout.strip().rsplit(" ", 1)[-1]
    return f"{configured}; throwaway clusters {throwaway or 'none'}"


def _cpu_model() -> str:
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return platform.processor() or "?"
    found = re.search(r"^model name\s*:\s*(.+)$", text, re.MULTILINE)
    return found.group(1).strip() if found else platform.processor() or "?"


def _ram_gib() -> float:
    try:
        text = Path("/proc/meminfo").read_text()
    except OSError:
        return 0.0
    found = re.search(r"^MemTotal:\s*(\d+) kB", text, re.MULTILINE)
    return round(int(found.group(1)) / 1024 / 1024, 1) if found else 0.0


def _os_name() -> str:
    try:
        text = Path("/etc/os-release").read_text()
        found = re.search(r'^PRETTY_NAME="?([^"\n]+)"?$', text, re.MULTILINE)
        name = found.group(1) if found else platform.system()
    except OSError:
        name = platform.system()
    return f"{name}, kernel {platform.release()}"


def machine(
    pg_version: str, load_before: tuple[float, ...], load_after: tuple[float, ...]
) -> dict[str, Any]:
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpus": os.cpu_count(),
        "cpu_model": _cpu_model(),
        "ram_gib": _ram_gib(),
        "os": _os_name(),
        "python": platform.python_version(),
        "postgresql": pg_version,
        "load_before": [round(x, 2) for x in load_before],
        "load_after": [round(x, 2) for x in load_after],
    }


def generated(table_text: str, machine_info: dict[str, Any], seconds: float) -> str:
    m = machine_info
    return "\n".join(
        [
            BEGIN,
            f"Latest full run: {m['date']}, {seconds / 60:.0f} min.",
            "",
            f"- Machine: {m['cpus']} CPUs ({m['cpu_model']}), {m['ram_gib']} GiB RAM, {m['os']}",
            f"- Python {m['python']}; PostgreSQL {m['postgresql']}",
            f"- Load average (1, 5, 15 min) before the run {m['load_before']}, "
            f"after it {m['load_after']}",
            "",
            table_text,
            END,
        ]
    )


TEMPLATE = """# Benchmarks

{generated}
"""


def update_markdown(
    path: Path, table_text: str, machine_info: dict[str, Any], seconds: float
) -> None:
    """Replace the generated part of ``path`` (between the markers), keeping the rest."""
    part = generated(table_text, machine_info, seconds)
    if not path.exists():
        path.write_text(TEMPLATE.format(generated=part), encoding="utf-8")
        return
    text = path.read_text(encoding="utf-8")
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        _, tail = rest.split(END, 1)
        text = head + part + tail
    else:
        text = text.rstrip() + "\n\n" + part + "\n"
    path.write_text(text, encoding="utf-8")
