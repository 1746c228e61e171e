"""``python -m inbox.cli``: the same as the ``decision-inbox`` command."""

import sys

from inbox.cli.main import main

sys.exit(main())
