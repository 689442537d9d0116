# `make run` and `make test` each bootstrap what they need; a second run reinstalls nothing.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
BUN_DIR := .tools
BUN := $(BUN_DIR)/node_modules/.bin/bun
STAMP := $(VENV)/.installed
CHROMIUM := /usr/bin/chromium
export REFLEX_USE_SYSTEM_BUN := 1
export REFLEX_CHECK_LATEST_VERSION := 0
export PATH := $(CURDIR)/$(BUN_DIR)/node_modules/.bin:$(PATH)

.PHONY: run test bench bootstrap migrate lint format clean browser

$(PY):
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# Reinstall only when the dependency list changes.
$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# Reflex's own bun download needs GitHub; the npm registry carries the same binary.
$(BUN):
	npm install --silent --no-audit --no-fund --prefix $(BUN_DIR) bun@1.4.4

bootstrap: $(STAMP) $(BUN)

migrate: bootstrap
	$(PY) -m krypton_app.cli bootstrap

run: migrate
	$(VENV)/bin/reflex run --env prod

browser:
	@if [ -x $(CHROMIUM) ]; then :; \
	elif [ "$$(id -u)" = 0 ]; then \
	  echo "Installing Debian's chromium for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else \
	  echo "No $(CHROMIUM) and not root: using Playwright's own Chromium download"; \
	  $(VENV)/bin/playwright install chromium; \
	fi

lint: bootstrap
	$(VENV)/bin/ruff check .

format: bootstrap
	$(VENV)/bin/ruff format .

test: bootstrap browser
	$(VENV)/bin/ruff check .
	# The non-browser tests on every core; the browser tests share one built app server, in one process.
	$(VENV)/bin/pytest -n auto tests/unit tests/services tests/api tests/compat
	$(VENV)/bin/pytest tests/e2e

bench: bootstrap
	$(PY) bench/ledger.py
	$(PY) bench/monitor.py
	$(PY) bench/market.py

clean:
	rm -rf $(VENV) $(BUN_DIR) .web .states
