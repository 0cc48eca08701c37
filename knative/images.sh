#!/usr/bin/env bash
# Builds one OCI image per function from binaries built on this machine, with no registry pull:
# `buildah from scratch`, then the binary, exactly the shared libraries it loads (as `ldd`
# lists them, with the dynamic loader), the CA certificates, a world-writable /tmp (exports
# spill their workbooks there) and, for web, the SPA; for migrate, the shipped data. The image
# runs as 65532:65532 with the environment of knative/image.env; Knative sets PORT.
#
#   knative/images.sh [--bin-dir DIR] [--tag TAG] [--repository PREFIX] [--max-mib N] [FUNCTION...]
#
#   --bin-dir     where the binaries are (default: $CARGO_TARGET_DIR/release)
#   --tag         image tag (default: dev)
#   --repository  image name prefix (default: localhost/co2-calculator); the overlays name the
#                 registry's, so push with `podman push localhost/co2-calculator/F:TAG REGISTRY/F:TAG`
#   --max-mib     fail when an image is larger than this many MiB (make images: 15)
#   FUNCTION      crate names (default: every Service of knative/base/functions, and migrate)
#
# Prints one line per image: name, size in bytes (as the image store counts it, uncompressed).
# web needs the SPA in frontend-dioxus/dist (make spa). Needs buildah and podman (Debian's).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/co2calc/target}/release"
TAG=dev
REPOSITORY=localhost/co2-calculator
MAX_MIB=""
FUNCTIONS=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --bin-dir) BIN_DIR="$2"; shift 2 ;;
    --tag) TAG="$2"; shift 2 ;;
    --repository) REPOSITORY="$2"; shift 2 ;;
    --max-mib) MAX_MIB="$2"; shift 2 ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    -*) echo "images.sh: unknown option $1" >&2; exit 2 ;;
    *) FUNCTIONS+=("$1"); shift ;;
  esac
done
if [[ ${#FUNCTIONS[@]} -eq 0 ]]; then
  for manifest in "$ROOT"/knative/base/functions/*.yaml; do FUNCTIONS+=("$(basename "$manifest" .yaml)"); done
  FUNCTIONS+=(migrate)
fi

log() { printf '[images] %s\n' "$*" >&2; }

# The image's environment, as buildah arguments.
ENV_ARGS=()
while IFS= read -r line; do
  [[ -z "$line" || "$line" == \#* ]] && continue
  ENV_ARGS+=(--env "$line")
done < "$ROOT/knative/image.env"

STAGING="$(mktemp -d)"
trap 'rm -rf "$STAGING"' EXIT

# Copies `file` into the root file system under `dest` (default: its own path), following links.
put() {
  local file="$1" dest="${2:-$1}"
  install -D -m "$(stat -L -c '%a' "$file")" "$(readlink -f "$file")" "$ROOTFS$dest"
}

for function in "${FUNCTIONS[@]}"; do
  binary="$BIN_DIR/$function"
  [[ -x "$binary" ]] || { echo "images.sh: no binary $binary (cargo build --release -p $function)" >&2; exit 1; }
  ROOTFS="$STAGING/$function"
  rm -rf "$ROOTFS"; mkdir -p "$ROOTFS/tmp" "$ROOTFS/srv/web" "$ROOTFS/srv/data"
  chmod 1777 "$ROOTFS/tmp"
  put "$binary" /usr/local/bin/app
  # The loader and every library the binary loads, at the paths the loader looks them up by.
  while read -r lib; do
    put "$lib"
  done < <(ldd "$binary" | grep -o '/[^ ]*' | sort -u)
  put /etc/ssl/certs/ca-certificates.crt
  printf 'nonroot:x:65532:65532:nonroot:/tmp:/sbin/nologin\n' > "$ROOTFS/etc/passwd"
  printf 'nonroot:x:65532:\n' > "$ROOTFS/etc/group"
  case "$function" in
    web)
      [[ -f "$ROOT/frontend-dioxus/dist/index.html" ]] \
        || { echo "images.sh: frontend-dioxus/dist is missing: make spa first" >&2; exit 1; }
      cp -a "$ROOT/frontend-dioxus/dist/." "$ROOTFS/srv/web/" ;;
    migrate)
      cp -a "$ROOT/data/." "$ROOTFS/srv/data/" ;;
  esac

  name="$REPOSITORY/$function:$TAG"
  container="$(buildah from scratch)"
  buildah copy --quiet "$container" "$ROOTFS/." / >/dev/null
  buildah config \
    --entrypoint '["/usr/local/bin/app"]' --cmd '' \
    --user 65532:65532 --workingdir /tmp --port 8080 \
    "${ENV_ARGS[@]}" \
    --label org.opencontainers.image.title="$function" \
    --label org.opencontainers.image.source="co2-calculator" \
    --label org.opencontainers.image.licenses="AGPL-3.0-only" \
    "$container"
  previous="$(podman image inspect --format '{{.Id}}' "$name" 2>/dev/null || true)"
  buildah commit --quiet --rm "$container" "$name" >/dev/null
  # The image this one replaces under the same name is left without one: removed.
  if [[ -n "$previous" && "$previous" != "$(podman image inspect --format '{{.Id}}' "$name")" ]]; then
    podman rmi "$previous" >/dev/null 2>&1 || true
  fi
  size="$(podman image inspect --format '{{.Size}}' "$name")"
  printf '%s\t%s\n' "$name" "$size"
  if [[ -n "$MAX_MIB" ]] && (( size > MAX_MIB * 1048576 )); then
    echo "images.sh: $name is $size bytes, above $MAX_MIB MiB" >&2
    exit 1
  fi
done
