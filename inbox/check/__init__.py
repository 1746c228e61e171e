"""``decision-inbox check``: what a repository's files say, compared with the live decisions.

Pure Python over ``inbox.core``: the bindings file, the locators of each file format, the
comparison of values, the status of each binding and the output formats. The command itself
(reading the store or the profile's cache) is ``inbox.cli.check``; docs/check.md is the contract.
"""
