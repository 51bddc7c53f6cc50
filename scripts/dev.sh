#!/usr/bin/env bash
# README command 1: builds everything (web client included) and starts renkei on
# the embedded SQLite default (./renkei.db) with data loaded, then says which URL
# to open. Extra arguments go to `renkei serve` (e.g. --bind 127.0.0.1:9000).
#
# Data: when ./renkei.db does not exist yet, `renkei fetch --prefecture 14` loads
# Kanagawa's open data — from ../shared/data (or RENKEI_SHARED_DATA) when that
# folder exists, else from the publishers. If nothing arrives, `renkei serve`
# loads the authored demo directory into the empty database. The rollout
# history (data/rollout/14_kanagawa.toml) is imported on a new database too.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/renkei-target}"
shared="${RENKEI_SHARED_DATA:-$(cd .. && pwd)/shared/data}"
db="${RENKEI_DB:-renkei.db}"

scripts/install-deps.sh
scripts/build-web.sh
cargo build --release --locked --bin renkei
renkei="$CARGO_TARGET_DIR/release/renkei"

if [[ ! -e "$db" ]]; then
  # Kanagawa's open data: from the local copy when there is one, else from the publishers.
  source_dir=()
  [[ -d "$shared" ]] && source_dir=(--source-dir "$shared")
  if "$renkei" fetch --prefecture 14 --db "$db" "${source_dir[@]}"; then
    # Lists the publishers do not offer as CSV (P29 is GeoJSON, the 厚生局 lists
    # are Excel): imported from the local copies when they are there.
    if [[ -f "$shared/schools/kanagawa_special_needs_schools.csv" ]]; then
      "$renkei" import csv --db "$db" --mapping data/mappings/p29-special-needs-schools.toml \
        "$shared/schools/kanagawa_special_needs_schools.csv"
    fi
    if [[ -f "$shared/facilities/kanagawa_medical_institutions_kouseikyoku.csv" ]]; then
      "$renkei" import hoken-iryokikan --db "$db" "$shared/facilities/kanagawa_medical_institutions_kouseikyoku.csv"
    fi
    if [[ -f "$shared/facilities/kanagawa_pediatric_inpatient_accreditations.csv" ]]; then
      "$renkei" import shisetsu-kijun --db "$db" "$shared/facilities/kanagawa_pediatric_inpatient_accreditations.csv"
    fi
  else
    echo "renkei: some open data could not be fetched (see above); what arrived is loaded." >&2
    echo "renkei: with nothing loaded, the demo directory (茅ヶ崎モデルの関係機関) is shown instead." >&2
  fi
  # The regional rollout's history (全県展開), authored and cited in data/rollout/.
  "$renkei" import rollout --db "$db" data/rollout/14_kanagawa.toml
fi

exec "$renkei" serve --db "$db" --web-dir web/dist "$@"
