"""Notification policy (pure) and notifier adapters."""
