#!/usr/bin/env bash
# Starts an S3+SQS-compatible server (moto, server mode, with bucket notifications) on loopback.
#   scripts/moto.sh start PORT PIDFILE   |   scripts/moto.sh stop PIDFILE
# moto comes from PyPI into a venv under ${CO2_TOOLS_DIR:-$HOME/.cache/co2calc}.
set -euo pipefail
tools=${CO2_TOOLS_DIR:-$HOME/.cache/co2calc}
venv=$tools/venv-moto
case ${1:-} in
  start)
    port=$2; pidfile=$3
    if [ ! -x "$venv/bin/moto_server" ]; then
      echo "moto: installing moto[server]==5.2.5 into $venv" >&2
      python3 -m venv "$venv"
      "$venv/bin/pip" install -q 'moto[server]==5.2.5' >&2
    fi
    # Already serving on that port (a pid file alone can be stale after a reboot).
    if curl -sf "http://127.0.0.1:$port/moto-api/" >/dev/null 2>&1; then exit 0; fi
    mkdir -p "$(dirname "$pidfile")"
    nohup "$venv/bin/moto_server" -H 127.0.0.1 -p "$port" > "$(dirname "$pidfile")/moto.log" 2>&1 &
    echo $! > "$pidfile"
    for _ in $(seq 1 100); do
      curl -sf "http://127.0.0.1:$port/moto-api/" >/dev/null 2>&1 && exit 0
      sleep 0.1
    done
    echo "moto: server did not start (see $(dirname "$pidfile")/moto.log)" >&2; exit 1 ;;
  stop)
    pidfile=$2
    [ -f "$pidfile" ] && kill "$(cat "$pidfile")" 2>/dev/null || true
    rm -f "$pidfile" ;;
  *) echo "usage: $0 start PORT PIDFILE | stop PIDFILE" >&2; exit 2 ;;
esac
