#!/usr/bin/env bash
# README command 1: builds everything (web client included) and starts renkei on
# the embedded SQLite default (./renkei.db) with data loaded, then says which URL
# to open. Extra arguments go to `renkei serve` (e.g. --bind 127.0.0.1:9000).
#
# Data: when ./renkei.db does not exist yet and the open-data folder is there
# (../shared/data, or RENKEI_SHARED_DATA), its Kanagawa files are imported first;
# otherwise `renkei serve` loads the authored demo directory into the empty database.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/renkei-target}"
shared="${RENKEI_SHARED_DATA:-$(cd .. && pwd)/shared/data}"
db="${RENKEI_DB:-renkei.db}"

scripts/install-deps.sh
scripts/build-web.sh
cargo build --release --locked --bin renkei
renkei="$CARGO_TARGET_DIR/release/renkei"

if [[ ! -e "$db" && -d "$shared" ]]; then
  echo "renkei: importing the Kanagawa open data in $shared into $db"
  "$renkei" import mhlw-facilities --db "$db" "$shared/facilities/kanagawa_hospitals_mhlw.csv"
  "$renkei" import kaigo --db "$db" "$shared/facilities/kanagawa_visiting_nursing.csv"
  "$renkei" import wamnet --db "$db" \
    "$shared/disability/kanagawa_wamnet_disability_services.csv" \
    "$shared/disability/kanagawa_wamnet_short_stay.csv"
  "$renkei" import csv --db "$db" --mapping data/mappings/p29-special-needs-schools.toml \
    "$shared/schools/kanagawa_special_needs_schools.csv"
fi

exec "$renkei" serve --db "$db" --web-dir web/dist "$@"
