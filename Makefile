# huddlebot: `make run` and `make test` do all their own set-up.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint typecheck demo bench clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

run: $(STAMP)
	HUDDLEBOT_CONFIG=$${HUDDLEBOT_CONFIG:-examples/huddlebot.toml} $(BIN)/huddlebot run

demo: $(STAMP)
	$(BIN)/huddlebot demo

lint: $(STAMP)
	$(BIN)/ruff check bot adapters tests bench
	$(BIN)/ruff format --check bot adapters tests bench

typecheck: $(STAMP)
	$(BIN)/mypy

test: $(STAMP) lint typecheck
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python bench/replies.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache data
