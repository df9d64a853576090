# make run   : create .venv, install, run the main job (update live sources, show who leads)
# make test  : install dev dependencies, lint, run the whole test suite
# make bench : command start-up (make bench-cli), import + leaders timing, the Hub collector and
#              adoption metrics at scale, lineage (roots and monthly shares at 3M models,
#              fingerprint precision/recall), ratings from 3M votes against arena-rank
#              (make bench-ratings), the import of 3M votes (bench-votes), attribution with
#              the registry's model rows hidden (bench-attribution), an Arena backfill at the
#              size of the real text history (bench-arena), the Hub history: one weekly dump file
#              backfilled, views over 104 weekly snapshots (bench-hub-history), the report site
#              built from all shipped data and the server under 50 concurrent clients (bench-report)
# make bench-spark : DuckDB and local Spark (2 cores) side by side: the Hub history views and root
#              resolution at growing sizes, time and peak memory (not part of make bench)

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test lint bench bench-cli bench-hub bench-lineage bench-ratings bench-votes \
	bench-attribution bench-arena bench-hub-history bench-report bench-spark clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev,spark]'
	touch $(STAMP)

# Exit 3 (a source could not be reached) still showed what the store holds, e.g. a first run
# offline: an answer here. A scheduler calls `observatory run` itself and sees the 3.
run: $(STAMP)
	$(BIN)/observatory run || [ $$? -eq 3 ]

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/ruff format --check src tests benchmarks scripts

test: $(STAMP)
	$(BIN)/ruff check src tests benchmarks scripts
	HF_HUB_DISABLE_TELEMETRY=1 $(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_cli.py
	$(BIN)/python benchmarks/bench_import_leaders.py
	$(BIN)/python benchmarks/bench_hub.py
	$(BIN)/python benchmarks/bench_lineage.py
	$(BIN)/python benchmarks/bench_lineage_infer.py
	$(BIN)/python benchmarks/bench_ratings.py
	$(BIN)/python benchmarks/bench_votes_import.py
	HF_HUB_DISABLE_TELEMETRY=1 $(BIN)/python benchmarks/bench_attribution.py
	HF_HUB_DISABLE_TELEMETRY=1 $(BIN)/python benchmarks/bench_arena.py
	HF_HUB_DISABLE_TELEMETRY=1 $(BIN)/python benchmarks/bench_hub_backfill.py
	HF_HUB_DISABLE_TELEMETRY=1 $(BIN)/python benchmarks/bench_hub_history.py
	HF_HUB_DISABLE_TELEMETRY=1 $(BIN)/python benchmarks/bench_report.py
	HF_HUB_DISABLE_TELEMETRY=1 $(BIN)/python benchmarks/bench_serve.py

bench-report: $(STAMP)
	HF_HUB_DISABLE_TELEMETRY=1 $(BIN)/python benchmarks/bench_report.py
	HF_HUB_DISABLE_TELEMETRY=1 $(BIN)/python benchmarks/bench_serve.py

bench-hub-history: $(STAMP)
	HF_HUB_DISABLE_TELEMETRY=1 $(BIN)/python benchmarks/bench_hub_backfill.py
	HF_HUB_DISABLE_TELEMETRY=1 $(BIN)/python benchmarks/bench_hub_history.py

bench-spark: $(STAMP)
	HF_HUB_DISABLE_TELEMETRY=1 $(BIN)/python benchmarks/bench_spark.py

bench-attribution: $(STAMP)
	HF_HUB_DISABLE_TELEMETRY=1 $(BIN)/python benchmarks/bench_attribution.py

bench-arena: $(STAMP)
	HF_HUB_DISABLE_TELEMETRY=1 $(BIN)/python benchmarks/bench_arena.py

bench-cli: $(STAMP)
	$(BIN)/python benchmarks/bench_cli.py

bench-lineage: $(STAMP)
	$(BIN)/python benchmarks/bench_lineage.py
	$(BIN)/python benchmarks/bench_lineage_infer.py

bench-hub: $(STAMP)
	$(BIN)/python benchmarks/bench_hub.py

bench-ratings: $(STAMP)
	HF_HUB_DISABLE_TELEMETRY=1 $(BIN)/python benchmarks/bench_ratings.py

bench-votes: $(STAMP)
	HF_HUB_DISABLE_TELEMETRY=1 $(BIN)/python benchmarks/bench_votes_import.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
