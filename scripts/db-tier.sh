#!/usr/bin/env bash
# The cluster's database tier on 127.0.0.1, for the tests: a streaming replica of the local
# primary (pg_basebackup -R), and PgBouncer (Debian's, installed when missing) in transaction
# pooling in front of each — as knative/base/database/pgbouncer.ini runs it, with the pool
# settings the tests need.
#   scripts/db-tier.sh start STATE_DIR PRIMARY_PORT   → prints `export …` lines (ports, URLs)
#   scripts/db-tier.sh stop STATE_DIR
# Ports: the replica on PRIMARY_PORT+10, PgBouncer on PRIMARY_PORT+12 (primary) and +13 (replica).
# Each PgBouncer serves every database name of its server (`*`), so tests' own databases work.
set -euo pipefail
cmd=$1; state=$(realpath -m "$2")
scripts=$(cd "$(dirname "$0")" && pwd)

as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
bindir=""
for cand in "$(pg_config --bindir 2>/dev/null || true)" /usr/lib/postgresql/*/bin; do
  if [ -n "$cand" ] && [ -x "$cand/initdb" ]; then bindir=$cand; fi
done

stop_all() {
  for b in pgbouncer-primary pgbouncer-replica; do
    if [ -f "$state/$b/pgbouncer.pid" ]; then
      kill "$(cat "$state/$b/pgbouncer.pid")" 2>/dev/null || true
      rm -f "$state/$b/pgbouncer.pid"
    fi
  done
  if [ -f "$state/replica/postmaster.pid" ]; then
    as_postgres "$bindir/pg_ctl" -D "$state/replica" stop -m immediate >/dev/null 2>&1 || true
  fi
}

if [ "$cmd" = stop ]; then stop_all; exit 0; fi
[ "$cmd" = start ] || { echo "usage: db-tier.sh start|stop STATE_DIR [PRIMARY_PORT]" >&2; exit 2; }
primary_port=$3
replica_port=$((primary_port + 10)); bouncer_primary=$((primary_port + 12)); bouncer_replica=$((primary_port + 13))

if ! command -v pgbouncer >/dev/null; then
  echo "db-tier: installing pgbouncer (apt)" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null && apt-get install -y -qq pgbouncer >/dev/null
  # The package starts a system-wide instance on 6432; ours are private.
  service pgbouncer stop >/dev/null 2>&1 || pkill -f '^/usr/sbin/pgbouncer /etc/pgbouncer' || true
fi

stop_all
mkdir -p "$state"
[ "$(id -u)" = 0 ] && chown postgres: "$state"

# The replica: a fresh base backup of the primary each time (seconds on an empty test cluster),
# so it never carries a previous run's state.
rm -rf "$state/replica"
as_postgres "$bindir/pg_basebackup" -h 127.0.0.1 -p "$primary_port" -U postgres -D "$state/replica" -R -X stream -c fast \
  2> "$state/basebackup.log" || { cat "$state/basebackup.log" >&2; exit 1; }
cat >> "$state/replica/postgresql.conf" <<CONF
port = $replica_port
unix_socket_directories = '$state/replica'
hot_standby = on
CONF
rm -f "$state/replica/postmaster.pid" "$state/replica/server.log"
as_postgres "$bindir/pg_ctl" -D "$state/replica" -l "$state/replica/server.log" -w -t 30 start >/dev/null

bouncer() { # name listen_port server_port
  local dir="$state/$1"
  mkdir -p "$dir"
  printf '"postgres" ""\n' > "$dir/userlist.txt"
  cat > "$dir/pgbouncer.ini" <<INI
[databases]
* = host=127.0.0.1 port=$3

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $2
unix_socket_dir =
auth_type = trust
auth_file = $dir/userlist.txt
pidfile = $dir/pgbouncer.pid
logfile = $dir/pgbouncer.log
pool_mode = transaction
max_client_conn = 1000
default_pool_size = 20
reserve_pool_size = 5
reserve_pool_timeout = 3
; Idle server connections go quickly, so a test's database can be dropped after it.
server_idle_timeout = 2
ignore_startup_parameters = extra_float_digits
INI
  [ "$(id -u)" = 0 ] && chown -R postgres: "$dir"
  as_postgres pgbouncer -d -q "$dir/pgbouncer.ini"
}
bouncer pgbouncer-primary "$bouncer_primary" "$primary_port"
bouncer pgbouncer-replica "$bouncer_replica" "$replica_port"

for port in "$replica_port" "$bouncer_primary" "$bouncer_replica"; do
  for _ in $(seq 1 50); do "$bindir/pg_isready" -h 127.0.0.1 -p "$port" -q && break; sleep 0.2; done
  "$bindir/pg_isready" -h 127.0.0.1 -p "$port" -q || { echo "db-tier: nothing answers on $port" >&2; exit 1; }
done
cat <<ENV
export CO2_TEST_REPLICA_PORT=$replica_port
export CO2_TEST_PGBOUNCER=127.0.0.1:$bouncer_primary
export CO2_TEST_PGBOUNCER_READ=127.0.0.1:$bouncer_replica
ENV
