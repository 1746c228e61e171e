"""``decision-inbox`` with no command, and ``decision-inbox gui``: the desktop app, started
through its typed options. Kept out of ``commands`` so that starting the app does not import
every other command (and SQLAlchemy with them) before its window shows."""

from __future__ import annotations

import argparse


def run_gui(args: argparse.Namespace) -> int:
    # Deferred: every other command must not pay for importing Qt. First PySide, so that the
    # app's own modules are imported without its source scan (inbox.app.qt_imports).
    from inbox.app.qt_imports import skip_feature_scan

    skip_feature_scan()
    from inbox.app.main import run as run_app
    from inbox.app.options import AppOptions

    gui = args.command == "gui"
    return run_app(
        AppOptions(
            store=args.store,
            user=args.user,
            profile_dir=args.profile_dir,
            allow_network_fs=bool(args.allow_network_filesystem),
            demo=bool(args.demo),
            screenshot=args.screenshot if gui else None,
            select=args.select if gui else None,
            size=args.size if gui else None,
        )
    )
