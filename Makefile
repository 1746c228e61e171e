# Decision Inbox: developer entry points. `make test` is the command CI runs (.ci/run).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# Re-install when pyproject.toml changes (dependencies, extras, entry points).
STAMP  := $(VENV)/.install.stamp

# What `make run` starts. For now: seed the demo into the embedded default store and print the
# demo user's inbox. Switch to the desktop app later with: RUN_CMD = $(BIN)/decision-inbox --demo
RUN_CMD ?= $(BIN)/decision-inbox demo && $(BIN)/decision-inbox inbox

# Extra pytest arguments, e.g. `make test PYTEST_ARGS="-k store -x"`.
PYTEST_ARGS ?=

.PHONY: venv run test lint clean

venv: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --disable-pip-version-check -e '.[test]'
	touch $@

run: venv
	$(RUN_CMD)

test: venv
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .ruff_cache .mypy_cache .hypothesis
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
