# `make run` and `make test` are all a newcomer needs (README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: run test install lint format lock bench clean

# Exact versions (with hashes) from requirements.lock; pyproject.toml keeps the compatible ranges.
# The second pip call only installs the project itself (and anything newer than the lock).
$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# After changing dependencies in pyproject.toml: one lock for every supported Python (3.10-3.13).
lock:
	$(BIN)/uv pip compile pyproject.toml --extra dev --universal --python-version 3.10 \
	  --generate-hashes --quiet -o requirements.lock

install: $(STAMP)

run: install
	DEBUG=true $(BIN)/python manage.py migrate --no-input
	DEBUG=true $(BIN)/python manage.py ingest
	DEBUG=true $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: install
	PATH="$(CURDIR)/$(BIN):$$PATH" scripts/test.sh

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) staticfiles .pytest_cache db.sqlite3
