# peerbot: the two commands a newcomer needs are `make run` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test test-postgres test-faults bench lint format setup synapse clean

$(BIN)/peerbot: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e ".[test]"
	touch $(BIN)/peerbot

setup: $(BIN)/peerbot

## The console community on a local SQLite file (no token needed).
run: setup
	$(BIN)/peerbot console --db peerbot-console.db

## Every test: unit, console end-to-end, Discord loopback, real Synapse, fault tests; then every
## test that opens a database again on PostgreSQL (a throwaway server the suite starts itself).
test: setup synapse
	$(BIN)/ruff check bot cogs storage tests benchmarks scripts
	$(BIN)/python -m pytest -q -p no:cacheprovider
	PEERBOT_TEST_BACKEND=postgresql $(BIN)/python -m pytest -q -p no:cacheprovider $(NO_DATABASE)

## Tests that never open a database: the PostgreSQL pass leaves them out (they ran just before).
NO_DATABASE := --ignore=tests/test_crisis_detector.py --ignore=tests/test_timeutil.py \
	--ignore=tests/test_recurrence.py --ignore=tests/test_fuzz_rendering.py \
	--ignore=tests/test_text_split.py --ignore=tests/test_crisis_cli.py \
	--ignore=tests/test_fuzz_config.py

## The suite on PostgreSQL only.
test-postgres: setup
	PEERBOT_TEST_BACKEND=postgresql $(BIN)/python -m pytest -q -p no:cacheprovider $(NO_DATABASE)

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

## Translations (docs/translating.md): find marked messages, merge them into every catalog,
## compile the catalogs the bot loads (the .mo files are committed, so a fresh clone has them).
LOCALES := bot/locales
POT := $(LOCALES)/peerbot.pot

i18n-extract: setup
	$(BIN)/pybabel extract -F babel.cfg -k N_ -k t -k tr -k nt:1,2 -k plural:1,2 \
		--add-location=file --sort-output --project=peerbot -o $(POT) bot cogs

i18n-update: i18n-extract
	$(BIN)/pybabel update -i $(POT) -d $(LOCALES) -D peerbot --ignore-obsolete --previous

i18n-compile: setup
	$(BIN)/pybabel compile -d $(LOCALES) -D peerbot --statistics

clean:
	rm -rf $(VENV) .synapse-venv peerbot-console.db* peerbot-files
