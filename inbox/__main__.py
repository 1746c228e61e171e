"""``python -m inbox``: the same as the ``decision-inbox`` command (``python -X importtime -m
inbox`` shows what a start imports)."""

import sys

from inbox.cli.main import main

sys.exit(main())
