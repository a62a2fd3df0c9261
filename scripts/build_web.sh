#!/usr/bin/env bash
# Builds the web application (web/dist) from the locked npm dependencies. One line per step; npm's and
# esbuild's output in build/logs/ (shown on failure).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/steps.sh
cd web
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  step web-npm "web: npm ci (locked dependencies)" npm ci --no-audit --no-fund
fi
step web-build "web: esbuild bundle into web/dist" node build.mjs
