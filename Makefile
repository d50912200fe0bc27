# Shortcuts for `python -m opskb <command>`, the one way to install, preview, check, fix and test
# (it needs only Python: on Windows without make, run the python commands directly).
# The two set-up commands of README.md: `make serve` and `make test`.
PYTHON ?= python3
OPSKB := $(PYTHON) -m opskb

.PHONY: serve test check fix build bench lock

serve:  ## install the pinned dependencies, preview at http://127.0.0.1:8000, rebuilt on save (SERVE_FLAGS="--dirty --no-strict")
	$(OPSKB) serve $(SERVE_FLAGS)

test:  ## the whole suite, browser tests included
	$(OPSKB) test

check:  ## every rule, as the build and the pull-request check run them
	$(OPSKB) check

fix:  ## typesetting and computed blocks, rewritten in place
	$(OPSKB) fix

build:  ## strict build into site/ (nothing is written when it fails)
	$(OPSKB) build

bench:
	$(OPSKB) bench

lock:  ## after changing dependencies in pyproject.toml
	$(OPSKB) lock
