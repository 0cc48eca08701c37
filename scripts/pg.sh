#!/usr/bin/env bash
# Starts (creating if needed) a private PostgreSQL cluster for the embedded default and the tests.
#   scripts/pg.sh DATA_DIR PORT   → cluster listening on 127.0.0.1:PORT only
#   scripts/pg.sh stop DATA_DIR   → stops it (if running)
# PostgreSQL refuses to run as root, so as root the cluster belongs to the `postgres` user.
set -euo pipefail
stop=false
if [ "$1" = stop ]; then stop=true; shift; fi
dir=$(realpath -m "$1"); port=${2:-0}

bindir=""
for cand in "$(pg_config --bindir 2>/dev/null || true)" /usr/lib/postgresql/*/bin; do
  if [ -n "$cand" ] && [ -x "$cand/initdb" ]; then bindir=$cand; fi
done
if [ -z "$bindir" ]; then
  echo "pg: installing PostgreSQL (apt)" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null && apt-get install -y -qq postgresql >/dev/null
  for cand in /usr/lib/postgresql/*/bin; do [ -x "$cand/initdb" ] && bindir=$cand; done
fi

as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

if $stop; then
  if [ -f "$dir/postmaster.pid" ]; then as_owner "$bindir/pg_ctl" -D "$dir" stop -m fast >/dev/null || true; fi
  exit 0
fi

mkdir -p "$dir"
if [ "$(id -u)" = 0 ]; then
  id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
  chown postgres: "$dir"
  # The owner must reach the directory through every parent.
  p=$dir; while [ "$p" != / ]; do p=$(dirname "$p"); chmod o+x "$p" 2>/dev/null || true; done
fi

if [ ! -f "$dir/PG_VERSION" ]; then
  as_owner "$bindir/initdb" -D "$dir" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null
  cat >> "$dir/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
unix_socket_directories = '$dir'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 200
shared_buffers = 256MB
CONF
fi

if ! as_owner "$bindir/pg_ctl" -D "$dir" status >/dev/null 2>&1; then
  as_owner "$bindir/pg_ctl" -D "$dir" -o "-p $port" -l "$dir/server.log" -w -t 30 start >/dev/null
elif ! "$bindir/pg_isready" -h 127.0.0.1 -p "$port" -q; then
  # Running on another port (an earlier default): moved to this one.
  as_owner "$bindir/pg_ctl" -D "$dir" -o "-p $port" -l "$dir/server.log" -w -t 30 restart -m fast >/dev/null
fi
for _ in $(seq 1 50); do
  "$bindir/pg_isready" -h 127.0.0.1 -p "$port" -q && exit 0
  sleep 0.2
done
echo "pg: the cluster in $dir did not come up (see $dir/server.log)" >&2
exit 1
