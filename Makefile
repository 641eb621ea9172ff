# Two commands matter: `make run` (set up, load the demo ledger, serve on port 7071) and
# `make test` (set up everything the tests need, then lint, type-check and run every test).
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
CHROMIUM ?= /usr/bin/chromium

export PORT ?= 7071

.PHONY: run serve test lint bench setup setup-dev node browser clean

run: setup
	$(BIN)/python -m local_host --demo

serve: setup
	$(BIN)/python -m local_host

test: setup-dev node browser checkov-setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	CHROMIUM_PATH=$(CHROMIUM) $(BIN)/python -m pytest

lint: setup-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

bench: setup-dev
	$(BIN)/python -m bench.precompute_bench
	$(BIN)/python -m bench.prompt_size_bench

setup: $(VENV)/.runtime
setup-dev: $(VENV)/.dev
node: node_modules/.installed
browser: $(CHROMIUM)

# Debian's python3 needs the venv package before `python3 -m venv` works.
$(VENV)/.runtime: requirements.txt
	$(PYTHON) -m venv $(VENV) || { $(SUDO) apt-get update -qq && \
	  $(SUDO) apt-get install -y -qq python3-venv && rm -rf $(VENV) && $(PYTHON) -m venv $(VENV); }
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(CHROMIUM):
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium chromium-driver

-include infra/checkov.mk

clean:
	rm -rf $(VENV) .venv-checkov node_modules .data test-artifacts .mypy_cache .ruff_cache \
	  .pytest_cache .hypothesis
