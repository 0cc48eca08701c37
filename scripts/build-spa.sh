#!/usr/bin/env bash
# Builds the Dioxus SPA into frontend-dioxus/dist/ without `dx`:
#   cargo (release, wasm32) → wasm-bindgen --target web → wasm-opt -Oz → fingerprinted js/wasm,
#   index.html rewritten to reference them, style.css copied, a .gz beside every file.
#
# Serving contract: `*-<hash>.js|wasm` never change (cache them forever); index.html and style.css
# must be revalidated. Client routes (/units/…, /team-manager/…, /it-manager/…) fall back to
# index.html; .wasm is application/wasm.
#
# Env: CO2_TOOLS_DIR (tool cache, default ~/.cache/co2calc), CO2_SPA_TARGET_DIR (cargo target dir,
# default $CO2_TOOLS_DIR/spa-target — never the server workspace's, so the two builds don't
# invalidate each other).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
APP="$ROOT/frontend-dioxus"
TOOLS_DIR="${CO2_TOOLS_DIR:-$HOME/.cache/co2calc}"
TARGET_DIR="${CO2_SPA_TARGET_DIR:-$TOOLS_DIR/spa-target}"
DIST="$APP/dist"
CRATE="co2_web"

log() { printf '[build-spa] %s\n' "$*" >&2; }
started=$(date +%s)

# Tools (installed on first use).
eval "$("$ROOT/scripts/ensure-spa-tools.sh")"

log "cargo build --release --target wasm32-unknown-unknown (target dir $TARGET_DIR)"
cargo_started=$(date +%s)
cargo build --release --locked --target wasm32-unknown-unknown \
  --manifest-path "$APP/Cargo.toml" --target-dir "$TARGET_DIR"
cargo_secs=$(( $(date +%s) - cargo_started ))

WASM_IN="$TARGET_DIR/wasm32-unknown-unknown/release/$CRATE.wasm"
STAGE="$(mktemp -d "${TMPDIR:-/tmp}/co2-spa.XXXXXX")"
trap 'rm -rf "$STAGE"' EXIT

log "wasm-bindgen"
"$WASM_BINDGEN" --target web --no-typescript --out-dir "$STAGE/bindgen" "$WASM_IN"

log "wasm-opt -Oz"
# The features current rustc enables by default for wasm32-unknown-unknown.
"$WASM_OPT" -Oz \
  --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
  --enable-mutable-globals --enable-reference-types --enable-multivalue \
  -o "$STAGE/opt.wasm" "$STAGE/bindgen/${CRATE}_bg.wasm"

hash_of() { sha256sum "$1" | cut -c1-16; }
WASM_HASH="$(hash_of "$STAGE/opt.wasm")"
JS_HASH="$(hash_of "$STAGE/bindgen/$CRATE.js")"
WASM_NAME="${CRATE}_bg-$WASM_HASH.wasm"
JS_NAME="$CRATE-$JS_HASH.js"

mkdir -p "$STAGE/dist"
cp "$STAGE/opt.wasm" "$STAGE/dist/$WASM_NAME"
cp "$STAGE/bindgen/$CRATE.js" "$STAGE/dist/$JS_NAME"
cp "$APP/style.css" "$STAGE/dist/style.css"
sed -e "s|/${CRATE}_bg\.wasm|/$WASM_NAME|g" -e "s|/${CRATE}\.js|/$JS_NAME|g" \
  "$APP/index.html" > "$STAGE/dist/index.html"
if ! grep -q "$WASM_NAME" "$STAGE/dist/index.html" || ! grep -q "$JS_NAME" "$STAGE/dist/index.html"; then
  log "index.html does not reference /${CRATE}.js and /${CRATE}_bg.wasm"
  exit 1
fi

for f in "$STAGE"/dist/*; do
  gzip -9 -n -k "$f"
done

rm -rf "$DIST"
mv "$STAGE/dist" "$DIST"

size() { stat -c %s "$1"; }
report() {
  printf '  %-40s %9s bytes raw  %9s bytes gzip\n' "$1" "$(size "$DIST/$1")" "$(size "$DIST/$1.gz")"
}
log "dist: $DIST"
report "$WASM_NAME"
report "$JS_NAME"
report index.html
report style.css
total_raw=$(( $(size "$DIST/$WASM_NAME") + $(size "$DIST/$JS_NAME") ))
total_gz=$(( $(size "$DIST/$WASM_NAME.gz") + $(size "$DIST/$JS_NAME.gz") ))
printf '  %-40s %9s bytes raw  %9s bytes gzip\n' "wasm + js" "$total_raw" "$total_gz"
log "done in $(( $(date +%s) - started )) s (cargo $cargo_secs s)"
