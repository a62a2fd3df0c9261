#!/usr/bin/env bash
# Crash injection: N times, starts a real `maillage` writer on a registry (an import of 2,000-20,000 rows, an
# update, a booking, a 52-week booking series, an application created or submitted) and kills it with SIGKILL
# at a random moment of its run; then checks the SQLite file: integrity, foreign keys, all or nothing (each
# count moved by 0 or by the whole write, the revision by 0 or 1), the history (every place has its insert, no
# entry beyond the revision) and the series (52 weeks or none).
# Usage: scripts/crash_campaign.sh [N] [SEED]   (N default 50; SEED makes a run repeatable). Exit 1 on any breach.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/steps.sh
N="${1:-50}"
SEED="${2:-$((RANDOM * 32768 + RANDOM))}"
RANDOM=$((SEED % 32768))
M="$(pwd)/build/release/apps/maillage"
[ -x "$M" ] || step crash-build "crash: build maillage" bash scripts/build.sh release maillage
command -v sqlite3 >/dev/null || { echo "crash: sqlite3 (Debian package sqlite3) is needed"; exit 1; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
db="$dir/m.db"
mcli() { "$M" --db "$db" --graph "$dir/g.graph" "$@"; }
q() { sqlite3 -batch -noheader "$db" "$1"; }

# A registry from the bundled data, a place open every day with a desk pool no booking can fill, a member.
mcli places list --limit 1 >/dev/null 2>&1
place=$(q "SELECT id FROM places WHERE insee_code = '23096' ORDER BY id LIMIT 1")
for d in 1 2 3 4 5 6 7; do mcli booking hours --place "$place" --weekday $d --hours-of-day 00:00-24:00 >/dev/null; done
mcli booking add-resource --place "$place" --kind desk --desk-kind dropin --name Nomades --units 100000 >/dev/null
resource=$(q "SELECT max(id) FROM resources")
mcli booking add-member --name "Crash Test" --email crash@example.org >/dev/null
member=$(q "SELECT max(id) FROM members")
mcli booking membership --member "$member" --place "$place" >/dev/null
communes=(23096 33063 87085 86194 64445 17300 79191 16015 24322 40192)

state() {  # one line: places history revision bookings booking_events applications app_events
  q "SELECT (SELECT count(*) FROM places), (SELECT count(*) FROM place_history), (SELECT value FROM meta WHERE key = 'revision'),
            (SELECT count(*) FROM bookings), (SELECT count(*) FROM booking_events), (SELECT count(*) FROM applications),
            (SELECT count(*) FROM application_events)" | tr '|' ' '
}

# The command of a write of this kind, and what it adds when it completes (places history revision bookings
# booking_events applications app_events; "*" = any number >= 1).
next_week=0
prepare() {
  local kind=$1 i=$2
  case $kind in
    import)
      rows=$((2000 + RANDOM % 18001))
      [ "$i" -gt 0 ] || rows=20000  # the timing run: the largest import
      awk -v n="$rows" -v it="$i" -v c="${communes[$((RANDOM % 10))]}" 'BEGIN {
        print "id,name,insee_code,types,status,opening_date,staff_fte,notes";
        for (k = 0; k < n; k++) printf "crash-%d-%d,Lieu %d-%d,%s,coworking,open,2020-0%d,%d.5,note %d\n", it, k, it, k, c, k % 9 + 1, k % 7, k }' \
        >"$dir/rows.csv"
      cmd=(places import "$dir/rows.csv")
      delta="$rows $rows 1 0 0 0 0" ;;
    update)
      target=$(q "SELECT id FROM places ORDER BY random() LIMIT 1")
      cmd=(places update "$target" --set "notes=crash $i $RANDOM" --set "staff_fte=$((RANDOM % 9)).5")
      delta="0 1 1 0 0 0 0" ;;
    book)
      next_week=$((next_week + 1))
      cmd=(booking book --resource "$resource" --member "$member" --date "$(date -d "2031-01-01 + $next_week days" +%F)")
      delta="0 0 0 1 * 0 0" ;;
    series)
      next_week=$((next_week + 60))
      cmd=(booking book --resource "$resource" --member "$member" --unit half_day --half am --weeks 52
           --date "$(date -d "2040-01-01 + $((next_week * 7)) days" +%F)")
      delta="0 0 0 52 * 0 0" ;;
    apply)
      cmd=(ami apply --kind creation --applicant "Mairie $i" --project "Tiers-lieu $i" --commune "${communes[$((RANDOM % 10))]}" --by crash)
      delta="0 0 0 0 0 1 *" ;;
    submit)
      app=$(q "SELECT id FROM applications WHERE status = 'draft' ORDER BY random() LIMIT 1")
      if [ -z "$app" ]; then mcli ami apply --kind creation --applicant A --project P --commune 23096 --by crash >/dev/null; app=$(q "SELECT max(id) FROM applications"); fi
      cmd=(ami submit "$app" --by crash --date 2024-03-01)
      delta="0 0 0 0 0 0 *" ;;
  esac
}

