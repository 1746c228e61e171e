"""The log check (tests/logfail.py): an unexpected WARNING fails the test, a declared one does
not. Run on a tiny suite of its own in a child pytest, so its records never reach this one."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

INNER_TESTS = """
    import logging
    import threading

    import pytest

    sync = logging.getLogger("inbox.sync.engine")

    def test_an_unexpected_warning_fails():
        sync.warning("detail load failed, retrying")

    @pytest.mark.expect_log("inbox.sync", "WARNING")
    def test_a_declared_warning_below_the_named_logger_passes():
        sync.warning("detail load failed, retrying")

    @pytest.mark.expect_log("inbox.sync", "WARNING")
    def test_a_warning_marker_does_not_excuse_an_error():
        sync.error("the store is gone")

    @pytest.mark.expect_log("inbox.sync", "WARNING")
    def test_a_marker_names_a_logger_not_a_prefix_of_its_name():
        logging.getLogger("inbox.syncer").warning("not under inbox.sync")

    def test_a_warning_from_another_thread_fails():
        worker = threading.Thread(target=lambda: sync.warning("from the engine thread"))
        worker.start()
        worker.join()

    def test_caplog_set_level_declares_nothing(caplog):
        caplog.set_level(logging.WARNING)
        sync.warning("captured, still unexpected")
        assert "captured" in caplog.text

    def test_info_and_debug_pass():
        sync.info("round done")
        sync.debug("details")

    @pytest.fixture
    def noisy_teardown():
        yield
        logging.getLogger("inbox.services").warning("worker still running at shutdown")

    def test_a_warning_in_teardown_is_an_error(noisy_teardown):
        pass
"""


def _inner_suite(pytester: pytest.Pytester, tests: str) -> None:
    """A suite with the log check as its only plugin, and ``tests`` as its one module."""
    pytester.makeconftest('pytest_plugins = ["logfail"]')
    (pytester.path / "logfail.py").write_text((Path(__file__).parent / "logfail.py").read_text())
    pytester.makepyfile(test_inner=textwrap.dedent(tests))


def test_unexpected_warnings_fail_and_declared_ones_pass(pytester: pytest.Pytester) -> None:
    _inner_suite(pytester, INNER_TESTS)
    result = pytester.runpytest_subprocess("-p", "no:randomly", "--strict-markers", timeout=120)
    # the teardown test passes its call, then errors in teardown
    result.assert_outcomes(passed=3, failed=5, errors=1)
    outcomes = {
        "test_an_unexpected_warning_fails": "FAILED",
        "test_a_declared_warning_below_the_named_logger_passes": "PASSED",
        "test_a_warning_marker_does_not_excuse_an_error": "FAILED",
        "test_a_marker_names_a_logger_not_a_prefix_of_its_name": "FAILED",
        "test_a_warning_from_another_thread_fails": "FAILED",
        "test_caplog_set_level_declares_nothing": "FAILED",
        "test_info_and_debug_pass": "PASSED",
    }
    verbose = pytester.runpytest_subprocess("-p", "no:randomly", "-v", timeout=120)
    for name, outcome in outcomes.items():
        verbose.stdout.fnmatch_lines([f"*::{name} {outcome}*"])
    result.stdout.fnmatch_lines(
        [
            "*1 unexpected log record(s) of WARNING or above during the test*",
            "*inbox.sync.engine WARNING: detail load failed, retrying*",
        ]
    )
    result.stdout.fnmatch_lines(
        [
            "*during teardown*",
            "*inbox.services WARNING: worker still running at shutdown*",
        ]
    )


def test_a_marker_without_a_logger_is_refused_with_how_to_write_it(
    pytester: pytest.Pytester,
) -> None:
    _inner_suite(
        pytester,
        """
        import pytest

        @pytest.mark.expect_log()
        def test_no_logger():
            pass

        @pytest.mark.expect_log("inbox.sync", "LOUD")
        def test_no_such_level():
            pass
        """,
    )
    result = pytester.runpytest_subprocess("-p", "no:randomly", timeout=120)
    assert result.ret != 0
    result.stdout.fnmatch_lines(["*write @pytest.mark.expect_log(logger_name, level)*"])
    result.stdout.fnmatch_lines(["*unknown log level 'LOUD'*"])
