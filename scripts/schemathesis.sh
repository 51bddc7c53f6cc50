#!/usr/bin/env bash
# Checks that the server does what its OpenAPI document says (issue 17):
# schemathesis generates requests from /openapi.json, valid and invalid, and
# fails on any 5xx, any response outside the document (status, content type,
# body schema), a valid request refused or an invalid one accepted.
#
#   scripts/schemathesis.sh                    # 240 s budget, 40 cases per operation
#   SCHEMATHESIS_SECONDS=60 scripts/schemathesis.sh
#   scripts/schemathesis.sh --include-path-regex '^/api/v1/search'   # extra st run options
#
# It builds renkei (the dev profile: the checks are about behaviour, not speed;
# SCHEMATHESIS_CARGO_PROFILE=release for a release build), makes a fresh SQLite database in a temporary
# folder (the built-in demo directory, which `renkei serve` loads into an empty
# database, plus the authored rollout history data/rollout/14_kanagawa.toml),
# starts `renkei serve` on a free 127.0.0.1 port with the per-client rate
# limits off (schemathesis is one client sending thousands of requests; the
# limits have their own tests), runs schemathesis for a bounded time and stops
# the server. schemathesis comes from PyPI into a venv this script creates
# (SCHEMATHESIS_VENV, default ~/.cache/renkei-schemathesis-venv). The report
# (JUnit XML and the server log) stays in SCHEMATHESIS_REPORT_DIR (default: a
# temporary folder, printed at the end). Exit status: schemathesis's (0: no failure).
set -euo pipefail

cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/renkei-target}"
seconds="${SCHEMATHESIS_SECONDS:-240}"
examples="${SCHEMATHESIS_MAX_EXAMPLES:-40}"
venv="${SCHEMATHESIS_VENV:-$HOME/.cache/renkei-schemathesis-venv}"
# Pinned to the major version the checks were written against.
package="${SCHEMATHESIS_PACKAGE:-schemathesis>=4.3,<5}"

log() { echo "schemathesis.sh: $*" >&2; }

if [[ ! -x "$venv/bin/st" ]]; then
    log "installing $package into $venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet "$package"
fi
log "$("$venv/bin/st" --version)"

profile="${SCHEMATHESIS_CARGO_PROFILE:-dev}"
cargo build --profile "$profile" --locked --bin renkei
renkei="$CARGO_TARGET_DIR/$([[ $profile == dev ]] && echo debug || echo "$profile")/renkei"

work="$(mktemp -d)"
report="${SCHEMATHESIS_REPORT_DIR:-$work/report}"
mkdir -p "$report"
server_pid=""
cleanup() {
    if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
        kill "$server_pid"
        wait "$server_pid" 2>/dev/null || true
    fi
    # The report folder is kept when it is inside the temporary one.
    find "$work" -mindepth 1 -maxdepth 1 ! -path "$report" -exec rm -rf {} +
}
trap cleanup EXIT

db="$work/renkei.db"
"$renkei" import rollout --db "$db" data/rollout/14_kanagawa.toml >"$report/import.log" 2>&1

port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
base="http://127.0.0.1:$port"
RUST_LOG="${RUST_LOG:-warn}" \
RENKEI_PRINT_RATE_PER_MIN=0 RENKEI_COVERAGE_RATE_PER_MIN=0 \
    "$renkei" serve --db "$db" --bind "127.0.0.1:$port" --public-url "$base/" \
    >"$report/server.log" 2>&1 &
server_pid=$!

for _ in $(seq 1 120); do
    if curl -fsS "$base/api/v1/health" >/dev/null 2>&1; then
        break
    fi
    if ! kill -0 "$server_pid" 2>/dev/null; then
        log "the server exited at start-up:"
        cat "$report/server.log" >&2
        exit 1
    fi
    sleep 0.5
done
log "server on $base; schemathesis for at most ${seconds} s, ${examples} cases per operation"

status=0
# From the temporary folder: schemathesis keeps its example database in the
# working folder (.schemathesis/), which does not belong in the repository.
(cd "$work" && "$venv/bin/st" run "$base/openapi.json" \
    --url "$base" \
    --checks all \
    --exclude-checks ignored_auth,use_after_free,ensure_resource_availability \
    --phases examples,coverage,fuzzing \
    --max-examples "$examples" \
    --max-time "$seconds" \
    --request-timeout 30 \
    --workers 2 \
    --seed "${SCHEMATHESIS_SEED:-17}" \
    --report junit --report-dir "$report" \
    "$@") || status=$?

if grep -q 'panicked' "$report/server.log"; then
    log "the server log shows a panic:"
    grep -n 'panicked' "$report/server.log" >&2
    status=1
fi
log "report: $report (exit status $status)"
exit "$status"
