#!/usr/bin/env bash
# Installs the Lambda runtime API emulator the Lambda tests run the functions under
# (`cargo lambda watch`, crate cargo-lambda, pinned), when missing; safe to run again. It lands
# under ${CO2_TOOLS_DIR:-$HOME/.cache/co2calc}, outside the clone, so CI and later runs reuse it.
# Prints the binary's path.
set -euo pipefail

VERSION="1.9.2"
TOOLS_DIR="${CO2_TOOLS_DIR:-$HOME/.cache/co2calc}"
ROOT="$TOOLS_DIR/cargo-lambda-$VERSION"
BIN="$ROOT/bin/cargo-lambda"

if [[ ! -x "$BIN" ]]; then
  echo "[ensure-cargo-lambda] installing cargo-lambda $VERSION (a few minutes, once)" >&2
  # Its own target directory: the workspace's build cache is not shared with a tool's.
  CARGO_TARGET_DIR="$TOOLS_DIR/cargo-lambda-target" \
    cargo install cargo-lambda --version "$VERSION" --locked --root "$ROOT" >&2
  rm -rf "$TOOLS_DIR/cargo-lambda-target"
fi
echo "$BIN"
