# Yardstick: `make run` starts the product, `make test` runs the whole suite.
# Both set up what they need on a fresh clone (.venv from requirements.lock, migrations).

PYTHON ?= $(shell command -v python3.12 >/dev/null 2>&1 && echo python3.12 || echo python3)
VENV := .venv
PY := $(VENV)/bin/python
PYTEST_ARGS ?=

.PHONY: run test lint format bench load screenshots check-deploy lock clean

# `make run` needs only what the product runs on (requirements.txt: no compiler, no LDAP
# headers); `make test` adds the test tools (requirements.lock), and LDAP support
# (requirements-ldap.txt) where OpenLDAP's headers are there for python-ldap to build against.
LDAP_HEADERS := $(wildcard /usr/include/ldap.h)
$(VENV)/.python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else "Yardstick needs Python 3.12 or newer (pyenv reads .python-version).")'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@touch $@

$(VENV)/.runtime: requirements.txt $(VENV)/.python
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

$(VENV)/.installed: requirements.lock requirements-ldap.txt $(VENV)/.python
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
ifneq ($(LDAP_HEADERS),)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-ldap.txt
else
	@echo "No OpenLDAP headers (apt-get install libldap-dev libsasl2-dev): LDAP tests will skip."
endif
	@touch $@ $(VENV)/.runtime

run: $(VENV)/.runtime
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	$(PY) manage.py run_embedded

test: $(VENV)/.installed
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: $(VENV)/.installed
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

bench: $(VENV)/.installed
	$(PY) -m pytest tests/benchmarks -s -p no:randomly --override-ini addopts=

# Screenshots of the main pages as each role at 1366 and 390 px, into screenshots/ (not committed).
screenshots: $(VENV)/.installed
	$(PY) scripts/screenshots.py

# A bounded loopback load run on gunicorn and PostgreSQL (DATABASE_URL), ending with
# check_integrity; not part of `make test` (tests/benchmarks/load_run.py).
LOAD_USERS ?= 50
LOAD_SECONDS ?= 180
load: $(VENV)/.installed
	$(PY) tests/benchmarks/load_run.py --users $(LOAD_USERS) --seconds $(LOAD_SECONDS) $(LOAD_ARGS)

check-deploy: $(VENV)/.runtime
	DEBUG=0 SECRET_KEY=check-deploy-$$(date +%s)-not-a-real-secret-0123456789abcdefghijklmnop \
	ALLOWED_HOSTS=yardstick.example SITE_URL=https://yardstick.example EMAIL_HOST=smtp.example \
	$(PY) manage.py check --deploy --fail-level WARNING

lock:
	$(PY) -m pip install --quiet uv
	$(PY) -m uv pip compile pyproject.toml --extra dev -o requirements.lock --python-version 3.12
	$(PY) -m uv pip compile pyproject.toml -o requirements.txt --python-version 3.12
	$(PY) -m uv pip compile pyproject.toml --extra ldap -o requirements-ldap.txt --python-version 3.12

clean:
	rm -rf var staticfiles .pytest_cache
