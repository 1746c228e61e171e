"""The benchmark harness behind ``make bench``: each case measured against a floor taken in the
same run, on the same machine, so that a ratio means something on a loaded box too.

Not part of the test run: nothing here is named ``test_*`` and pytest collects only tests/.
``python -m benchmarks --help`` lists the cases and options; BENCHMARKS.md holds the latest table.
"""
