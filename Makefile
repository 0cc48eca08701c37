# CO₂ Calculator — two commands: `make run` starts the whole product, `make test` runs every test.
# Everything it needs is installed when missing and started on 127.0.0.1 only.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

export CARGO_TARGET_DIR ?= $(HOME)/.cache/co2calc/target
export CO2_TOOLS_DIR ?= $(HOME)/.cache/co2calc
export CARGO_TERM_COLOR ?= never
BIN := $(CARGO_TARGET_DIR)/debug
RELEASE := $(CARGO_TARGET_DIR)/release
LOCAL := $(CURDIR)/.local
PORT ?= 8080
HOST ?= 127.0.0.1
E2E_PORT ?= 18080
OIDC_PORT ?= 18078
CLUSTER_EDGE_PORT ?= 18090
CLUSTER_OIDC_PORT ?= 18079
MOTO_PORT ?= 5077
SMTP_PORT ?= 18025
# The local PostgreSQL; the tests' replica and PgBouncers take the ports 10, 12 and 13 above it.
# All of them below the kernel's ephemeral range (32768-60999), where an outgoing connection's
# port could take one of them between two starts.
PG_PORT ?= 25432
export CO2_PG_PORT ?= $(PG_PORT)
TEST_OUTPUT ?= $(CURDIR)/test-output

.PHONY: help run test bench load lint build spa tools migrate openapi clean-local knative-validate test-rust test-browser test-spa-unit wasm-check cluster-tools images test-browser-cluster fuzz

help:
	@echo "make run          start the whole product on http://$(HOST):$(PORT) (demo lab 9001, year 2025)"
	@echo "make test         every test: lint, unit, SQL, functions, S3/SQS + embedded pipelines, manifests, browser"
	@echo "make bench        cold start / RSS of every function (release) and upload-to-totals timing"
	@echo "make images       one OCI image per function (buildah, no registry), each at most 15 MiB"
	@echo "make fuzz         the property tests of the parsers and decoders with FUZZ_CASES cases each (default 100000)"
	@echo "make clean-local  stop the local database and delete .local/"

## tools: the toolchain pieces and packages the targets rely on (idempotent).
tools:
	@command -v cargo >/dev/null || { echo "cargo (rustup) is required"; exit 1; }
	@missing=""; for p in openssl:openssl curl:curl psql:postgresql-client python3:python3 node:nodejs npm:npm; do \
	  command -v $${p%%:*} >/dev/null || missing="$$missing $${p##*:}"; done; \
	python3 -c 'import venv, ensurepip' 2>/dev/null || missing="$$missing python3-venv"; \
	if [ -n "$$missing" ]; then echo "installing:$$missing"; export DEBIAN_FRONTEND=noninteractive; \
	  apt-get update -qq >/dev/null; apt-get install -y -qq $$missing >/dev/null; fi

build: tools
	cargo build --workspace --bins

spa: tools
	bash scripts/ensure-spa-tools.sh >/dev/null
	bash scripts/build-spa.sh

migrate: build
	eval "$$(scripts/dev-env.sh $(LOCAL) co2calc)"; $(BIN)/migrate --seed-demo

## openapi: writes the merged OpenAPI document that api-docs serves (a test checks it is current).
openapi: tools
	cargo run -q -p co2-openapi --bin openapi-document

## run: build, migrate and seed, then serve every function in one process.
run: build spa
	@eval "$$(scripts/dev-env.sh $(LOCAL) co2calc)"; \
	$(BIN)/migrate --seed-demo; \
	scripts/demo-drop.sh $(LOCAL)/storage; \
	exec $(BIN)/devstack

lint: tools
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets -- -D warnings
	cd frontend-dioxus && cargo fmt -- --check
	CARGO_TARGET_DIR=$(CO2_TOOLS_DIR)/spa-target cargo clippy --manifest-path frontend-dioxus/Cargo.toml --all-targets -- -D warnings
	CARGO_TARGET_DIR=$(CO2_TOOLS_DIR)/spa-target cargo clippy --manifest-path frontend-dioxus/Cargo.toml --all-targets --features full -- -D warnings

