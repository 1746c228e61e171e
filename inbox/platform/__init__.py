"""The operating system: the keyring, start at login, the instance lock, filesystem checks.

Imports only ``inbox.core``: no Qt, no SQL, so the store, the sync engine and the command line can
all use it.
"""
