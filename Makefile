# peerbot: the two commands a newcomer needs are `make run` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test test-faults bench lint format setup synapse clean

$(BIN)/peerbot: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e ".[test]"
	touch $(BIN)/peerbot

setup: $(BIN)/peerbot

## The console community on a local SQLite file (no token needed).
run: setup
	$(BIN)/peerbot console --db peerbot-console.db

## Every test: unit, console end-to-end, Discord loopback, real Synapse, fault tests.
test: setup synapse
	$(BIN)/ruff check bot cogs storage tests benchmarks scripts
	$(BIN)/python -m pytest -q -p no:cacheprovider

## Only the long fault-injection tests.
test-faults: setup
	$(BIN)/python -m pytest -q -m faults

synapse:
	bash scripts/install-synapse.sh

bench: setup
	$(BIN)/python -m benchmarks

lint: setup
	$(BIN)/ruff check bot cogs storage tests benchmarks scripts
	$(BIN)/ruff format --check bot cogs storage tests benchmarks scripts

format: setup
	$(BIN)/ruff format bot cogs storage tests benchmarks scripts
	$(BIN)/ruff check --fix bot cogs storage tests benchmarks scripts

clean:
	rm -rf $(VENV) .synapse-venv peerbot-console.db* peerbot-files