wasm-check: tools
	rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
	cargo build -p co2-domain -p co2-api-types --target wasm32-unknown-unknown

## test-spa-unit: the SPA's own logic (routes, permissions, formatting, form rules) natively.
test-spa-unit: tools
	CARGO_TARGET_DIR=$(CO2_TOOLS_DIR)/spa-target cargo test --manifest-path frontend-dioxus/Cargo.toml --features full

knative-validate: tools
	bash scripts/validate-knative.sh

## test-rust: unit, SQL (#[sqlx::test]), function and end-to-end tests against a real PostgreSQL
## (with a streaming replica and PgBouncer, as in a cluster), a real S3+SQS server (moto) with
## bucket notifications and a real SMTP server (aiosmtpd) for the campaign's e-mails; then the
## pipeline suites once more with every function's pools through
## PgBouncer in transaction pooling, reads on the replica.
PIPELINE_SUITES := embedded:: recalculation:: exports:: permissions:: year_upload:: all_modules:: concurrency:: access::
test-rust: tools cluster-tools
	@eval "$$(scripts/dev-env.sh $(LOCAL)/test co2calc_test)"; \
	scripts/moto.sh start $(MOTO_PORT) $(LOCAL)/moto.pid; \
	rm -rf $(LOCAL)/smtp-mail; scripts/smtp.sh start $(SMTP_PORT) $(LOCAL)/smtp-mail $(LOCAL)/smtp.pid; \
	trap 'scripts/moto.sh stop $(LOCAL)/moto.pid; scripts/smtp.sh stop $(LOCAL)/smtp.pid; scripts/db-tier.sh stop $(LOCAL)/db-tier' EXIT; \
	eval "$$(scripts/db-tier.sh start $(LOCAL)/db-tier $${CO2_PG_PORT:-$(PG_PORT)})"; \
	export CO2_TEST_SMTP_URL=smtp://127.0.0.1:$(SMTP_PORT) CO2_TEST_MAILDIR=$(LOCAL)/smtp-mail; \
	export MOTO_ENDPOINT=http://127.0.0.1:$(MOTO_PORT) AWS_ENDPOINT_URL=http://127.0.0.1:$(MOTO_PORT) \
	  AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1; \
	cargo build --workspace --bins; export CO2_BIN_DIR=$(BIN); \
	export CO2_CARGO_LAMBDA="$$(scripts/ensure-cargo-lambda.sh)"; \
	cargo test --workspace --no-fail-fast 2>&1 | tee $(LOCAL)/test-rust.log; \
	test $${PIPESTATUS[0]} -eq 0; \
	echo "test-rust: the pipeline suites through PgBouncer (transaction pooling) and the replica"; \
	CO2_TEST_TOPOLOGY=pgbouncer cargo test -p co2-e2e --test e2e --no-fail-fast -- $(PIPELINE_SUITES) 2>&1 \
	  | tee $(LOCAL)/test-rust-db-tier.log; \
	test $${PIPESTATUS[0]} -eq 0

## cluster-tools: the cluster's parts that run here (Debian's packages): Prometheus, nginx for the
## edge, buildah and podman (with runc) for the images; and the Lambda runtime API emulator.
cluster-tools:
	@missing=""; for p in prometheus:prometheus buildah:buildah podman:podman runc:runc; do \
	  command -v $${p%%:*} >/dev/null || [ -x /usr/sbin/$${p%%:*} ] || missing="$$missing $${p##*:}"; done; \
	[ -x /usr/sbin/nginx ] || command -v nginx >/dev/null || missing="$$missing nginx"; \
	if [ -n "$$missing" ]; then echo "installing:$$missing (apt)"; export DEBIAN_FRONTEND=noninteractive; \
	  apt-get update -qq >/dev/null; apt-get install -y -qq $$missing >/dev/null; \
	  service nginx stop >/dev/null 2>&1 || pkill -f '^nginx: master process /usr/sbin/nginx' || true; fi
	@scripts/ensure-cargo-lambda.sh >/dev/null

