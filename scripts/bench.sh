#!/usr/bin/env bash
# Runs every benchmark and ends with their ratio lines:
#   - http_latency (root): facility and typical referral search vs health
#     endpoint on the real router (search target ≥ 0.5x health);
#   - search_scale (root): the in-memory referral search at 1,000,000
#     locations: build time, memory, p50/p99 of a filtered 20-nearest search,
#     against a brute-force scan with equal answers;
#   - store_scale (root): import and nearest-20 search at 1,000,000 locations,
#     SQLite vs PostgreSQL + PostGIS vs the in-memory index, on a throwaway
#     PostgreSQL cluster (scripts/with-postgres.sh; uses DATABASE_URL when set);
#   - import_national (root): the national open-data files imported end to end
#     into SQLite, rows/s against parse-only and row-at-a-time baselines and
#     SQLite's own floor (the same rows copied inside SQLite), and into
#     PostgreSQL through COPY (target ≥ 0.6x the floor, PostgreSQL ≥ 1x SQLite);
#   - national_scale (root): every national file and all 47 region tables
#     loaded as `renkei fetch --all` does: rows/s, `renkei serve` start time
#     and RSS, family-search p99 at national scale, a full-list estimate;
#   - write_rates (renkei-store): insert, unchanged re-import, update and
#     read-back of 100,000 fictional facilities, SQLite beside PostgreSQL;
#   - assign (renkei-core): point-in-region assignment, R-tree vs naive scan;
#   - coverage (renkei-core): coverage of Kanagawa's and Japan's 3rd-mesh land
#     cells, R-tree vs naive scan (targets < 200 ms and < 5 s).
#
#   scripts/bench.sh                      # full run, about 10 minutes on 2 cores
#   RENKEI_BENCH_N=100000 scripts/bench.sh   # quick run with fewer locations
#
# Benchmarks that need ../shared/data (or RENKEI_SHARED_DATA) print a skip line
# when it is missing. Load stays on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/renkei-target}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
export RENKEI_SHARED_DATA="${RENKEI_SHARED_DATA:-$(cd .. && pwd)/shared/data}"

log="$(mktemp "${TMPDIR:-/tmp}/renkei-bench.XXXXXX")"
trap 'rm -f "$log"' EXIT

step() { printf '\n=== %s ===\n' "$*" | tee -a "$log"; }

step "http_latency"
cargo bench --locked --bench http_latency 2>&1 | tee -a "$log"

step "search_scale (N=${RENKEI_BENCH_N:-1000000})"
cargo bench --locked --bench search_scale 2>&1 | tee -a "$log"

step "store_scale (N=${RENKEI_BENCH_N:-1000000})"
scripts/with-postgres.sh cargo bench --locked --bench store_scale 2>&1 | tee -a "$log"

step "import_national"
scripts/with-postgres.sh cargo bench --locked --bench import_national 2>&1 | tee -a "$log"

step "national_scale"
cargo bench --locked --bench national_scale 2>&1 | tee -a "$log"

step "write_rates (renkei-store)"
scripts/with-postgres.sh cargo bench --locked -p renkei-store --bench write_rates 2>&1 | tee -a "$log"

step "assign (renkei-core)"
cargo bench --locked -p renkei-core --bench assign 2>&1 | tee -a "$log"

step "coverage (renkei-core)"
cargo bench --locked -p renkei-core --features fixtures --bench coverage 2>&1 | tee -a "$log"

printf '\n=== summary ===\n'
grep -E '^ *(=== |ratio|import |search |build: |memory RSS|brute-force|Kanagawa coverage|Japan coverage|load rows|serve |estimate|SKIPPED|skipped)' "$log" || true
