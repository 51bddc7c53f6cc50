#!/usr/bin/env bash
# README command 1: builds everything (web client included) and starts renkei on
# the embedded SQLite default (./renkei.db), loading data into an empty database.
# Extra arguments go to `renkei serve` (e.g. --bind 127.0.0.1:9000).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/renkei-target}"
scripts/install-deps.sh
scripts/build-web.sh
cargo build --release --locked --bin renkei
exec "$CARGO_TARGET_DIR/release/renkei" serve --web-dir web/dist "$@"
