#!/usr/bin/env bash
# The main job on the bundled regional data: installs what is missing, builds, creates the registry
# (maillage.db) from data/ on first run, writes the reports to out/, then serves the web application and the
# API on http://localhost:8080/ until Ctrl-C (PORT=... to change the port; SERVE=0 to stop after the reports).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh release maillage
bash scripts/build_web.sh
M=build/release/apps/maillage
mkdir -p out
$M plan best --k 10 | tee out/plan-best10.txt
$M plan best --k 10 --geojson > out/plan-best10.geojson
$M places summary | tee out/registry-summary.txt
$M places export --format geojson -o out/places.geojson
$M places export --format csv -o out/places_annuaire.csv
$M places export --format mednum -o out/places_mednum.csv
$M graph info | tee out/graph-info.txt
$M route Bordeaux Limoges | tee out/route-bordeaux-limoges.txt
$M graph calibrate > out/calibration.txt
$M coverage | tee out/coverage.txt
$M coverage --json > out/coverage.json
$M coverage --geojson zones > out/zones_blanches.geojson
$M indicators | tee out/indicators.txt
$M ami check-creation --commune Aubusson | tee out/ami-check-aubusson.txt
echo
echo "Registry: $(pwd)/maillage.db"
echo "Reports:  $(pwd)/out/coverage.txt, out/indicators.txt, out/registry-summary.txt"
echo "Exports:  $(pwd)/out/places.geojson, out/places_annuaire.csv, out/places_mednum.csv"
echo "Roads:    $(pwd)/maillage.graph; out/graph-info.txt, out/calibration.txt (engine vs real trip times)"
echo "Try:      $M places list --department 23    or    $M --help"
echo "Planning: $(pwd)/out/plan-best10.txt (10 new sites closing the most gaps), out/plan-best10.geojson"
if [ "${SERVE:-1}" != "0" ]; then
  echo
  echo "Web application and API: http://localhost:${PORT:-8080}/   (API: /api/v1/health, /api/v1/openapi.json)"
  exec $M serve --port "${PORT:-8080}"
fi
