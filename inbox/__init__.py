"""Decision Inbox: cross-team decisions with owners, deadlines, revisions and acknowledgments."""

__version__ = "0.1.0"
APP_ID = "io.github.decisioninbox.DecisionInbox"
APP_NAME = "decision-inbox"
"""The program's name: the command, the folders of its profile, the notifier's app name."""
DISPLAY_NAME = "Decision Inbox"
"""The name a person reads: window titles, the tray, dialogs."""
