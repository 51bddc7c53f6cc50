#!/usr/bin/env bash
# Runs renkei's cargo-fuzz targets (fuzz/), each for a bounded time.
#
#   scripts/fuzz.sh                      # every target, 60 s each
#   FUZZ_SECONDS=600 scripts/fuzz.sh import_lists normalize
#
# Targets: import_lists (every facility-list importer: all encodings, zip),
# import_tables (施設基準, verified facts, service areas, 町丁目 points, mesh
# population), normalize (the Japanese text normaliser and cleaners),
# geocode_query (the offline geocoder's query parsing).
#
# Needs cargo-fuzz (`cargo install cargo-fuzz`) and a nightly toolchain
# (`rustup toolchain install nightly`); without them it says so and exits 0,
# so CI can call it as a smoke run without installing anything.
# Each target starts from its small authored seed corpus in fuzz/corpus/
# (copied into the work folder, so the repository's corpus stays small) and
# stops at the first crash, whose input libFuzzer keeps in fuzz/artifacts/.
# The address sanitizer is off by default (renkei's crates forbid unsafe code
# and it doubles the build); FUZZ_SANITIZER=address turns it on.
set -euo pipefail

cd "$(dirname "$0")/.."
seconds="${FUZZ_SECONDS:-60}"
sanitizer="${FUZZ_SANITIZER:-none}"
work="${FUZZ_WORK_DIR:-${CARGO_TARGET_DIR:-$HOME/.cache/renkei-target}-fuzz}"

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "fuzz: SKIPPED, cargo-fuzz is not installed (cargo install cargo-fuzz)" >&2
    exit 0
fi
if ! rustup run nightly rustc --version >/dev/null 2>&1; then
    echo "fuzz: SKIPPED, no nightly toolchain (rustup toolchain install nightly)" >&2
    exit 0
fi

targets=("$@")
if [[ ${#targets[@]} -eq 0 ]]; then
    mapfile -t targets < <(cd fuzz && cargo +nightly fuzz list)
fi

status=0
for target in "${targets[@]}"; do
    corpus="$work/corpus/$target"
    mkdir -p "$corpus"
    cp -n fuzz/corpus/"$target"/* "$corpus"/ 2>/dev/null || true
    echo "fuzz: $target for ${seconds} s (sanitizer: $sanitizer)" >&2
    log="$work/$target.log"
    if (cd fuzz && cargo +nightly fuzz run --sanitizer "$sanitizer" --target-dir "$work/build" \
        "$target" "$corpus" -- -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10) >"$log" 2>&1; then
        echo "fuzz: $target: $(grep -E '^Done [0-9]+ runs' "$log" | tail -1), no crash" >&2
    else
        status=1
        echo "fuzz: $target FAILED; the end of its log ($log):" >&2
        tail -40 "$log" >&2
    fi
done
exit "$status"
