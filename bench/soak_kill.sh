#!/usr/bin/env bash
# Kill -9 soak (issue #30): two `maillage serve` on one database, server A killed with SIGKILL and started again
# KILLS times during mixed writes and reads; every acknowledged write is read back, then `maillage db check`.
# Usage: bench/soak_kill.sh postgresql|sqlite [KILLS]   (release build; PostgreSQL in a temporary cluster, fsync on)
set -euo pipefail
cd "$(dirname "$0")/.."
backend="${1:-postgresql}"
kills="${2:-200}"
M=$PWD/build/release/apps/maillage
dir=$(mktemp -d)
chmod 755 "$dir"
cleanup() {
  bash scripts/postgresql.sh stop "$dir/pg" >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap cleanup EXIT
if [ "$backend" = postgresql ]; then
  PG_FSYNC=on bash scripts/postgresql.sh start "$dir/pg" >/dev/null
  url=$(cat "$dir/pg/url")
  psql -q "$url/postgres" -c "CREATE DATABASE soak" >/dev/null
  db="$url/soak"
else
  db="$dir/m.db"
fi
$M --graph "$dir/g.graph" graph info >/dev/null 2>&1
$M --db "$db" --graph "$dir/g.graph" places list --limit 1 >/dev/null 2>&1
token=$($M --db "$db" tokens create --role editor --label soak 2>/dev/null | head -1)
python3 bench/soak_kill.py "$M" "$db" "$dir/g.graph" "$token" "$kills"
echo "== db check"
$M --db "$db" db check | tail -3
