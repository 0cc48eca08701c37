#!/usr/bin/env bash
# Prints `export …` lines for the embedded default's configuration (sourced by the Makefile
# targets): database, local storage, development session keys, dev profile.
#   scripts/dev-env.sh STATE_DIR DATABASE_NAME
# Secrets are generated once into STATE_DIR/secrets (git-ignored) and never printed to logs.
set -euo pipefail
state=$(realpath -m "$1"); dbname=$2
pg_port=${CO2_PG_PORT:-25432}
mkdir -p "$state/secrets" "$state/storage"; chmod 700 "$state/secrets"
if [ ! -f "$state/secrets/session.key" ]; then
  openssl genpkey -algorithm ed25519 -out "$state/secrets/session.key" 2>/dev/null
  openssl pkey -in "$state/secrets/session.key" -pubout -out "$state/secrets/session.pub" 2>/dev/null
fi
[ -f "$state/secrets/blob.secret" ] || openssl rand -hex 32 > "$state/secrets/blob.secret"

if [ -z "${DATABASE_URL:-}" ]; then
  "$(dirname "$0")/pg.sh" "$(dirname "$0")/../.local/pg" "$pg_port" >&2
  psql -h 127.0.0.1 -p "$pg_port" -U postgres -tAc "select 1 from pg_database where datname = '$dbname'" | grep -q 1 \
    || psql -h 127.0.0.1 -p "$pg_port" -U postgres -qc "create database $dbname" >&2
  url="postgres://postgres@127.0.0.1:$pg_port/$dbname"
else
  url=$DATABASE_URL
fi
port=${PORT:-8080}; host=${HOST:-127.0.0.1}
cat <<ENV
export DATABASE_URL='$url'
export CO2_PROFILE=dev
export HOST='$host' PORT='$port'
export PUBLIC_BASE_URL='${PUBLIC_BASE_URL:-http://$host:$port}'
# Storage has a directory of its own: nothing else (secrets, the database) is ever under it.
export BLOB_BACKEND=\${BLOB_BACKEND:-local} LOCAL_BLOB_DIR='$state/storage'
export LOCAL_BLOB_SECRET="\$(cat '$state/secrets/blob.secret')"
export SESSION_SIGNING_KEY="\$(cat '$state/secrets/session.key')"
export SESSION_PUBLIC_KEY="\$(cat '$state/secrets/session.pub')"
export QUEUE_BACKEND=\${QUEUE_BACKEND:-postgres}
export DATA_DIR='$(realpath "$(dirname "$0")/../data")'
export WEB_ROOT='$(realpath -m "$(dirname "$0")/../frontend-dioxus/dist")'
ENV
