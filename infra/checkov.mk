# Checkov scans infra/ from its own virtual environment: it pins many libraries at versions
# that would clash with the app's. The Makefile includes this file; `make test` runs the scan
# through tests/infra/test_checkov_scan.py once checkov-setup has installed it.

CHECKOV_VENV ?= .venv-checkov
CHECKOV_PYTHON ?= $(or $(PYTHON),python3)

.PHONY: checkov-setup checkov

checkov-setup: $(CHECKOV_VENV)/.installed

# Stamped, so the install runs once and again only when the pinned version changes.
$(CHECKOV_VENV)/.installed: infra/checkov-requirements.txt
	$(CHECKOV_PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(CHECKOV_VENV)/bin/python -m pip install --quiet --disable-pip-version-check \
	  -r infra/checkov-requirements.txt
	touch $@

# The same scan as the test, readable: failed and skipped checks with their reasons.
checkov: checkov-setup
	$(CHECKOV_VENV)/bin/checkov --directory infra --framework bicep --skip-download --compact
