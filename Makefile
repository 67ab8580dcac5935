# ustoo — `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export USTOO_DATA_DIR ?= $(CURDIR)/var
PYTEST := $(BIN)/python -m pytest

.PHONY: help run test test-js test-sqlite test-postgres test-cluster test-browser bench lint lock audit build clean messages \
	deps-run deps-test deps-bench

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

# Each target checks (as root on Debian: installs) the system packages it needs: scripts/system-deps.
deps-run:
	@scripts/system-deps run

deps-test:
	@scripts/system-deps test

deps-bench:
	@scripts/system-deps bench

# Order-only: a venv needs Debian's pythonX.Y-venv, and translations need gettext's msgfmt.
$(BIN)/.installed: requirements.lock pyproject.toml | deps-run
	@PY=$$(scripts/find-python) && test -x $(BIN)/python || "$$PY" -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $@

# The browser code of the journal and of the matching escrow: npm packages pinned by package-lock.json
# (installed again whenever it is newer than what node_modules holds; no package's install script
# runs), bundled by esbuild into ustoo/journal/static/journal/ and ustoo/matching/static/matching/,
# which git ignores.
NPM_INSTALLED := node_modules/.installed
JOURNAL_BUNDLE := ustoo/journal/static/journal/journal.js
MATCHING_BUNDLE := ustoo/matching/static/matching/matching.js
$(NPM_INSTALLED): package-lock.json package.json | deps-run
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	@touch $@

$(JOURNAL_BUNDLE): $(NPM_INSTALLED) $(wildcard ustoo/journal/frontend/*.js ustoo/journal/frontend/*.css ustoo/core/frontend/*.js)
	npm run --silent build:journal

$(MATCHING_BUNDLE): $(NPM_INSTALLED) $(wildcard ustoo/matching/frontend/*.js ustoo/matching/frontend/*.css ustoo/core/frontend/*.js)
	npm run --silent build:matching

build: $(BIN)/.installed $(JOURNAL_BUNDLE) $(MATCHING_BUNDLE) | deps-run ## Bundle the browser code, compile translations, collect static files
	cd ustoo && ../$(BIN)/ustoo compilemessages --ignore '.venv' -v 0
	$(BIN)/ustoo collectstatic --noinput -v 0

# The templates translators start from (ustoo/locale/django.pot; djangojs.pot for the words of the pages'
# scripts, in the front ends' sources) and every catalogue, from the strings of the code; new strings
# arrive empty in each catalogue (docs/TRANSLATING.md). The bundles in static/ are built from those sources.
messages: $(BIN)/.installed ## Extract the interface's strings into the templates and every catalogue
	cd ustoo && DJANGO_SETTINGS_MODULE=ustoo.settings PYTHONPATH=.. ../$(BIN)/python -m django makemessages \
		--all --keep-pot --no-obsolete --ignore 'tests/*' --ignore '*/tests/*' -v 0
	cd ustoo && DJANGO_SETTINGS_MODULE=ustoo.settings PYTHONPATH=.. ../$(BIN)/python -m django makemessages \
		--domain djangojs --all --keep-pot --no-obsolete --ignore 'tests/*' --ignore '*/tests/*' --ignore static -v 0

run: deps-run build ## Serve the site at http://127.0.0.1:$(PORT) (demo content on first start)
	$(BIN)/ustoo migrate --noinput -v 0
	$(BIN)/ustoo load_demo --if-empty
	$(BIN)/ustoo load_demo_campaigns --if-empty
	$(BIN)/ustoo load_demo_upstanders --if-empty
	@# The mail sender, the journal's tree-head publisher (hourly) and the escrow's OPRF service (its own
	@# process and key, in $$USTOO_DATA_DIR/oprf-service/, where USTOO_MATCHING_OPRF_URL finds it) run
	@# beside the web server, and stop with it.
	export USTOO_HTTPS=0 USTOO_SITE_URL="$${USTOO_SITE_URL:-http://127.0.0.1:$(PORT)}"; \
		$(BIN)/ustoo send_campaign_mail --loop & mail=$$!; \
		$(BIN)/ustoo journal publish-head --loop & heads=$$!; \
		oprf_url="$${USTOO_MATCHING_OPRF_URL:-http://127.0.0.1:8765}"; \
		$(BIN)/ustoo matching oprf-service --bind "$${oprf_url#http://}" & oprf=$$!; \
		trap "kill $$mail $$heads $$oprf 2>/dev/null" EXIT; \
		$(BIN)/gunicorn ustoo.wsgi --config python:ustoo.gunicorn_conf --bind 127.0.0.1:$(PORT)

test: deps-test build ## Run every test: node, SQLite and PostgreSQL side by side, two app servers, then Chromium
	$(MAKE) --no-print-directory test-js
	@# The two database runs are single processes sharing nothing (PostgreSQL's has its own data directory):
	@# side by side they take one core each; their output is printed whole as each one ends.
	$(MAKE) --no-print-directory --jobs=2 --output-sync=target test-sqlite test-postgres
	$(MAKE) --no-print-directory test-cluster test-browser

test-js: build  # the plural tests run the catalogues the site serves (compiled by build)
	node --test ustoo/core/frontend/tests/ ustoo/journal/frontend/tests/ ustoo/matching/frontend/tests/

test-sqlite: build
	$(PYTEST) -q -m "not browser and not cluster"

test-postgres: build
	USTOO_DATA_DIR=$(CURDIR)/var/test-postgres scripts/with-postgres $(PYTEST) -q -m "not browser and not cluster"

# Two gunicorn app servers on 127.0.0.2 and 127.0.0.3 behind haproxy, sharing PostgreSQL (through
# pgbouncer) and Redis, all started and stopped by the tests (ustoo/core/tests/cluster/, docs/DEPLOY.md).
test-cluster: build
	$(PYTEST) -q -m cluster ustoo/core/tests/cluster

test-browser: build
	$(PYTEST) -q -m browser

bench: deps-bench build ## Run the benchmarks and print ratios (see bench/RESULTS.md)
	$(BIN)/python -m bench

lint: $(BIN)/.installed ## ruff and Django's own checks
	$(BIN)/ruff check ustoo bench
	$(BIN)/ruff format --check ustoo bench
	$(BIN)/ustoo makemigrations --check --dry-run
	$(BIN)/ustoo check

lock: $(BIN)/.installed ## Re-pin requirements.lock from pyproject.toml
	$(BIN)/uv pip compile pyproject.toml --extra dev --generate-hashes --python-version 3.12 \
	    --python-platform x86_64-manylinux_2_28 --no-strip-extras -o requirements.lock -q

audit: $(BIN)/.installed ## Known vulnerabilities in requirements.lock (pip-audit) and package-lock.json (npm)
	$(BIN)/python scripts/audit

clean: ## Remove the virtual environment, npm packages, the browser bundles and collected static files (keeps var/)
	rm -rf $(VENV) node_modules ustoo/journal/static/journal ustoo/matching/static/matching staticfiles
