#!/usr/bin/env bash
# Installs what the SPA build (scripts/build-spa.sh) needs, when missing; safe to run again.
#
#   - the wasm32-unknown-unknown target of the machine's Rust toolchain;
#   - wasm-bindgen-cli of exactly the `wasm-bindgen` version pinned in frontend-dioxus/Cargo.lock
#     (the CLI and the library must match, or the generated glue refuses to load);
#   - wasm-opt from npm `binaryen@132.0.0` (Debian's binaryen is too old for current Rust output).
#
# Everything lands under ${CO2_TOOLS_DIR:-$HOME/.cache/co2calc}, outside the clone, so CI and later
# builds reuse it. Prints the tool paths as `KEY=path` lines on success.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS_DIR="${CO2_TOOLS_DIR:-$HOME/.cache/co2calc}"
BINARYEN_VERSION="132.0.0"
LOCK="$ROOT/frontend-dioxus/Cargo.lock"

log() { printf '[ensure-spa-tools] %s\n' "$*" >&2; }

mkdir -p "$TOOLS_DIR"

# 1. The wasm target.
if ! rustup target list --installed | grep -qx 'wasm32-unknown-unknown'; then
  log "adding rustup target wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown >&2
fi

# 2. wasm-bindgen-cli matching the lockfile.
if [[ ! -f "$LOCK" ]]; then
  log "missing $LOCK (run 'cargo generate-lockfile' in frontend-dioxus)"
  exit 1
fi
WB_VERSION="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$LOCK")"
if [[ -z "$WB_VERSION" ]]; then
  log "could not read the wasm-bindgen version from $LOCK"
  exit 1
fi
WB_ROOT="$TOOLS_DIR/wasm-bindgen-$WB_VERSION"
WB_BIN="$WB_ROOT/bin/wasm-bindgen"
if [[ ! -x "$WB_BIN" ]] || [[ "$("$WB_BIN" --version 2>/dev/null | awk '{print $2}')" != "$WB_VERSION" ]]; then
  log "installing wasm-bindgen-cli $WB_VERSION into $WB_ROOT (a few minutes)"
  # Without --locked: the CLI's own lockfile pins crates that no longer build on this toolchain.
  cargo install wasm-bindgen-cli --version "$WB_VERSION" --root "$WB_ROOT" --force >&2
fi

# 3. wasm-opt from npm binaryen.
BY_DIR="$TOOLS_DIR/binaryen-$BINARYEN_VERSION"
WO_BIN="$BY_DIR/node_modules/.bin/wasm-opt"
if [[ ! -x "$WO_BIN" ]]; then
  log "installing npm binaryen@$BINARYEN_VERSION into $BY_DIR"
  mkdir -p "$BY_DIR"
  [[ -f "$BY_DIR/package.json" ]] || printf '{"name":"co2-spa-tools","private":true}\n' > "$BY_DIR/package.json"
  npm install --prefix "$BY_DIR" --no-audit --no-fund --save-exact "binaryen@$BINARYEN_VERSION" >&2
fi

echo "WASM_BINDGEN=$WB_BIN"
echo "WASM_OPT=$WO_BIN"
