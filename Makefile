# Two commands do all the set-up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell sha256sum pyproject.toml | cut -c1-12)
PERSONS ?= 5000

.PHONY: install browser demo test lint typecheck unit postgres-tests bench bench-national bench-load clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

# The browser tests drive Debian's Chromium (Playwright's own browser download is not used).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installerar Chromium från Debians paket …"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium >/dev/null; }

demo: install
	$(BIN)/helhetsbild demo --persons $(PERSONS)

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: install
	$(BIN)/mypy src

unit: install browser
	HELHETSBILD_DATA_DIR=$$(mktemp -d) $(BIN)/pytest -n 2 --dist loadfile

# With HELHETSBILD_TEST_POSTGRES_URL set (CI sets it), every database test runs again on PostgreSQL.
postgres-tests: install
	@if [ -n "$$HELHETSBILD_TEST_POSTGRES_URL" ]; then \
	  HELHETSBILD_DATA_DIR=$$(mktemp -d) HELHETSBILD_DATABASE_URL="$$HELHETSBILD_TEST_POSTGRES_URL" \
	  HELHETSBILD_REQUIRE_POSTGRES=1 \
	    $(BIN)/pytest -n 2 --dist loadfile -m "not browser and not sqlite_only and not database_independent" -p no:cacheprovider; \
	else echo "HELHETSBILD_TEST_POSTGRES_URL är inte satt: PostgreSQL-testerna hoppas över (CI kör dem)."; fi

test: lint typecheck unit postgres-tests

bench: install
	$(BIN)/python bench/run.py --sizes 1000,5000,50000
	$(BIN)/python bench/pages.py --persons 5000

bench-national: install
	$(BIN)/python bench/run.py --sizes 1000000 --repeat 1

# The web application under 20 and 100 users: gunicorn, a private PostgreSQL, the demo data.
bench-load: install
	$(BIN)/python bench/load.py --users 20,100 --duration 60

clean:
	rm -rf $(VENV) build src/*.egg-info .pytest_cache .mypy_cache .ruff_cache
