#!/usr/bin/env bash
# Builds the Dioxus SPA into frontend-dioxus/dist/ without `dx`:
#   cargo (release, wasm32) → wasm-bindgen --target web → wasm-opt -Oz → fingerprinted js, wasm
#   and css, index.html rewritten to reference them, a .gz beside every file.
#
# Serving contract: `*-<hash>.js|wasm|css` never change (cache them forever); index.html must be
# revalidated. Client routes (/units/…, /team-manager/…, /it-manager/…) fall back to
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

# A binary target keeps the package's hyphen; the output is renamed to $CRATE below.
WASM_IN="$TARGET_DIR/wasm32-unknown-unknown/release/co2-web.wasm"
STAGE="$(mktemp -d "${TMPDIR:-/tmp}/co2-spa.XXXXXX")"
trap 'rm -rf "$STAGE"' EXIT

log "wasm-bindgen"
"$WASM_BINDGEN" --target web --no-typescript --out-name "$CRATE" --out-dir "$STAGE/bindgen" "$WASM_IN"

log "wasm-opt -Oz"
# The features current rustc enables by default for wasm32-unknown-unknown.
"$WASM_OPT" -Oz \
  --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
  --enable-mutable-globals --enable-reference-types --enable-multivalue \
  -o "$STAGE/opt.wasm" "$STAGE/bindgen/${CRATE}_bg.wasm"

hash_of() { sha256sum "$1" | cut -c1-16; }
mkdir -p "$STAGE/dist"

# JS snippets of dependencies (`snippets/<crate>-<id>/…`, imported relatively by the glue) get a
# content-hashed directory too, so every file but index.html can be cached forever.
SNIP_DIR=""
if [[ -d "$STAGE/bindgen/snippets" ]]; then
  SNIP_HASH="$(cd "$STAGE/bindgen/snippets" && find . -type f -print0 | sort -z \
    | xargs -0 sha256sum | sha256sum | cut -c1-16)"
  SNIP_DIR="snippets-$SNIP_HASH"
  cp -r "$STAGE/bindgen/snippets" "$STAGE/dist/$SNIP_DIR"
  sed -i "s|\./snippets/|./$SNIP_DIR/|g" "$STAGE/bindgen/$CRATE.js"
fi

WASM_HASH="$(hash_of "$STAGE/opt.wasm")"
JS_HASH="$(hash_of "$STAGE/bindgen/$CRATE.js")"
WASM_NAME="${CRATE}_bg-$WASM_HASH.wasm"
JS_NAME="$CRATE-$JS_HASH.js"
CSS_NAME="style-$(hash_of "$APP/style.css").css"
# The boot script names the glue and the wasm: rewritten first, then hashed with those names in it.
sed -e "s|/${CRATE}_bg\.wasm|/$WASM_NAME|g" -e "s|/${CRATE}\.js|/$JS_NAME|g" "$APP/boot.js" > "$STAGE/boot.js"
BOOT_NAME="boot-$(hash_of "$STAGE/boot.js").js"
cp "$STAGE/boot.js" "$STAGE/dist/$BOOT_NAME"

cp "$STAGE/opt.wasm" "$STAGE/dist/$WASM_NAME"
cp "$STAGE/bindgen/$CRATE.js" "$STAGE/dist/$JS_NAME"
cp "$APP/style.css" "$STAGE/dist/$CSS_NAME"
sed -e "s|/${CRATE}_bg\.wasm|/$WASM_NAME|g" -e "s|/${CRATE}\.js|/$JS_NAME|g" -e "s|/style\.css|/$CSS_NAME|g" \
  -e "s|/boot\.js|/$BOOT_NAME|g" "$APP/index.html" > "$STAGE/dist/index.html"
for name in "$WASM_NAME" "$JS_NAME" "$CSS_NAME" "$BOOT_NAME"; do
  if ! grep -q "$name" "$STAGE/dist/index.html"; then
    log "index.html does not reference /${CRATE}.js, /${CRATE}_bg.wasm, /style.css and /boot.js"
    exit 1
  fi
done

find "$STAGE/dist" -type f -print0 | xargs -0 gzip -9 -n -k

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
report "$CSS_NAME"
total_raw=$(( $(size "$DIST/$WASM_NAME") + $(size "$DIST/$JS_NAME") ))
total_gz=$(( $(size "$DIST/$WASM_NAME.gz") + $(size "$DIST/$JS_NAME.gz") ))
if [[ -n "$SNIP_DIR" ]]; then
  snip_raw=$(find "$DIST/$SNIP_DIR" -type f ! -name '*.gz' -printf '%s\n' | awk '{s+=$1} END {print s+0}')
  snip_gz=$(find "$DIST/$SNIP_DIR" -type f -name '*.gz' -printf '%s\n' | awk '{s+=$1} END {print s+0}')
  printf '  %-40s %9s bytes raw  %9s bytes gzip\n' "$SNIP_DIR/ (js)" "$snip_raw" "$snip_gz"
  total_raw=$(( total_raw + snip_raw ))
  total_gz=$(( total_gz + snip_gz ))
fi
printf '  %-40s %9s bytes raw  %9s bytes gzip\n' "wasm + js" "$total_raw" "$total_gz"
log "done in $(( $(date +%s) - started )) s (cargo $cargo_secs s)"
