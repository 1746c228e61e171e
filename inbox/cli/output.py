"""What every command prints the same way: plain lines, JSON, warnings on stderr."""

from __future__ import annotations

import json
import sys
from typing import Any

from inbox.cli.context import Context
from inbox.cli.terminal import safe
from inbox.store.engine import tls_warning


def say(text: str) -> None:
    """Print a human-readable result; what came from the store cannot steer the terminal."""
    print(safe(text))


def print_json(value: Any) -> None:
    json.dump(value, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")


def warn_without_tls(ctx: Context) -> None:
    warning = tls_warning(ctx.choice.url)
    if warning:
        print(f"decision-inbox: warning: {warning}", file=sys.stderr)