## images: one OCI image per function from the release binaries (knative/images.sh: buildah from
## scratch, no registry pull), each at most 15 MiB.
images: tools spa cluster-tools
	cargo build --release --workspace --bins
	bash knative/images.sh --bin-dir $(RELEASE) --max-mib 15

## test-browser: headless Chromium against the embedded server with a fresh database.
test-browser: build spa
	@command -v chromium >/dev/null || { export DEBIAN_FRONTEND=noninteractive; apt-get update -qq >/dev/null; apt-get install -y -qq chromium >/dev/null; }
	@cd tests/browser && { [ -d node_modules ] || npm ci --silent --no-audit --no-fund; }
	@rm -rf $(LOCAL)/e2e; mkdir -p $(LOCAL)/e2e $(TEST_OUTPUT); \
	psql -h 127.0.0.1 -p $${CO2_PG_PORT:-$(PG_PORT)} -U postgres -qc 'drop database if exists co2calc_e2e' 2>/dev/null || true; \
	eval "$$(PORT=$(E2E_PORT) scripts/dev-env.sh $(LOCAL)/e2e co2calc_e2e)"; \
	$(BIN)/migrate --seed-demo; \
	OIDC_PORT=$(OIDC_PORT) OIDC_REDIRECT_URI=http://127.0.0.1:$(E2E_PORT)/api/v1/auth/oidc/callback \
	  node tests/browser/oidc-provider.mjs > $(LOCAL)/e2e/oidc-provider.log 2>&1 & idp=$$!; \
	OIDC_ISSUER=http://127.0.0.1:$(OIDC_PORT) OIDC_CLIENT_ID=co2-calculator OIDC_CLIENT_SECRET=test-secret \
	  OIDC_SCOPES="openid profile email roles" OIDC_PROVIDER_NAME="the test identity provider" \
	  $(BIN)/devstack > $(LOCAL)/e2e/devstack.log 2>&1 & pid=$$!; \
	trap 'kill $$pid $$idp 2>/dev/null || true' EXIT; \
	for _ in $$(seq 1 100); do curl -sf http://127.0.0.1:$(E2E_PORT)/healthz >/dev/null && break; sleep 0.1; done; \
	for _ in $$(seq 1 100); do curl -sf http://127.0.0.1:$(OIDC_PORT)/.well-known/openid-configuration >/dev/null && break; sleep 0.1; done; \
	CO2_BASE_URL=http://127.0.0.1:$(E2E_PORT) DEMO_EQUIPMENT_CSV=$(CURDIR)/data/demo/equipments.csv \
	  TEST_OUTPUT=$(TEST_OUTPUT) node --test --test-concurrency=1 tests/browser/smoke.test.mjs tests/browser/spa.test.mjs \
	  || { echo "test-browser: the server's last lines"; tail -60 $(LOCAL)/e2e/devstack.log; exit 1; }
	@$(MAKE) --no-print-directory test-browser-cluster

