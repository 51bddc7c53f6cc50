#!/usr/bin/env bash
# Builds the web client (web/ → web/dist) with npm and Vite.
# npm ci only runs when package-lock.json changed since the last install.
set -euo pipefail
cd "$(dirname "$0")/../web"
stamp=node_modules/.renkei-lock-stamp
if [[ ! -f $stamp ]] || ! cmp -s package-lock.json "$stamp"; then
  npm ci --no-audit --no-fund --loglevel=error
  cp package-lock.json "$stamp"
fi
npm run --silent build
