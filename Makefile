# Two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup demo test test-slow bench bench-instructions docs lint clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -m ipykernel install --user --name dlnsym --display-name "dlnsym" >/dev/null
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/dlnsym demo --out demo_output

test: $(STAMP)
	$(BIN)/python -m pytest -q

test-slow: $(STAMP)
	$(BIN)/python -m pytest -q -m slow

bench: $(STAMP)
	$(BIN)/python -m benchmarks

bench-instructions: $(STAMP)
	$(BIN)/python -m benchmarks.count_instructions

# The documentation site, warnings as errors (the notebooks execute during the build).
docs: $(STAMP)
	$(BIN)/sphinx-build -b html -W --keep-going -q docs docs/_build/html
	@echo "open docs/_build/html/index.html"

lint: $(STAMP)
	$(BIN)/ruff check dlnsym proofs_checks tests benchmarks notebooks

clean:
	rm -rf $(VENV) demo_output .pytest_cache .hypothesis docs/_build docs/api docs/notebooks
