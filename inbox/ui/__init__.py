"""Widgets, windows, dialogs and item models. Talks to services and core only."""
