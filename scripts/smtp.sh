#!/usr/bin/env bash
# Starts a real SMTP server on loopback for the tests (aiosmtpd, from PyPI into a venv under
# ${CO2_TOOLS_DIR:-$HOME/.cache/co2calc}); every accepted message lands in MAILDIR as a .eml file.
#   scripts/smtp.sh start PORT MAILDIR PIDFILE   |   scripts/smtp.sh stop PIDFILE
set -euo pipefail
tools=${CO2_TOOLS_DIR:-$HOME/.cache/co2calc}
venv=$tools/venv-smtp
here=$(cd "$(dirname "$0")" && pwd)
case ${1:-} in
  start)
    port=$2; maildir=$3; pidfile=$4
    if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import aiosmtpd' 2>/dev/null; then
      echo "smtp: installing aiosmtpd==1.4.6 into $venv" >&2
      python3 -m venv "$venv"
      "$venv/bin/pip" install -q 'aiosmtpd==1.4.6' >&2
    fi
    mkdir -p "$maildir" "$(dirname "$pidfile")"
    [ -f "$pidfile" ] && kill "$(cat "$pidfile")" 2>/dev/null || true
    nohup "$venv/bin/python" "$here/smtp_sink.py" "$port" "$maildir" > "$(dirname "$pidfile")/smtp.log" 2>&1 &
    echo $! > "$pidfile"
    for _ in $(seq 1 100); do
      (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && exit 0
      sleep 0.1
    done
    echo "smtp: server did not start (see $(dirname "$pidfile")/smtp.log)" >&2; exit 1 ;;
  stop)
    pidfile=$2
    [ -f "$pidfile" ] && kill "$(cat "$pidfile")" 2>/dev/null || true
    rm -f "$pidfile" ;;
  *) echo "usage: $0 start PORT MAILDIR PIDFILE | stop PIDFILE" >&2; exit 2 ;;
esac