# Each count moved by 0 (killed before the commit) or by the whole write; * = any positive number.
judge() {
  local -a b a d
  read -r -a b <<<"$1"
  read -r -a a <<<"$2"
  read -r -a d <<<"$3"  # read does not expand the "*"
  local none=1 all=1
  for k in 0 1 2 3 4 5 6; do
    local moved=$((a[k] - b[k]))
    [ "$moved" -eq 0 ] || none=0
    if [ "${d[k]}" = "*" ]; then [ "$moved" -ge 1 ] || all=0; else [ "$moved" -eq "${d[k]}" ] || all=0; fi
  done
  [ $none = 1 ] && echo nothing && return
  [ $all = 1 ] && echo whole && return
  echo partial
}

kinds=(import update book series apply submit)
declare -A duration
for kind in "${kinds[@]}"; do  # how long each kind takes, to kill it at any moment of its run
  prepare "$kind" 0
  t0=$(date +%s%N)
  mcli "${cmd[@]}" >/dev/null 2>&1
  duration[$kind]=$(( ($(date +%s%N) - t0) / 1000000 ))
done
echo "crash: seed $SEED; writes take (ms): $(for k in "${kinds[@]}"; do printf '%s %s  ' "$k" "${duration[$k]}"; done)"

# The checks can fail: a partial write is told apart, and a series cut short is seen in a copy of the file.
[ "$(judge "1 1 1 1 1 1 1" "1 1 1 11 11 1 1" "0 0 0 52 * 0 0")" = partial ] || { echo "crash: judge self-check failed"; exit 1; }
cp "$db" "$dir/copy.db"
sqlite3 "$dir/copy.db" "INSERT INTO bookings (resource_id, member_id, unit, starts, ends, quantity, status, plan, created_at, series_id)
  VALUES ($resource, $member, 'day', '2099-01-01T00:00', '2099-01-02T00:00', 1, 'confirmed', '', '2099', NULL);
  UPDATE bookings SET series_id = id WHERE starts = '2099-01-01T00:00';"
cut=$(sqlite3 "$dir/copy.db" "SELECT count(*) FROM (SELECT series_id, count(*) n FROM bookings WHERE series_id IS NOT NULL GROUP BY series_id HAVING n != 52)")
[ "$cut" = 1 ] || { echo "crash: series self-check failed ($cut)"; exit 1; }

# Every 100 writes the campaign starts again from this state, so that the file stays small enough for the checks.
mcli db backup "$dir/base.db" >/dev/null

breaches=0
declare -A nothing whole
t_start=$SECONDS
for i in $(seq 1 "$N"); do
  if [ $((i % 100)) = 0 ]; then
    mcli db restore "$dir/base.db" >/dev/null
    [ "$N" -lt 200 ] || echo "crash: $i of $N writers killed, $breaches breaches so far ($((SECONDS - t_start)) s)"
  fi
  kind=${kinds[$((RANDOM % ${#kinds[@]}))]}
  prepare "$kind" "$i"
  before=$(state)
  delay_ms=$(( RANDOM % (duration[$kind] * 11 / 10 + 1) ))
  "$M" --db "$db" --graph "$dir/g.graph" "${cmd[@]}" >/dev/null 2>&1 &
  pid=$!
  sleep "$(printf '0.%03d' "$delay_ms")"
  [ "$delay_ms" -lt 1000 ] || sleep $((delay_ms / 1000))
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  after=$(state)
  verdict=$(judge "$before" "$after" "$delta")
  integrity=$(q "PRAGMA integrity_check")
  fk=$(q "PRAGMA foreign_key_check" | head -3)
  orphans=$(q "SELECT count(*) FROM places p WHERE NOT EXISTS
                (SELECT 1 FROM place_history h WHERE h.place_id = p.id AND h.action = 'insert')")
  ahead=$(q "SELECT count(*) FROM place_history WHERE revision > (SELECT value FROM meta WHERE key = 'revision')")
  broken_series=$(q "SELECT count(*) FROM (SELECT series_id, count(*) n FROM bookings WHERE series_id IS NOT NULL GROUP BY series_id HAVING n != 52)")
  if [ "$verdict" = partial ] || [ "$integrity" != ok ] || [ -n "$fk" ] || [ "$orphans" != 0 ] || [ "$ahead" != 0 ] || [ "$broken_series" != 0 ]; then
    breaches=$((breaches + 1))
    echo "crash: BREACH at write $i ($kind killed after $delay_ms ms): $verdict; integrity $integrity; fk '${fk}';" \
         "places without insert $orphans; history ahead $ahead; broken series $broken_series; before [$before] after [$after]"
  fi
  [ "$verdict" = nothing ] && nothing[$kind]=$(( ${nothing[$kind]:-0} + 1 ))
  [ "$verdict" = whole ] && whole[$kind]=$(( ${whole[$kind]:-0} + 1 ))
done
summary=""
for k in "${kinds[@]}"; do summary+="$k ${nothing[$k]:-0}/${whole[$k]:-0}  "; done
echo "crash: $N writers killed in $((SECONDS - t_start)) s (by kind, nothing written / whole write): $summary"
echo "crash: $((N - breaches)) passed, $breaches failed"
[ "$breaches" -eq 0 ]
