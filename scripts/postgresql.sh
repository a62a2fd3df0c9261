#!/usr/bin/env bash
# A real PostgreSQL server for the tests (issue #30): a new cluster in a temporary folder, run by an unprivileged
# user (postgres when run as root), listening on loopback only, torn down at the end. No mock.
#   scripts/postgresql.sh start STATE   starts it; writes its URL (postgresql://maillage@127.0.0.1:PORT) to STATE/url
#   scripts/postgresql.sh stop STATE    stops it and removes the cluster
#   scripts/postgresql.sh restart STATE stops it (immediate: as a crash) and starts it again on the same port
#   scripts/postgresql.sh down|up STATE  stops it (immediate) / starts it again: the server gone for a while
#   scripts/postgresql.sh replica STATE REPLICA  a base backup of it started as its streaming replica (stop REPLICA)
#   scripts/postgresql.sh promote REPLICA  the replica made a primary (a failover)
# For speed the test cluster runs without fsync (PG_FSYNC=on for the benchmarks) (nothing here survives a power cut, which the tests do not make):
# a server killed or restarted keeps every committed transaction all the same (its WAL is in the page cache).
set -euo pipefail
cmd="$1"
state="$2"
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -x "$bin/initdb" ] || { echo "postgresql.sh: no PostgreSQL server (Debian package postgresql-15): run scripts/setup.sh" >&2; exit 1; }
run_as() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
pg_start() {
  local dir="$1" port="$2" durable="-c fsync=off -c full_page_writes=off"
  # PG_FSYNC=on (the benchmarks): every commit flushed as a production server does.
  [ "${PG_FSYNC:-off}" = on ] && durable=""
  run_as "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 120 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $dir $durable -c max_connections=400 -c shared_buffers=64MB" \
    start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
}
case "$cmd" in
  start)
    mkdir -p "$state"
    [ -f "$state/dir" ] && "$0" stop "$state" || true
    dir=$(mktemp -d /tmp/maillage-postgresql-XXXXXX)
    chmod 755 "$dir"
    [ "$(id -u)" -ne 0 ] || chown postgres "$dir"
    run_as "$bin/initdb" -D "$dir/data" -U maillage --auth=trust -E UTF8 --locale=C.UTF-8 >"$state/initdb.log" 2>&1 ||
      { cat "$state/initdb.log" >&2; exit 1; }
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    pg_start "$dir" "$port"
    echo "$dir" >"$state/dir"
    echo "$port" >"$state/port"
    echo "postgresql://maillage@127.0.0.1:$port" >"$state/url"
    cat "$state/url"
    ;;
  restart)
    dir=$(cat "$state/dir")
    run_as "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null
    pg_start "$dir" "$(cat "$state/port")"
    ;;
  down)
    run_as "$bin/pg_ctl" -D "$(cat "$state/dir")/data" -m immediate -w stop >/dev/null
    ;;
  up)
    pg_start "$(cat "$state/dir")" "$(cat "$state/port")"
    ;;
  replica)
    # scripts/postgresql.sh replica STATE REPLICA: a base backup of STATE's cluster (pg_basebackup, WAL streamed)
    # started as its streaming replica (hot standby, read-only) on a port of its own; REPLICA/url as for start.
    replica="$3"
    mkdir -p "$replica"
    dir=$(mktemp -d /tmp/maillage-postgresql-XXXXXX)
    chmod 755 "$dir"
    [ "$(id -u)" -ne 0 ] || chown postgres "$dir"
    run_as "$bin/pg_basebackup" -h 127.0.0.1 -p "$(cat "$state/port")" -U maillage -D "$dir/data" -R -X stream -c fast \
      >"$replica/basebackup.log" 2>&1 || { cat "$replica/basebackup.log" >&2; exit 1; }
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    pg_start "$dir" "$port"
    echo "$dir" >"$replica/dir"
    echo "$port" >"$replica/port"
    echo "postgresql://maillage@127.0.0.1:$port" >"$replica/url"
    cat "$replica/url"
    ;;
  promote)
    # The replica becomes a primary (what a failover does): it stops following and accepts writes.
    run_as "$bin/pg_ctl" -D "$(cat "$state/dir")/data" -w promote >/dev/null
    ;;
  stop)
    [ -f "$state/dir" ] || exit 0
    dir=$(cat "$state/dir")
    run_as "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$dir"
    rm -f "$state/dir" "$state/url" "$state/port"
    ;;
  *)
    echo "usage: $0 start|stop|restart|down|up STATE | replica STATE REPLICA | promote REPLICA" >&2
    exit 2
    ;;
esac
