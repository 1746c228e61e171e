"""Decision Inbox: cross-team decisions with owners, deadlines, revisions and acknowledgments."""

__version__ = "0.1.0"
APP_ID = "io.github.decisioninbox.DecisionInbox"
APP_NAME = "decision-inbox"
