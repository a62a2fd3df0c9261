#!/usr/bin/env bash
# The main job on the bundled regional data: installs what is missing, builds, creates the registry
# (maillage.db) from data/ on first run, writes the reports to out/, then serves the web application and the
# API on http://localhost:8080/ until Ctrl-C (PORT=... to change the port; SERVE=0 to stop after the reports).
# A few lines of output: what each step did and where to look.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh release maillage
bash scripts/build_web.sh
source scripts/steps.sh
M=build/release/apps/maillage
mkdir -p out
BUS=16292-bus-france-services-emmaus-ruffec
reports() {
  # The Charente France Services bus (a real two-week timetable): imported once, updated on later runs.
  $M itinerant import data/itinerant/bus-france-services-charente.json >out/itinerant-import.txt 2>&1
  $M itinerant show $BUS >out/itinerant-bus.txt
  $M places summary >out/registry-summary.txt
  $M graph info >out/graph-info.txt
  $M plan best --k 10 >out/plan-best10.txt
  $M plan best --k 10 --geojson >out/plan-best10.geojson
  $M places export --format geojson -o out/places.geojson
  $M places export --format csv -o out/places_annuaire.csv
  $M places export --format mednum -o out/places_mednum.csv
  $M route Bordeaux Limoges >out/route-bordeaux-limoges.txt
  $M graph calibrate >out/calibration.txt
  $M coverage >out/coverage.txt
  $M coverage --json >out/coverage.json
  $M coverage --geojson zones >out/zones_blanches.geojson
  $M indicators >out/indicators.txt
  $M ami check-creation --commune Aubusson >out/ami-check-aubusson.txt
  $M places quality >out/quality.txt
  $M plan tour --base Ruffec --days 5 --weeks 2 --compare $BUS >out/plan-tour-ruffec.txt
  $M plan tour --base Ruffec --days 5 --weeks 2 --geojson >out/plan-tour-ruffec.geojson
  $M publish bottin -o out/bottin.pdf
  $M publish panorama -o out/panorama.pdf
}
step main-reports "main: registry, road graph and reports on the bundled data (log: build/logs/main-reports.log)" reports
echo
echo "$(head -n 1 out/registry-summary.txt)  [$(pwd)/maillage.db]"
echo "Coverage: $(grep -m1 'inhabitants within' out/coverage.txt)"
echo "Reports:   out/coverage.txt, out/indicators.txt, out/plan-best10.txt (10 new sites closing the most gaps),"
echo "           out/quality.txt (data quality against the published counts), out/registry-summary.txt,"
echo "           out/calibration.txt (engine vs real trip times), out/graph-info.txt"
echo "Itinerant: out/itinerant-bus.txt (the Charente bus's timetable), out/plan-tour-ruffec.txt (tours planned from"
echo "           its base, beside the population it serves today; its GeoJSON too)"
echo "Printed:   out/bottin.pdf (the directory), out/panorama.pdf (figures and charts)"
echo "Exports:   out/places.geojson, out/places_annuaire.csv, out/places_mednum.csv, out/zones_blanches.geojson"
echo "Try:       $M places list --department 23    or    $M --help"
if [ "${SERVE:-1}" != "0" ]; then
  echo
  echo "Web application and API: http://localhost:${PORT:-8080}/   (API: /api/v1/health, /api/v1/openapi.json)"
  exec $M serve --port "${PORT:-8080}"
fi
