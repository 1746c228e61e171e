"""The command line: a fixed contract that scripts and tests depend on (docs/cli.md).

``main`` parses, dispatches to one module per group of commands and turns every failure a user
can meet into one sentence on stderr and an exit code (2 usage, 3 conflict, 4 permission denied,
1 otherwise); a traceback only with ``--debug``.
"""

from inbox.cli.main import main

__all__ = ["main"]