## test-browser-cluster: a journey of each persona through the cluster's shape (tests/src/bin/topology.rs):
## every function its own process behind the nginx edge, S3/SQS on moto, PgBouncer and the
## replica, sign-in through the test identity provider.
test-browser-cluster: build spa cluster-tools
	@command -v chromium >/dev/null || { export DEBIAN_FRONTEND=noninteractive; apt-get update -qq >/dev/null; apt-get install -y -qq chromium >/dev/null; }
	@cd tests/browser && { [ -d node_modules ] || npm ci --silent --no-audit --no-fund; }
	@rm -rf $(LOCAL)/cluster; mkdir -p $(LOCAL)/cluster $(TEST_OUTPUT); \
	eval "$$(scripts/dev-env.sh $(LOCAL)/test co2calc_test)"; \
	scripts/moto.sh start $(MOTO_PORT) $(LOCAL)/moto.pid; \
	eval "$$(scripts/db-tier.sh start $(LOCAL)/db-tier $${CO2_PG_PORT:-$(PG_PORT)})"; \
	export MOTO_ENDPOINT=http://127.0.0.1:$(MOTO_PORT) AWS_ENDPOINT_URL=http://127.0.0.1:$(MOTO_PORT) \
	  AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1 CO2_BIN_DIR=$(BIN); \
	OIDC_PORT=$(CLUSTER_OIDC_PORT) OIDC_REDIRECT_URI=http://127.0.0.1:$(CLUSTER_EDGE_PORT)/api/v1/auth/oidc/callback \
	  node tests/browser/oidc-provider.mjs > $(LOCAL)/cluster/oidc-provider.log 2>&1 & idp=$$!; \
	OIDC_ISSUER=http://127.0.0.1:$(CLUSTER_OIDC_PORT) OIDC_CLIENT_ID=co2-calculator OIDC_CLIENT_SECRET=test-secret \
	  OIDC_SCOPES="openid profile email roles" OIDC_USER_CLAIM=sub OIDC_PROVIDER_NAME="the test identity provider" \
	  $(BIN)/topology --edge-port $(CLUSTER_EDGE_PORT) > $(LOCAL)/cluster/topology.log 2>&1 & topo=$$!; \
	trap 'kill $$topo $$idp 2>/dev/null || true; wait $$topo 2>/dev/null || true; scripts/moto.sh stop $(LOCAL)/moto.pid; scripts/db-tier.sh stop $(LOCAL)/db-tier' EXIT; \
	for _ in $$(seq 1 300); do grep -q 'the edge at' $(LOCAL)/cluster/topology.log && break; \
	  kill -0 $$topo 2>/dev/null || { cat $(LOCAL)/cluster/topology.log; exit 1; }; sleep 0.2; done; \
	for _ in $$(seq 1 100); do curl -sf http://127.0.0.1:$(CLUSTER_OIDC_PORT)/.well-known/openid-configuration >/dev/null && break; sleep 0.1; done; \
	CO2_BASE_URL=http://127.0.0.1:$(CLUSTER_EDGE_PORT) DEMO_EQUIPMENT_CSV=$(CURDIR)/data/demo/equipments.csv \
	  TEST_OUTPUT=$(TEST_OUTPUT) node --test --test-concurrency=1 tests/browser/topology.test.mjs \
	  || { kill $$topo; wait $$topo; tail -80 $(LOCAL)/cluster/topology.log; exit 1; }

test: lint wasm-check test-rust test-spa-unit knative-validate test-browser
	@echo "make test: all suites passed"

bench: tools spa
	cargo build --release --workspace --bins
	@eval "$$(scripts/dev-env.sh $(LOCAL)/bench co2calc_bench)"; python3 scripts/bench.py --bin-dir $(RELEASE)

## load: 60 s of open-loop mixed load at 200 requests/s through PgBouncer and the replica (also in bench).
load: tools
	cargo build --release --workspace --bins
	@eval "$$(scripts/dev-env.sh $(LOCAL)/bench co2calc_bench)"; python3 scripts/bench.py --bin-dir $(RELEASE) --only-load

## fuzz: the property tests of the file readers, sniffers, event decoders, drop-folder keys and
## entry readers (`tests/properties.rs` of step-ingest, co2-platform, co2-domain, co2-db) with many
## more generated cases than `make test` runs (256 each), built optimised with the debug checks
## kept (profile `fuzz`). No database or service needed.
FUZZ_CASES ?= 100000
fuzz: tools
	PROPTEST_CASES=$(FUZZ_CASES) cargo test --profile fuzz -p step-ingest -p co2-platform -p co2-domain -p co2-db \
	  --test properties -- --test-threads=2

clean-local:
	scripts/pg.sh stop $(LOCAL)/pg
	scripts/moto.sh stop $(LOCAL)/moto.pid
	rm -rf $(LOCAL)
