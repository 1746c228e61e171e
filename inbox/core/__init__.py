"""Pure Python domain: data, lifecycle rules, inbox rules, diffs, conflicts. Imports no I/O layer."""
