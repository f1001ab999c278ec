# Two entry points do all set-up on a new Debian 12 machine: `make demo` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
# durable-rules 2.0.28 builds on Python 3.13 only with this (harmless on 3.11/3.12)
export CPPFLAGS := -DPyEval_CallObject=PyObject_CallObject

.PHONY: demo test lint bench fuzz setup system docs clean serve

# Debian packages (idempotent, only installs what is missing); PostgreSQL and MariaDB only for the tests.
system:
	HEGUI_WITH_POSTGRES=$(WITH_POSTGRES) tools/setup-system.sh

$(BIN)/python:
	$(PY) -m venv $(VENV) || { tools/setup-system.sh && rm -rf $(VENV) && $(PY) -m venv $(VENV); }

$(VENV)/.installed: pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -c constraints.txt -e '.[dev,dask]'
	touch $@

setup: system $(VENV)/.installed

demo: WITH_POSTGRES = 0
demo: setup
	@for d in assessments/examples/*/; do \
	  n=$$(basename $$d); \
	  $(BIN)/hegui assess $$d --out out/$$n --format json,pdf,csv,xlsx,docx --fail-on none || exit $$?; \
	done

test: WITH_POSTGRES = 1
test: setup
	$(BIN)/ruff check engine tests benchmarks
	$(BIN)/mypy
	$(BIN)/hegui rulebooks lint
	url=$$(timeout 120 tools/start-postgres.sh) && myurl=$$(timeout 120 tools/start-mariadb.sh) && \
	  HEGUI_TEST_PG_URL=$$url HEGUI_TEST_MYSQL_URL=$$myurl $(BIN)/pytest

bench: WITH_POSTGRES = 0
bench: setup
	$(BIN)/python -m benchmarks $(BENCH)

# The shared web workspace (docs/workspace.md): `make serve`, or `make serve DB=postgresql+psycopg://…`.
# Create the first admin before: .venv/bin/hegui users add NAME --org ORG --role admin
HOST ?= 127.0.0.1
PORT ?= 8000
serve: WITH_POSTGRES = 0
serve: setup
	$(BIN)/hegui serve --host $(HOST) --port $(PORT) $(if $(DB),--db '$(DB)')

# The long fuzz campaign over the inputs (CI runs the same tests with 40 examples each).
FUZZ_EXAMPLES ?= 10000
fuzz: WITH_POSTGRES = 0
fuzz: setup
	HEGUI_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/pytest tests/test_fuzz.py -q -p no:cacheprovider --timeout 0 --hypothesis-show-statistics

docs: setup
	$(BIN)/hegui rulebooks docs --out docs/rules
	$(BIN)/hegui schema --out docs/findings.schema.json

clean:
	rm -rf $(VENV) out
