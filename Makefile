# The two commands of the README: `make run` and `make test`. Both bootstrap .venv themselves.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: run test bytecode lint clean bench-dynamodb bench-e2e bench-peers report soak browser

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "Installing serverlite and its test tools into $(VENV) ..."
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $(STAMP)

# Bytecode of our own sources, written even where PYTHONDONTWRITEBYTECODE is set: every start imports
# them (the server and each worker), and compiling them from source costs ~0.1 s per process.
bytecode: $(STAMP)
	@$(BIN)/python -m compileall -q src music_api >/dev/null

run: $(STAMP) bytecode
	$(BIN)/serverlite start

test: $(STAMP) bytecode browser
	$(BIN)/python -m pytest -n 2 tests

# The console's browser tests (tests/e2e/test_console.py) drive Debian's chromium through Playwright's
# executable_path: no browser download. Installed here when missing (needs root, as on a fresh machine).
CHROMIUM := /usr/bin/chromium

browser:
	@test -x $(CHROMIUM) || { DEBIAN_FRONTEND=noninteractive $(APT_GET) update -qq && \
		DEBIAN_FRONTEND=noninteractive $(APT_GET) install -y -qq chromium; }

lint: $(STAMP)
	$(BIN)/cfn-lint template.yaml
	$(BIN)/ruff check src music_api benchmarks tests examples
	$(BIN)/ruff format --check src music_api benchmarks tests examples

# Benchmarks compare with named peers, installed on demand: wrk (Debian), dynalite (npm, under the
# git-ignored $(PEERS)) and moto (the `bench` extra). BENCH_ARGS passes options, e.g. BENCH_ARGS='--duration 10'.
PEERS      := benchmarks/.peers
APT_GET    ?= apt-get
BENCH_ARGS ?=

bench-dynamodb: $(STAMP) bytecode
	@command -v wrk >/dev/null || { $(APT_GET) update -qq && $(APT_GET) install -y -qq wrk; }
	@test -f $(PEERS)/node_modules/dynalite/cli.js || npm install --silent --no-fund --prefix $(PEERS) dynalite@4
	@test -x $(BIN)/moto_server || $(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test,bench]'
	$(BIN)/python benchmarks/dynamodb_throughput.py $(BENCH_ARGS)

# serverlite end to end against serverless-offline 13 (serverless 3, npm) with dynalite, and a bare aiohttp limit.
bench-e2e: $(STAMP) bytecode
	@command -v wrk >/dev/null || { $(APT_GET) update -qq && $(APT_GET) install -y -qq wrk; }
	@test -f $(PEERS)/node_modules/dynalite/cli.js && test -f $(PEERS)/node_modules/serverless/bin/serverless.js \
		&& test -f $(PEERS)/node_modules/serverless-offline/package.json \
		|| npm install --silent --no-fund --prefix $(PEERS) dynalite@4 serverless@3 serverless-offline@13
	$(BIN)/python benchmarks/e2e_throughput.py $(BENCH_ARGS)

# Everything the two targets above install, and matplotlib (the `bench` extra) for the report's plots.
bench-peers: $(STAMP) bytecode
	@command -v wrk >/dev/null || { $(APT_GET) update -qq && $(APT_GET) install -y -qq wrk; }
	@test -f $(PEERS)/node_modules/dynalite/cli.js && test -f $(PEERS)/node_modules/serverless/bin/serverless.js \
		&& test -f $(PEERS)/node_modules/serverless-offline/package.json \
		|| npm install --silent --no-fund --prefix $(PEERS) dynalite@4 serverless@3 serverless-offline@13
	@test -x $(BIN)/moto_server && $(BIN)/python -c 'import matplotlib' 2>/dev/null \
		|| $(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test,bench]'

# benchmarks/REPORT.md and its plots (benchmarks/report/*.png) from all the benchmarks and a 10-minute soak;
# REPORT_ARGS passes options, e.g. REPORT_ARGS=--quick (short runs) or REPORT_ARGS=--reuse (redraw only).
REPORT_ARGS ?=

report: bench-peers
	$(BIN)/python benchmarks/report.py $(REPORT_ARGS)

# 16 clients on the Music API for 10 minutes: zero errors, stable p99, flat memory (issue 8).
soak: $(STAMP) bytecode
	$(BIN)/python benchmarks/soak.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .serverlite
