# Capacity Registry: `make run` (demo on SQLite) and `make test` (the whole suite).
# Each target builds its own virtual environment from the pinned requirements.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app wsgi
HOST   ?= 127.0.0.1
PORT   ?= 5000

.PHONY: run test lint translations system-deps bench bench-smoke clean

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
	$(FLASK) seed-demo
	@echo "Serving on http://$(HOST):$(PORT)/ (Ctrl-C stops)"
	$(FLASK) run --host $(HOST) --port $(PORT)

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
