#!/usr/bin/env bash
# README command 2: runs every test — formatting and lints, unit and integration
# tests on SQLite and on a throwaway PostgreSQL + PostGIS cluster, and the
# browser tests against the real server. Installs what it needs first.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/renkei-target}"
# Incremental caches only help edit-compile loops; in a full test run they
# grow the target folder by tens of gigabytes without saving time.
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
export RENKEI_SHARED_DATA="${RENKEI_SHARED_DATA:-$(cd .. && pwd)/shared/data}"

step() { printf '\n=== %s ===\n' "$*"; }

step "system packages"
scripts/install-deps.sh --test

step "format and lints"
cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked -- -D warnings

step "web client build and unit tests"
scripts/build-web.sh
npm --prefix web run --silent test

step "Rust tests (SQLite and PostgreSQL + PostGIS)"
scripts/with-postgres.sh cargo test --workspace --locked

step "browser tests"
cargo build --locked --bin renkei
RENKEI_BIN="$CARGO_TARGET_DIR/debug/renkei" npm --prefix web run --silent test:e2e
