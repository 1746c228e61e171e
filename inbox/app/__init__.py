"""The desktop app: start-up, the wiring of services to views, and ``gui --screenshot``.

Nothing imports this package but the command line's ``gui`` command; see ``inbox.app.main.run``.
"""
