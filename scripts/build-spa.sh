#!/usr/bin/env bash
# Builds the Dioxus SPA into frontend-dioxus/dist/ without `dx`:
#   cargo (release, wasm32) → wasm-bindgen --target web → wasm-opt -Oz → fingerprinted js, wasm
#   and css, index.html and boot.js rewritten to reference them, a .gz beside every file.
#   Two bundles of the app: the first load (co2_web) and the full app (co2_full, feature `full`),
#   which boot.js loads for the IT manager's area and a unit's simulation and plans.
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
FULL="co2_full"

log() { printf '[build-spa] %s\n' "$*" >&2; }
started=$(date +%s)

# Tools (installed on first use).
eval "$("$ROOT/scripts/ensure-spa-tools.sh")"

STAGE="$(mktemp -d "${TMPDIR:-/tmp}/co2-spa.XXXXXX")"
trap 'rm -rf "$STAGE"' EXIT
mkdir -p "$STAGE/dist"
hash_of() { sha256sum "$1" | cut -c1-16; }
cargo_secs=0

# One bundle: cargo (release, wasm32) with the given features → wasm-bindgen → wasm-opt, then
# its glue, wasm and JS snippets fingerprinted into dist. Sets WASM_NAME, JS_NAME, SNIP_DIR.
build_bundle() {
  local name=$1; shift
  log "$name: cargo build --release --target wasm32-unknown-unknown $* (target dir $TARGET_DIR)"
  local cargo_started; cargo_started=$(date +%s)
  cargo build --release --locked --target wasm32-unknown-unknown \
    --manifest-path "$APP/Cargo.toml" --target-dir "$TARGET_DIR" "$@"
  cargo_secs=$(( cargo_secs + $(date +%s) - cargo_started ))
  # A binary target keeps the package's hyphen; the output is renamed to $name below.
  local wasm_in="$TARGET_DIR/wasm32-unknown-unknown/release/co2-web.wasm"
  local out="$STAGE/$name"
  log "$name: wasm-bindgen"
  "$WASM_BINDGEN" --target web --no-typescript --out-name "$name" --out-dir "$out" "$wasm_in"
  log "$name: wasm-opt -Oz"
  # The features current rustc enables by default for wasm32-unknown-unknown.
  "$WASM_OPT" -Oz \
    --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
    --enable-mutable-globals --enable-reference-types --enable-multivalue \
    -o "$out/opt.wasm" "$out/${name}_bg.wasm"
  # JS snippets of dependencies (`snippets/<crate>-<id>/…`, imported relatively by the glue) get
  # a content-hashed directory too, so every file but index.html can be cached forever.
  SNIP_DIR=""
  if [[ -d "$out/snippets" ]]; then
    local snip_hash
    snip_hash="$(cd "$out/snippets" && find . -type f -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16)"
    SNIP_DIR="snippets-$snip_hash"
    [[ -d "$STAGE/dist/$SNIP_DIR" ]] || cp -r "$out/snippets" "$STAGE/dist/$SNIP_DIR"
    sed -i "s|\./snippets/|./$SNIP_DIR/|g" "$out/$name.js"
  fi
  WASM_NAME="${name}_bg-$(hash_of "$out/opt.wasm").wasm"
  JS_NAME="$name-$(hash_of "$out/$name.js").js"
  cp "$out/opt.wasm" "$STAGE/dist/$WASM_NAME"
  cp "$out/$name.js" "$STAGE/dist/$JS_NAME"
}

# The first load: the unit workspace, the team manager, help.
build_bundle "$CRATE"
FIRST_WASM=$WASM_NAME; FIRST_JS=$JS_NAME; FIRST_SNIP=$SNIP_DIR
# The full app: with the IT manager's area, the simulation and the plans (boot.js picks it).
build_bundle "$FULL" --features full
FULL_WASM=$WASM_NAME; FULL_JS=$JS_NAME; FULL_SNIP=$SNIP_DIR

CSS_NAME="style-$(hash_of "$APP/style.css").css"
# The boot script names both bundles: rewritten first, then hashed with those names in it.
sed -e "s|/${CRATE}_bg\.wasm|/$FIRST_WASM|g" -e "s|/${CRATE}\.js|/$FIRST_JS|g" \
  -e "s|/${FULL}_bg\.wasm|/$FULL_WASM|g" -e "s|/${FULL}\.js|/$FULL_JS|g" "$APP/boot.js" > "$STAGE/boot.js"
BOOT_NAME="boot-$(hash_of "$STAGE/boot.js").js"
cp "$STAGE/boot.js" "$STAGE/dist/$BOOT_NAME"
cp "$APP/style.css" "$STAGE/dist/$CSS_NAME"
sed -e "s|/style\.css|/$CSS_NAME|g" -e "s|/boot\.js|/$BOOT_NAME|g" "$APP/index.html" > "$STAGE/dist/index.html"
for name in "$CSS_NAME" "$BOOT_NAME"; do
  if ! grep -q "$name" "$STAGE/dist/index.html"; then
    log "index.html does not reference /style.css and /boot.js"
    exit 1
  fi
done
for name in "$FIRST_WASM" "$FIRST_JS" "$FULL_WASM" "$FULL_JS"; do
  if ! grep -q "$name" "$STAGE/dist/$BOOT_NAME"; then
    log "boot.js does not reference /${CRATE}.js, /${CRATE}_bg.wasm, /${FULL}.js and /${FULL}_bg.wasm"
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
# What a bundle downloads: its wasm, its glue and its snippets.
bundle_total() {
  local label=$1 wasm=$2 js=$3 snip=$4
  local raw=$(( $(size "$DIST/$wasm") + $(size "$DIST/$js") ))
  local gz=$(( $(size "$DIST/$wasm.gz") + $(size "$DIST/$js.gz") ))
  if [[ -n "$snip" ]]; then
    raw=$(( raw + $(find "$DIST/$snip" -type f ! -name '*.gz' -printf '%s\n' | awk '{s+=$1} END {print s+0}') ))
    gz=$(( gz + $(find "$DIST/$snip" -type f -name '*.gz' -printf '%s\n' | awk '{s+=$1} END {print s+0}') ))
  fi
  printf '  %-40s %9s bytes raw  %9s bytes gzip\n' "$label" "$raw" "$gz"
}
log "dist: $DIST"
report "$FIRST_WASM"
report "$FIRST_JS"
report "$FULL_WASM"
report "$FULL_JS"
report index.html
report "$BOOT_NAME"
report "$CSS_NAME"
bundle_total "wasm + js (first load)" "$FIRST_WASM" "$FIRST_JS" "$FIRST_SNIP"
bundle_total "wasm + js (full app)" "$FULL_WASM" "$FULL_JS" "$FULL_SNIP"
log "done in $(( $(date +%s) - started )) s (cargo $cargo_secs s)"
