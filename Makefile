# The two commands of the README: `make run` and `make test`. Both set up .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.kbridge-installed
PYTEST_ARGS ?=

.PHONY: run test setup lint bench screenshots dist clean

$(STAMP): pyproject.toml
	@PYTHON=$(PYTHON) sh packaging/check-system.sh setup
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $(STAMP)

setup: $(STAMP)

lint: setup
	$(BIN)/lint-imports
	$(BIN)/ruff check .

test: setup
	@sh packaging/check-system.sh test
	$(MAKE) --no-print-directory lint
	@QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest $(PYTEST_ARGS); rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no tests (exit 5): the test suite is missing" >&2; fi; \
	exit $$rc

run: setup
	@sh packaging/check-system.sh run
	$(BIN)/kbridge gui --sample

clean:
	rm -rf $(VENV) build dist .pytest_cache .ruff_cache
