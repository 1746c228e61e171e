# Decision Inbox: developer entry points. `make test` and `make bench QUICK=1` are what CI runs
# (.ci/run).
# Packaging (docs/packaging.md): dist, package, package-test, desktop-files, install-desktop,
# uninstall-desktop, deb, deb-test.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# Re-install when pyproject.toml changes (dependencies, extras, entry points). STAMP: the app
# with the test extra (tests, lint, packaging tools); RUN_STAMP: the app alone, what `make run`
# needs, so that running the app never installs the developer tools.
STAMP     := $(VENV)/.install.stamp
RUN_STAMP := $(VENV)/.runtime.stamp

# What `make run` starts: the desktop app on the embedded default store, with the demo seeded
# first if the store is empty (as fred of the frontend team). Without a display it renders the
# window to a picture and says where.
RUN_CMD ?= $(BIN)/decision-inbox --demo

# `make bench QUICK=1`: every benchmark case small, to prove the harness runs (what CI does).
QUICK ?=

# Extra pytest arguments, e.g. `make test PYTEST_ARGS="-k store -x"`.
PYTEST_ARGS ?=

# Packaging outputs. DESKTOP_EXEC: the command `make install-desktop` puts in the desktop entry
# (default: `decision-inbox` on PATH), e.g. DESKTOP_EXEC=$(CURDIR)/dist/decision-inbox/decision-inbox.
DIST         := dist
ONEFOLDER    := $(DIST)/decision-inbox
SHARE        := build/linux/share
DESKTOP_EXEC ?=
VERSION       = $(shell $(PYTHON) packaging/project.py | sed -n 's/^VERSION=//p')
DEB           = $(DIST)/decision-inbox_$(VERSION)_$(shell dpkg --print-architecture).deb

.PHONY: venv run test bench lint screenshots clean dist package package-test desktop-files install-desktop \
	uninstall-desktop deb deb-test

venv: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --disable-pip-version-check -e '.[test]'
	touch $@ $(RUN_STAMP)

$(RUN_STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --disable-pip-version-check -e .
	touch $@

run: $(RUN_STAMP)
	$(RUN_CMD)

test: venv
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The benchmark harness (benchmarks/, BENCHMARKS.md): every case against a floor measured in the
# same run. A full run rewrites BENCHMARKS.md's table and bench-results.json, and exits 1 when a
# target is missed; QUICK=1 writes bench-results-quick.json only and fails on harness errors
# alone.
bench: venv
	$(BIN)/python -m benchmarks $(if $(QUICK),--quick)

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/xenon --max-absolute C inbox

# The README's screenshots: D-1 for fred and for ana (its owner) at 1024x700, 1280x800 and
# 1920x1080, light and dark, into resources/screenshots/.
screenshots: $(RUN_STAMP)
	resources/screenshots/make.sh $(BIN)/decision-inbox

# The sdist and the wheel (`pip install dist/decision_inbox-*.whl`, or pipx).
dist: venv
	rm -f $(DIST)/decision_inbox-*.whl $(DIST)/decision_inbox-*.tar.gz
	$(BIN)/python -m build --outdir $(DIST) .

# The standalone one-folder build for this platform: dist/decision-inbox/.
package: venv
	$(BIN)/pyinstaller --noconfirm --clean --log-level WARN --distpath $(DIST) \
		--workpath build/pyinstaller packaging/pyinstaller/decision-inbox.spec

# The smoke test of that build (version, init, demo, a screenshot offscreen, a password
# through a private Secret Service), on the binary `make package` just built.
package-test: package
	DECISION_INBOX_STANDALONE=$(CURDIR)/$(ONEFOLDER)/decision-inbox \
		$(BIN)/python -m pytest -q tests/packaging/test_standalone.py $(PYTEST_ARGS)

# The desktop file, metainfo and icons as a share/ tree (what the .deb and Flatpak install).
desktop-files: $(RUN_STAMP)
	rm -rf $(SHARE)
	$(BIN)/python packaging/linux/share.py build $(SHARE) $(if $(DESKTOP_EXEC),--exec "$(DESKTOP_EXEC)")

# For the current user: $XDG_DATA_HOME (~/.local/share)/applications, metainfo, icons/hicolor.
install-desktop: $(RUN_STAMP)
	$(BIN)/python packaging/linux/share.py install $(if $(DESKTOP_EXEC),--exec "$(DESKTOP_EXEC)")

uninstall-desktop: $(RUN_STAMP)
	$(BIN)/python packaging/linux/share.py uninstall

# A .deb of the one-folder build: /opt/decision-inbox, /usr/bin/decision-inbox, /usr/share/….
deb: package
	$(BIN)/python packaging/linux/deb.py $(ONEFOLDER) $(DIST)

# Installs the .deb with apt, checks it and removes it again: changes the system, needs root.
deb-test: deb
	$(PYTHON) packaging/linux/deb_check.py $(DEB)

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .ruff_cache .mypy_cache .hypothesis
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
