# corridor: the two set-up commands (see README)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP_RUN := $(VENV)/.installed-run
STAMP_TEST := $(VENV)/.installed-test

.PHONY: run test lint docs clean chromium

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# run: the core and the extras its commands use (transit skim: networkx; report: GeoPandas
# and matplotlib); test: every extra (the test extra includes "all") and the test tools
$(STAMP_RUN): $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e ".[report,transit]"
	touch $@

$(STAMP_TEST): $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@

## run: install corridor into .venv and run the main job on the shipped dataset (solve, skim,
## scenarios, a comparison, the HTML report, Monte Carlo and the EU gas investment plan)
run: $(STAMP_RUN)
	$(BIN)/corridor validate
	$(BIN)/corridor data show
	$(BIN)/corridor solve --year 2024 --out out/solve-2024
	$(BIN)/corridor transit skim --from C_XIAN --to C_DUISBURG --by-family --out out/skim-2024
	$(BIN)/corridor scenario validate
	$(BIN)/corridor compare baseline-2023 cpc-closed --out out/compare-cpc
	$(BIN)/corridor report --scenario baseline-2023 --scenario cpc-closed -o out/report.html
	$(BIN)/corridor resilience monte-carlo --draws 2000 --scenario tap-20 --out out/monte-carlo-tap-20
	$(BIN)/corridor plan --target eu-20bcm-2027 --out out/plan-eu-20bcm
	$(BIN)/corridor report --plan out/plan-eu-20bcm -o out/plan-eu-20bcm.html

## chromium: install Debian's chromium for the report's browser test when it is missing
chromium:
	@command -v chromium >/dev/null || { \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && \
		$$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium; }

## test: install corridor with its test dependencies into .venv and run the test suite
test: $(STAMP_TEST) chromium
	$(BIN)/python -m pytest -q

## lint: ruff and mypy (needs the dev extra)
lint: $(BIN)/python
	$(BIN)/pip install --quiet -e ".[dev]"
	$(BIN)/ruff check src tests
	$(BIN)/mypy src

## docs: regenerate docs/data-model.md from the table schemas
docs: $(STAMP_RUN)
	$(BIN)/python -m corridor.schema.docs > docs/data-model.md

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info
