# The two commands of the README: `make run` and `make test`. Everything else is set up on the way.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run test test-fast lint install fuzz browser assets map screenshots

run: install
	$(BIN)/tec up

# Unit tests first (tests/unit/: no Neo4j, seconds), then the integration tests against a real Neo4j.
test: install lint browser test-fast
	$(BIN)/pytest -q --durations=15 --ignore=tests/unit

# The fast loop: the unit tests alone, without Neo4j (well under 30 s). `--confcutdir` keeps the
# integration fixtures of tests/conftest.py (and the app they import) out of it.
test-fast: install
	$(BIN)/pytest -q --confcutdir=tests/unit tests/unit

# The browser tests (tests/browser/) drive the machine's Chromium; Debian's package, installed when missing.
CHROMIUM ?= /usr/bin/chromium
browser:
	@test -x $(CHROMIUM) || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

# The README's screenshots (docs/img/), made by the browser tests.
screenshots: install browser
	TEC_SCREENSHOTS=$(CURDIR)/docs/img $(BIN)/pytest -q tests/browser

# GraphiQL, React and axe-core are committed (tec/explorer/static/vendor/, tests/browser/axe.min.js);
# this rebuilds them from web/package-lock.json.
assets:
	cd web && npm ci --no-audit --no-fund && node copy.mjs

# The explorer's map (tec/explorer/static/france.json) is committed; this rebuilds it from the IGN contours.
map: install
	$(BIN)/python scripts/build_map.py

# A long fuzz run of every query and mutation (tests/tec/test_fuzz.py; the suite runs 20 examples an operation).
FUZZ_EXAMPLES ?= 200
fuzz: install
	FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/pytest tests/tec/test_fuzz.py -q -s

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .
	$(BIN)/lint-imports

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@
