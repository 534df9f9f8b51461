# The two set-up commands: `make demo` and `make test`. Everything they need installs from here.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test lint install install-dev serve translations dist clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml node_modules/.installed | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml node_modules/.installed | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed

# Compiled message catalogues (French, German) are built from the committed .po files.
MO_FILES := $(patsubst %.po,%.mo,$(wildcard leaderboard/translations/*/LC_MESSAGES/messages.po))
%.mo: %.po | $(VENV)/.installed
	$(BIN)/pybabel compile --use-fuzzy -i $< -o $@

# The pages' Socket.IO client comes from npm, pinned by package-lock.json (no CDN at run time).
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

demo: install $(MO_FILES)
	$(BIN)/leaderboard db upgrade
	$(BIN)/leaderboard demo

serve: install $(MO_FILES)
	$(BIN)/leaderboard db upgrade
	$(BIN)/leaderboard serve

# Runs everything on SQLite; with LEADERBOARD_TEST_DATABASE_URL set, the database-backed
# suites run a second time on that server (CI points it at PostgreSQL). The first run blanks the
# variable so that it really is SQLite; tests that need PostgreSQL whatever the run read
# LEADERBOARD_POSTGRES_URL.
# Lint and types first: a finding fails the run like a test does.
lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/mypy

test: install-dev $(MO_FILES) lint
	LEADERBOARD_POSTGRES_URL="$$LEADERBOARD_TEST_DATABASE_URL" LEADERBOARD_TEST_DATABASE_URL= $(BIN)/pytest
	@if [ -n "$$LEADERBOARD_TEST_DATABASE_URL" ]; then \
		echo "== again on $$LEADERBOARD_TEST_DATABASE_URL"; \
		$(BIN)/pytest tests/integration tests/api; \
	fi

# Refresh the French and German catalogues after changing user-visible text.
translations: install-dev
	$(BIN)/pybabel extract -F babel.cfg -k _l -o leaderboard/translations/messages.pot .
	$(BIN)/pybabel update -i leaderboard/translations/messages.pot -d leaderboard/translations
	$(BIN)/pybabel compile -d leaderboard/translations

# The sdist and the wheel in dist/. The wheel bundles the pages, migrations, config.toml, the browser files
# (npm, at build time only) and the compiled catalogues: installing it needs neither Node nor this checkout.
dist: install-dev
	rm -rf dist build
	$(BIN)/python -m build --outdir dist .

clean:
	rm -rf $(VENV) instance .pytest_cache build dist
