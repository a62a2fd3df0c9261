#!/usr/bin/env bash
# Installs the Debian 12 packages Maillage needs to build, test and run. Idempotent: a package already
# installed is skipped, and apt is not touched at all when nothing is missing. Run as root (or with sudo).
# Prints one line per step; apt's own output goes to build/logs/setup-apt.log (shown on failure).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/steps.sh
PACKAGES=(
  build-essential cmake pkg-config git
  libsqlite3-dev sqlite3        # the embedded database (src/db)
  libpq-dev postgresql-15       # the shared database (src/db): libpq; the server for the tests on PostgreSQL
  nlohmann-json3-dev            # JSON
  libcli11-dev                  # command line parsing
  libfmt-dev                    # formatting
  libproj-dev                   # coordinate projections (Lambert-93, LAEA)
  zlib1g-dev                    # gzip-compressed bundled data
  libcsv-dev                    # CSV parsing and quoting
  libosmium2-dev libprotozero-dev libbz2-dev libexpat1-dev   # OpenStreetMap input (PBF, XML, OPL)
  libboost-graph-dev            # baseline Dijkstra in the routing benchmark
  libgeos-dev                   # outlines of the zones blanches (union of grid cells)
  coinor-libcbc-dev             # exact maximal covering (MIP) in planning
  libcpp-httplib-dev            # HTTP client of the API tests
  libcurl4-gnutls-dev           # outgoing mail (SMTP with STARTTLS or SMTPS)
  libgdal-dev gdal-bin          # GeoPackage export (GDAL), read back by ogrinfo in the tests
  python3-aiosmtpd              # tests: a real SMTP server receiving the mail
  libsodium-dev                 # accounts: Argon2id password hashes, random keys and their hashes
  libstemmer-dev                # the resources' search in French (Snowball stems)
  libmagic-dev                  # the resources' file types, told by their content
  libkopeninghours-dev qtbase5-dev   # itinerant stops: opening_hours parsed and evaluated (KDE KOpeningHours, Qt5 core)
  python3-vobject               # tests: the contacts' vCard read back by a reference reader
  libical-dev                   # tests: the iCalendar feeds parsed by a real parser
  chromium                      # browser tests of the web application (driven by playwright-core); prints the bottin and the panorama
  fonts-lato fonts-dejavu-core  # the typefaces of the printed documents
  poppler-utils                 # tests: the printed PDFs read back (pdfinfo, pdftotext, pdftoppm)
  libgtest-dev libgmock-dev     # tests
  clang libclang-rt-14-dev      # fuzzing: libFuzzer with AddressSanitizer and UBSan (scripts/fuzz.sh)
  clang-format                  # tests: the C++ layout (.clang-format)
  libboost-dev                  # HTTP server: Boost.Beast on Asio (header-only)
  libbenchmark-dev              # benchmarks
)
# Node.js and npm build the web application; Debian's packages unless a Node.js is already installed.
command -v node >/dev/null && command -v npm >/dev/null || PACKAGES+=(nodejs npm)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: the ${#PACKAGES[@]} Debian packages are installed"
  exit 0
fi
echo "setup: installing ${#missing[@]} of ${#PACKAGES[@]} Debian packages: ${missing[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
step setup-apt-update "setup: apt-get update" $SUDO apt-get update
step setup-apt "setup: apt-get install (log: build/logs/setup-apt.log)" \
  $SUDO apt-get install -y --no-install-recommends "${missing[@]}"
