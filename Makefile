# Two commands on a fresh machine: `make demo` and `make test`.
# Everything installs into $(VENV)/, the Jupyter kernelspec included (--sys-prefix).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# stamps: the virtualenv itself; the package with its runtime dependencies (what
# `dlnsym demo` needs); and the dev extra on top (tests, docs, benchmarks, lint)
CREATED := $(VENV)/.created
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev

.PHONY: setup demo test test-slow bench bench-instructions docs lint clean

setup: $(DEV_STAMP)

$(CREATED):
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	touch $(CREATED)

$(STAMP): pyproject.toml | $(CREATED)
	$(BIN)/python -m pip install --quiet -e .
	touch $(STAMP)

# the kernelspec goes into the virtualenv, not the home directory; the docs build runs the
# notebooks on it (docs/conf.py)
$(DEV_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -m ipykernel install --sys-prefix --name dlnsym --display-name "dlnsym" >/dev/null
	touch $(DEV_STAMP)

demo: $(STAMP)
	$(BIN)/dlnsym demo --out demo_output

test: $(DEV_STAMP)
	$(BIN)/python -m pytest -q

test-slow: $(DEV_STAMP)
	$(BIN)/python -m pytest -q -m slow

bench: $(DEV_STAMP)
	$(BIN)/python -m benchmarks

bench-instructions: $(DEV_STAMP)
	$(BIN)/python -m benchmarks.count_instructions

# The documentation site, warnings as errors (the notebooks execute during the build).
docs: $(DEV_STAMP)
	$(BIN)/sphinx-build -b html -W --keep-going -q docs docs/_build/html
	@echo "open docs/_build/html/index.html"

lint: $(DEV_STAMP)
	$(BIN)/ruff check dlnsym proofs_checks tests benchmarks notebooks

clean:
	rm -rf $(VENV) demo_output .pytest_cache .hypothesis docs/_build docs/api docs/notebooks
