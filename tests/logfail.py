"""Fail a test on a log record of WARNING or above that it did not declare.

An error storm (a detail load retried hundreds of times a second, each retry logging a
warning) passes every assertion about what the user sees; this plugin makes it fail the test.
The idea is qutebrowser's ``tests/helpers/logfail.py``.

The rule, one and only: a test that expects such a record says so with a marker::

    @pytest.mark.expect_log("inbox.sync", "WARNING")

A record is expected when its logger is the marker's logger or below it (``inbox.sync.engine``
is under ``inbox.sync``) and its level is no higher than the marker's level (a marker for
``WARNING`` does not excuse an ``ERROR``). A test may carry several markers. The marker only
permits the record; whether it must appear is for the test's own assertions (usually on
``caplog.records``). ``caplog.set_level`` and ``caplog.at_level`` declare nothing: they choose
what is captured, not what is expected.

Any other record of WARNING or above, logged from any thread while the test's setup, call or
teardown runs, fails that phase with one line per record (logger, level, message). When the
phase fails anyway, the records are left to pytest's own "Captured log" section. A record
logged by a thread that outlives its test lands in the test that is running then: stop your
threads in the test or its fixtures.

Qt's own messages are not log records; pytest-qt's ``qt_log_level_fail`` covers those.
"""

from __future__ import annotations

import logging
from collections.abc import Generator

import pytest

MARKER = "expect_log"
MIN_LEVEL = logging.WARNING


class _Collector(logging.Handler):
    """Keeps every record of ``MIN_LEVEL`` or above, from any thread."""

    def __init__(self) -> None:
        super().__init__(MIN_LEVEL)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)  # list.append is atomic: safe from any thread


def _level(value: object) -> int:
    if isinstance(value, int):
        return value
    number = logging.getLevelName(str(value).upper())
    if not isinstance(number, int):
        raise pytest.UsageError(f"@pytest.mark.{MARKER}: unknown log level {value!r}.")
    return number


def _allowances(item: pytest.Item) -> list[tuple[str, int]]:
    out = []
    for mark in item.iter_markers(MARKER):
        if not mark.args or not isinstance(mark.args[0], str) or len(mark.args) > 2:
            raise pytest.UsageError(
                f"{item.nodeid}: write @pytest.mark.{MARKER}(logger_name, level), "
                f"e.g. @pytest.mark.{MARKER}('inbox.sync', 'WARNING')."
            )
        level = mark.args[1] if len(mark.args) == 2 else mark.kwargs.get("level", "WARNING")
        out.append((mark.args[0], _level(level)))
    return out


def _expected(record: logging.LogRecord, allowances: list[tuple[str, int]]) -> bool:
    return any(
        (record.name == name or record.name.startswith(name + ".")) and record.levelno <= level
        for name, level in allowances
    )


def _watch(item: pytest.Item, phase: str) -> Generator[None, object, object]:
    allowances = _allowances(item)
    collector = _Collector()
    root = logging.getLogger()
    root.addHandler(collector)
    try:
        result = yield  # a phase that raises keeps its own failure
    finally:
        root.removeHandler(collector)
    unexpected = [r for r in collector.records if not _expected(r, allowances)]
    if unexpected:
        lines = "\n".join(f"  {r.name} {r.levelname}: {r.getMessage()}" for r in unexpected[:20])
        more = f"\n  … and {len(unexpected) - 20} more" if len(unexpected) > 20 else ""
        pytest.fail(
            f"{len(unexpected)} unexpected log record(s) of WARNING or above during {phase}; "
            f"fix the cause, or declare them with @pytest.mark.{MARKER}(logger, level):\n"
            f"{lines}{more}",
            pytrace=False,
        )
    return result


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{MARKER}(logger, level='WARNING'): the test expects log records of up to `level` from "
        "`logger` or below it; any other WARNING or above fails the test (tests/logfail.py)",
    )


# tryfirst: the outermost wrapper, so the check sees what every other fixture and hook logged.
@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> Generator[None, object, object]:
    return (yield from _watch(item, "setup"))


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, object, object]:
    return (yield from _watch(item, "the test"))


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_teardown(item: pytest.Item) -> Generator[None, object, object]:
    return (yield from _watch(item, "teardown"))
