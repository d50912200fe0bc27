# Two commands do all the set-up: `make serve` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
export NO_MKDOCS_2_WARNING := 1
export DISABLE_MKDOCS_2_WARNING := true

.PHONY: serve test build check bench lock

$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --require-hashes -r requirements.lock
	$(PY) -m pip install --quiet --no-deps --editable .
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

serve: $(STAMP)  ## http://127.0.0.1:8000, rebuilt on every save (SERVE_FLAGS="--dirty --no-strict": changed pages only)
	$(VENV)/bin/mkdocs serve --dev-addr 127.0.0.1:8000 $(SERVE_FLAGS)

test: $(STAMP) node_modules/.installed  ## the whole suite, browser tests included
	$(PY) -m pytest

build: $(STAMP)
	$(VENV)/bin/mkdocs build --strict

check: $(STAMP)  ## page rules only, as pre-commit runs them
	$(VENV)/bin/opskb-check

bench: $(STAMP) node_modules/.installed
	$(VENV)/bin/opskb-bench

lock:  ## after changing dependencies in pyproject.toml
	$(PY) -m pip install --quiet uv
	$(VENV)/bin/uv pip compile pyproject.toml --extra test --generate-hashes --python-version 3.11.5 -o requirements.lock
