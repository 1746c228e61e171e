"""The check that a failure reached the user as one sentence (what every error the command line
or the app's start-up can meet must look like): stderr is exactly one line, ``decision-inbox: …``
ending in a full stop, with no traceback, naming what the test says it must."""

from __future__ import annotations

PREFIX = "decision-inbox: "


def one_sentence(err: str, *words: str) -> str:
    """The single line on ``err``; fails unless it is one sentence naming each of ``words``."""
    assert "Traceback" not in err, err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, f"expected one line on stderr, got {len(lines)}:\n{err}"
    line = lines[0]
    assert line.startswith(PREFIX) and line.endswith("."), line
    for word in words:
        assert word in line, (word, line)
    return line
