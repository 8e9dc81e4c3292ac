# huddlebot: `make run` and `make test` do all their own set-up.
#
# huddlebot runs on Python 3.11, 3.12 or 3.13: the first of those found makes .venv, and
# `make run PYTHON=python3.12` names one. `make clean` removes only what a later `make` rebuilds;
# the partnership's data (data/, or the database DATABASE_URL names) is never touched here.
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# the test suite runs in this many processes (pytest-xdist); `make test TEST_WORKERS=1` runs it in one
TEST_WORKERS ?= 2
SUPPORTED := Python 3.11, 3.12 or 3.13
USABLE := import sys, pip; sys.exit(not (3, 11) <= sys.version_info[:2] < (3, 14))
ifeq ($(origin PYTHON),undefined)
PYTHON := $(or $(shell for p in python3.11 python3.12 python3.13 python3; do \
	$$p -c '$(USABLE)' >/dev/null 2>&1 && { echo $$p; break; }; done),python3)
endif

.PHONY: run test lint typecheck demo bench wheel clean venv-check

# Before every use: a .venv made with a Python huddlebot cannot use, or left half-made by a failed
# set-up, is reported with how to start again instead of being reused.
venv-check:
	@if [ -e $(VENV) ]; then \
	  if ! $(BIN)/python -c '$(USABLE)' >/dev/null 2>&1; then \
	    found=$$($(BIN)/python --version 2>&1 | head -n 1); \
	    echo "make: $(VENV) cannot be used (its python says: $${found:-nothing, it does not start})." >&2; \
	    echo "  It was made by a set-up that failed, or with a Python huddlebot does not support" >&2; \
	    echo "  (it needs $(SUPPORTED), with pip)." >&2; \
	    echo "  To start again: make clean, then make run (or make run PYTHON=python3.12)." >&2; \
	    echo "  make clean removes only $(VENV) and caches, never the data." >&2; \
	    exit 1; \
	  fi; \
	  if [ "$(origin PYTHON)" = "command line" ]; then \
	    wanted=$$($(PYTHON) --version 2>&1 | head -n 1); \
	    found=$$($(BIN)/python --version 2>&1); \
	    [ "$$wanted" = "$$found" ] || echo "make: note: $(VENV) uses $$found; PYTHON=$(PYTHON)" \
	      "applies to a new $(VENV) only (make clean first)." >&2; \
	  fi; \
	elif ! $(PYTHON) -c '$(USABLE)' >/dev/null 2>&1; then \
	  found=$$($(PYTHON) --version 2>&1 | head -n 1); \
	  echo "make: PYTHON=$(PYTHON) cannot be used ($${found:-it is not installed})." >&2; \
	  echo "  huddlebot needs $(SUPPORTED): install one, then run for example" >&2; \
	  echo "  make run PYTHON=python3.12 (the README says where to get Python)." >&2; \
	  exit 1; \
	fi

$(STAMP): pyproject.toml | venv-check
	@test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

# `make run` runs in this folder as every huddlebot command does: ./huddlebot.toml (a copy of
# the example, made the first time) and ./data/, so `huddlebot digest ...` here finds the same.
run: $(STAMP)
	@if [ -z "$$HUDDLEBOT_CONFIG" ] && [ ! -e huddlebot.toml ]; then \
	  cp examples/huddlebot.toml huddlebot.toml; \
	  echo "make: copied examples/huddlebot.toml to ./huddlebot.toml; edit it to make it yours." >&2; \
	fi
	$(BIN)/huddlebot run

demo: $(STAMP)
	$(BIN)/huddlebot demo

lint: $(STAMP)
	$(BIN)/ruff check bot adapters tests bench
	$(BIN)/ruff format --check bot adapters tests bench

typecheck: $(STAMP)
	$(BIN)/mypy

test: $(STAMP) lint typecheck
	@if [ -n "$$HUDDLEBOT_CHROMIUM" ] || command -v chromium >/dev/null 2>&1; then \
	  echo "make: Chromium found: the browser tests (tests/web/test_browser.py) run too."; \
	else \
	  echo "make: no Chromium found, so the browser tests are skipped" \
	    "(install Debian's chromium package, or set HUDDLEBOT_CHROMIUM to a Chromium)."; \
	fi
	$(BIN)/python -m pytest -n $(TEST_WORKERS)

bench: $(STAMP)
	$(BIN)/python bench/replies.py

# the wheel people install (pip install dist/huddlebot-*.whl); the Dockerfile builds the same
wheel: $(STAMP)
	rm -rf build  # setuptools would reuse an earlier build's files
	$(BIN)/python -m pip wheel --quiet --no-deps --wheel-dir dist .

# only what `make` rebuilds; data/ (the partnership's database) stays
clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis build dist *.egg-info
