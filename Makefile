# The two commands a new user needs: `make site` and `make test`. Both set up .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# npm packages, pinned in package-lock.json: Marp CLI (the lecture decks, `make site`) and the HTML
# validator vnu-jar (tests/test_html_valid.py). `npm ci` installs exactly the locked versions.
NPM := node_modules/.installed-$(shell cat package-lock.json | cksum | cut -d' ' -f1)
# Lighthouse (tests/browser/test_lighthouse.py, make bench): pinned in its own tools/lighthouse/package-lock.json.
LIGHTHOUSE := tools/lighthouse/node_modules/.bin/lighthouse
STAMP := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | cksum | cut -d' ' -f1)
export NO_MKDOCS_2_WARNING := 1
# Python's bytecode goes to .cache/pycache, not into __pycache__ folders beside the sources: one in docs_dir (the
# notebooks' lab package) set mkdocs serve rebuilding in a loop; kept, it spares each build compiling the generator.
export PYTHONPYCACHEPREFIX := $(CURDIR)/.cache/pycache
unexport PYTHONDONTWRITEBYTECODE

.PHONY: site serve test test-fast check bench notebooks notebooks-shard notebooks-merge schemas browser clean

$(STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@rm -f $(VENV)/.installed-*
	@touch $@

## site: build the default course site into site/ (executes notebooks and renders the decks, cached in .cache/)
site: $(STAMP) browser $(NPM)
	$(BIN)/mkdocs build --strict

## serve: preview with live reload at http://127.0.0.1:8000
serve: $(STAMP) browser $(NPM)
	$(BIN)/mkdocs serve --livereload

## check: validate the course data
check: $(STAMP)
	$(BIN)/course check

## test: the whole test suite (PYTEST_ARGS="..." adds pytest options, e.g. --durations=30) (installs Debian's chromium for the browser tests and the decks' PDFs
## if missing, and Marp, the HTML validator vnu.jar and Lighthouse from npm)
# The measurements that need the machine to themselves (the quiet marker: Lighthouse's scores, which a busy
# second core moved by ten points) run after the rest, alone (tests/conftest.py). Exit status 5: nothing selected.
test: $(STAMP) browser $(NPM) $(LIGHTHOUSE)
	COURSE_TESTS=busy $(BIN)/python -m pytest -n 2 --dist loadgroup $(PYTEST_ARGS) || [ $$? -eq 5 ]
	COURSE_TESTS=quiet $(BIN)/python -m pytest $(PYTEST_ARGS) || [ $$? -eq 5 ]

## test-fast: everything but the browser and full-site tests
test-fast: $(STAMP)
	$(BIN)/python -m pytest -n 2 -m "not browser and not slow"

## notebooks: execute the notebooks (cached) outside a build
notebooks: $(STAMP)
	$(BIN)/course notebooks run

## notebooks-shard SHARD=1/2 SHARD_CACHE=DIR: execute one shard of the notebooks into DIR (the deploy's matrix)
notebooks-shard: $(STAMP)
	$(BIN)/course notebooks run --shard $(SHARD) --cache-dir $(SHARD_CACHE)

## notebooks-merge SHARDS="DIR...": merge the shards' caches into the build's cache
notebooks-merge: $(STAMP)
	$(BIN)/course notebooks merge $(SHARDS)

## bench: benchmarks; prints figures (medians of several runs)
bench: $(STAMP) browser $(NPM) $(LIGHTHOUSE)
	$(BIN)/python -m bench

## schemas: regenerate the JSON Schemas in readings/schemas/
schemas: $(STAMP)
	$(BIN)/course schema --write

$(NPM): package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

$(LIGHTHOUSE): tools/lighthouse/package.json tools/lighthouse/package-lock.json
	npm ci --prefix tools/lighthouse --no-audit --no-fund
	@touch $@

browser:
	@command -v chromium >/dev/null 2>&1 || sh tools/install-chromium.sh

clean:
	rm -rf site .cache
