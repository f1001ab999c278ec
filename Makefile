# Two entry points do all set-up on a new Debian 12 machine: `make demo` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
export CPPFLAGS := -DPyEval_CallObject=PyObject_CallObject

.PHONY: demo test lint bench setup system clean

$(BIN)/python:
	$(PY) -m venv $(VENV) || { tools/setup-system.sh && rm -rf $(VENV) && $(PY) -m venv $(VENV); }

.stamp-system: tools/setup-system.sh
	HEGUI_WITH_POSTGRES=$(WITH_POSTGRES) tools/setup-system.sh
	touch $@

.stamp-venv: pyproject.toml constraints.txt $(BIN)/python .stamp-system
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -c constraints.txt -e '.[dev]'
	touch $@

setup: .stamp-venv

demo: WITH_POSTGRES = 0
demo: setup
	@for d in assessments/examples/*/; do \
	  n=$$(basename $$d); \
	  $(BIN)/hegui assess $$d --out out/$$n --fail-on none || exit $$?; \
	done

test: WITH_POSTGRES = 1
test: setup
	$(BIN)/ruff check engine tests benchmarks tools
	$(BIN)/mypy
	$(BIN)/hegui rulebooks lint
	$(BIN)/pytest

bench: setup
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) .stamp-* out
