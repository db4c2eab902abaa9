# Two commands: `make lab` opens the course, `make test` runs every test.
# Each creates .venv and installs what it needs on first use; a second run reinstalls nothing
# unless requirements*.txt, pyproject.toml or package-lock.json changed.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip --disable-pip-version-check -q

.PHONY: lab test lint bench clean-venv

# axe-core (accessibility checks in the browser tests) comes from npm when package-lock.json exists.
ifneq ($(wildcard package-lock.json),)
NODE_STAMP := node_modules/.stamp
endif

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (nbgrader 0.9.6); found " + sys.version.split()[0])'
	$(PYTHON) -m venv $(VENV)

$(VENV)/.stamp-course: requirements.txt pyproject.toml | $(BIN)/python
	$(PIP) install -r requirements.txt
	$(PIP) install --no-deps -e .
	@touch $@

$(VENV)/.stamp-dev: requirements-dev.txt $(VENV)/.stamp-course
	$(PIP) install -r requirements-dev.txt
	@touch $@

node_modules/.stamp: package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund --silent && touch $@; \
	else echo "npm not found: axe-core accessibility checks will be skipped"; fi

# The course root is served (lessons/ and assignments/ both visible) and the start lesson opens.
# Jupyter refuses to start as root unless told to (containers, CI machines).
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root)

lab: $(VENV)/.stamp-course
	$(BIN)/jupyter lab $(ROOT_FLAG) --ServerApp.root_dir="$(CURDIR)" \
		--LabApp.default_url=/lab/tree/lessons/00-start-here.ipynb $(LAB_ARGS)

test: $(VENV)/.stamp-dev $(NODE_STAMP)
	@PENINSULA_TEST_PG_URL="$${PENINSULA_TEST_PG_URL:-$$(bash tools/postgres-for-tests.sh start >&2 && bash tools/postgres-for-tests.sh url || true)}"; \
	export PENINSULA_TEST_PG_URL; \
	[ -n "$$PENINSULA_TEST_PG_URL" ] || echo "PostgreSQL not available: the PostgreSQL gradebook tests will be skipped"; \
	[ -x /usr/bin/chromium ] || echo "Chromium not found: the browser (e2e) tests will be skipped"; \
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.stamp-dev
	$(BIN)/ruff check .

bench: $(VENV)/.stamp-dev
	@for f in bench/bench_*.py; do echo "== $$f"; $(BIN)/python $$f || exit 1; done

clean-venv:
	rm -rf $(VENV) node_modules
