# Capacity Registry: `make run` (demo on SQLite) and `make test` (the whole suite).
# Each target builds its own virtual environment from the pinned requirements.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app wsgi
HOST   ?= 127.0.0.1
PORT   ?= 5000
# The demo tells December 2016: its clock, and a surge threshold scaled to its 13 Mt/a industry
# (2 Mt/a against the real 45 Mt/a). `make run DEMO_TODAY=` runs on today's date instead.
DEMO_TODAY ?= 2016-12-15
DEMO_SURGE_TPA ?= 500000
DEMO   := REGISTRY_TODAY=$(DEMO_TODAY) SURGE_THRESHOLD_TPA=$(DEMO_SURGE_TPA)

.PHONY: run test lint translations system-deps bench bench-smoke clean docs docs-images

$(VENV)/.runtime: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

translations: $(VENV)/.runtime
	if [ -d registry/translations ]; then $(BIN)/pybabel compile -d registry/translations; fi

## run: set up, migrate, load the demo data and serve on http://127.0.0.1:5000
run: $(VENV)/.runtime translations
	$(FLASK) db upgrade
	$(DEMO) $(FLASK) seed-demo
	@echo "Serving on http://$(HOST):$(PORT)/ as of $(DEMO_TODAY) (Ctrl-C stops)"
	$(DEMO) $(FLASK) run --host $(HOST) --port $(PORT)

## docs: regenerate docs/api-reference.md from the OpenAPI document (tests/test_docs.py fails when stale)
docs: $(VENV)/.dev
	$(BIN)/python docs/generate_api_reference.py

## docs-images: run the browser tests, then copy the guides' screenshots into docs/images/
docs-images: $(VENV)/.dev system-deps translations
	$(BIN)/python -m pytest -p no:cacheprovider tests/browser
	$(BIN)/python docs/copy_screenshots.py

## system-deps: Debian's Chromium and CJK fonts (browser tests) and wrk (benchmarks), when missing
system-deps:
	@missing=""; \
	[ -x /usr/bin/chromium ] || missing="$$missing chromium"; \
	fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || missing="$$missing fonts-noto-cjk"; \
	command -v wrk >/dev/null || missing="$$missing wrk"; \
	if [ -n "$$missing" ]; then \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  echo "Installing$$missing from Debian"; \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

## test: set up and run every test (SQLite always, PostgreSQL when it answers)
test: $(VENV)/.dev translations system-deps
	$(BIN)/python -m pytest -n auto

## bench: SQLite and PostgreSQL at 2,000 and 200,000 filings (about 10 minutes); see bench/RESULTS.md
bench: $(VENV)/.dev system-deps
	$(BIN)/python -m bench.run

## bench-smoke: the tiny size on SQLite only (seconds), as the test suite runs it
bench-smoke: $(VENV)/.dev system-deps
	$(BIN)/python -m bench.run --smoke --backends sqlite

## lint: ruff over the package and the tests
lint: $(VENV)/.dev
	$(BIN)/ruff check registry tests bench

clean:
	rm -rf $(VENV) instance .pytest_cache tests/screenshots
