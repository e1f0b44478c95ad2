# make demo  - set up and run the whole pipeline on the bundled example survey
# make test  - set up and run lint, type checks and the test suite
# make bench - set up and run the benchmarks

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
ODK := tests/odk
ODK_STAMP := $(ODK)/node_modules/.installed-stamp

.PHONY: demo test bench lint typecheck setup clean codebooks

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

$(ODK_STAMP): $(ODK)/package.json $(ODK)/package-lock.json
	cd $(ODK) && npm ci --no-audit --no-fund --loglevel=error
	touch $(ODK_STAMP)

setup: $(STAMP)

demo: $(STAMP)
	$(BIN)/prisonsurvey demo --out demo-output

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy src

test: $(STAMP) $(ODK_STAMP) lint typecheck
	$(BIN)/python -m pytest -n 2 -q

codebooks: $(STAMP)
	$(BIN)/python -m prisonsurvey.codebook.shipped codebooks

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) $(ODK)/node_modules demo-output
