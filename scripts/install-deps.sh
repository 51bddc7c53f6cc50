#!/usr/bin/env bash
# Installs the system packages renkei's build and tests need, only when missing.
# Idempotent: a machine that has everything runs no apt-get at all.
#   scripts/install-deps.sh            packages for building and running
#   scripts/install-deps.sh --test     also PostgreSQL + PostGIS, Chromium, fonts, poppler, GDAL (ogrinfo, ogr2ogr: the OGC API client the tests run)
set -euo pipefail

# fonts-ipaexfont-gothic: the Japanese font `renkei print` and /api/v1/print embed in PDFs.
packages=(pkg-config fonts-ipaexfont-gothic)
if [[ "${1:-}" == "--test" ]]; then
  packages+=(postgresql-15 postgresql-15-postgis-3 chromium fonts-ipaexfont fonts-noto-cjk poppler-utils gdal-bin)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]})); then
  echo "renkei: installing system packages: ${missing[*]}"
  sudo_cmd=()
  [[ $(id -u) -ne 0 ]] && sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "renkei: Node.js and npm are needed to build the web client (web/)." >&2
  exit 1
fi
