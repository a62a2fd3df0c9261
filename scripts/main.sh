#!/usr/bin/env bash
# The main job on the bundled regional data: installs what is missing, builds, creates the registry
# (maillage.db) from data/ on first run, and writes the reports to out/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh release maillage
M=build/release/apps/maillage
mkdir -p out
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
