# Two commands on a fresh clone with Python 3.11+:  make run  ·  make test
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
LOCK := requirements/dev.lock

# Local development defaults; the environment wins (CI sets DATABASE_URL and REDIS_URL).
export DEBUG ?= true
# Webhooks to http:// and to this machine (SPEC §10): development only.
export WEBHOOK_ALLOW_PRIVATE ?= true

.PHONY: install run test lint format lock clean

$(BIN)/.installed: $(LOCK)
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' || \
	  { echo "ITB Rehab needs Python 3.11 or newer (found: $$($(PYTHON) --version))."; \
	    echo "Run with PYTHON=/path/to/python3.11 make ..."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r $(LOCK)
	touch $@

# Local defaults for manage.py commands typed by hand (git-ignored, never deployed).
.env:
	printf '# Local development only: never deploy this file.\nDEBUG=true\n' > $@

## install: build .venv from the pinned, hashed lock file
install: $(BIN)/.installed .env

## run: migrate, load the demo clinic, serve on 127.0.0.1:8000 with a Celery worker and beat
run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/honcho -f Procfile.dev start

## test: lint, migration check, the engine's coverage, then the whole suite on two workers
# The clinical rules' example tests must cover progressions/rules/ to the last branch by
# themselves (a few seconds, one process). The whole suite then runs without the coverage
# tracer, which tripled the time of every test that runs the engine. Each xdist worker has
# its own test database (test_<name>_gw0...) and Redis databases (settings.py);
# --dist loadgroup keeps tests/production on one worker.
TEST_WORKERS ?= 2
test: install lint
	bash .ci/system-packages
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest -q tests/rules --ignore=tests/rules/test_properties.py \
	  --cov=progressions.rules --cov-branch --cov-fail-under=100 --cov-report=term-missing:skip-covered
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/pytest -n $(TEST_WORKERS) --dist loadgroup --durations=10

## prod-check: build as the Dockerfile does, serve with gunicorn, check every page and file
.PHONY: prod-check
prod-check: install
	bash .ci/system-packages
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/pytest tests/production

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## lock: re-pin every dependency (after editing pyproject.toml)
lock: install
	$(BIN)/pip-compile --quiet --strip-extras --generate-hashes --allow-unsafe -o requirements/base.lock pyproject.toml
	$(BIN)/pip-compile --quiet --strip-extras --generate-hashes --allow-unsafe --extra dev -o requirements/dev.lock pyproject.toml

## bench: time the app against bare Django views on a generated clinic (needs PostgreSQL)
# A fresh database beside DATABASE_URL's (default postgres://postgres@127.0.0.1:5432/ →
# itbrehab_bench), gunicorn with DEBUG=false, the table of issue 14; BENCH_ARGS=--quick
# for a check in seconds. README: "Benchmark".
.PHONY: bench
BENCH_ARGS ?=
bench: install
	$(BIN)/python -m scripts.bench $(BENCH_ARGS)

## screenshots: redraw docs/screenshots/ from a throwaway demo clinic (Debian's Chromium)
.PHONY: screenshots
screenshots: install
	$(BIN)/python -m scripts.screenshots

clean:
	rm -rf $(VENV) .venv-production var staticfiles .pytest_cache .ruff_cache
