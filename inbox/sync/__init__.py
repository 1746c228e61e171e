"""The client sync engine: cache, outbox, catch-up, wake-ups. No Qt."""
