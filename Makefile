# Decision Inbox: developer entry points. `make test` is the command CI runs (.ci/run).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# Re-install when pyproject.toml changes (dependencies, extras, entry points).
STAMP  := $(VENV)/.install.stamp

# What `make run` starts: the desktop app on the embedded default store, with the demo seeded
# first if the store is empty (as fred of the frontend team). Without a display it renders the
# window to a picture and says where.
RUN_CMD ?= $(BIN)/decision-inbox --demo

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
	$(BIN)/xenon --max-absolute C inbox

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .ruff_cache .mypy_cache .hypothesis
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
