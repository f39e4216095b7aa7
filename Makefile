# identity-pool-provider. `make` (or `make help`) lists the targets; `make run` plays a
# custom resource's whole life on local stand-ins and `make test` runs every test.
# Each target installs what it needs into the project (.venv, .venv-lint,
# examples/cdk/node_modules, fuzz/.tools), never onto the machine; `make clean` removes them.
# One exception: `make build`'s cargo-lambda adds Rust's aarch64-unknown-linux-gnu
# target to the rustup toolchain when it is missing (`rustup target remove` undoes it).
# A target's `##` comment is its line in `make help`.

SHELL := /bin/bash
VENV := .venv
PYTHON := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell sha1sum local/requirements.txt | cut -c1-12)
LINT_VENV := .venv-lint
LINT_STAMP := $(LINT_VENV)/.installed-$(shell sha1sum local/requirements-lint.txt | cut -c1-12)
BINARY := target/debug/identity-pool-provider
CDK_DIR := examples/cdk
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)

.DEFAULT_GOAL := help
.PHONY: help run test lint unit local-tests e2e cdk-test binary build venv local-endpoint watch invoke bench fuzz clean

help: ## List the targets (what a bare `make` does)
	@echo "Usage: make <target>   (README.md: quick start, the cargo-lambda workflow, troubleshooting)"
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/^([a-z0-9-]+):.*## (.*)/  \1\t\2/' | expand -t 18

# --- start here ------------------------------------------------------------------

run: venv binary ## Create → Update → replacement → Delete, then an adoption, against local stand-ins, step by step
	$(PYTHON) local/run_lifecycle.py --binary $(BINARY)

test: lint unit local-tests e2e cdk-test ## lint, unit, local-tests, e2e, cdk-test, in that order

# --- the parts of `make test` ---------------------------------------------------------

# cfn-lint comes from .venv; checkov from its own .venv-lint (its pins conflict with moto's).
lint: venv $(LINT_STAMP) ## rustfmt, clippy -D warnings, cfn-lint and checkov on template.yaml
	cargo fmt --check
	cargo clippy --locked --all-targets -- -D warnings
	$(VENV)/bin/cfn-lint template.yaml
	BC_SKIP_MAPPING=TRUE $(LINT_VENV)/bin/checkov -f template.yaml --framework cloudformation --skip-download --compact --quiet

unit: venv ## cargo test (unit, SDK-seam, property tests); tests/model's extracts equal botocore and cfn-lint
	cargo test --locked
	$(PYTHON) -m pytest -q tests/model

local-tests: venv ## The local stand-ins' own tests (endpoint, receiver, Runtime API, TLS) and the Makefile and README checks (tests/local)
	$(PYTHON) -m pytest -q tests/local

e2e: venv binary ## End-to-end tests of the built binary (tests/e2e), the cargo-lambda workflow included
	$(PYTHON) -m pytest -q tests/e2e

# npm ci when the lockfile is newer than the install; npm writes node_modules/.package-lock.json
# on every install, so the example's own `npm ci` counts too.
CDK_INSTALLED := $(CDK_DIR)/node_modules/.package-lock.json
$(CDK_INSTALLED): $(CDK_DIR)/package-lock.json
	@echo "Installing the CDK example's npm packages into $(CDK_DIR)/node_modules…"
	cd $(CDK_DIR) && npm ci --no-audit --no-fund
	touch $@

cdk-test: venv $(CDK_INSTALLED) ## The CDK example: type-check, offline synth, assertions, cfn-lint
	cd $(CDK_DIR) && npm test

# tests/e2e/test_cdk_framework.py runs aws-cdk-lib's Provider framework code from these node_modules.
e2e: $(CDK_INSTALLED)

# --- builds ---------------------------------------------------------------------------

binary: ## The debug bootstrap binary that `make run` and the e2e tests execute
	cargo build --locked --bin identity-pool-provider

# cargo-lambda brings zig from PyPI, so no Docker or cross toolchain is needed.
build: venv ## The arm64 Lambda zip: target/lambda/identity-pool-provider/bootstrap.zip
	cargo lambda build --release --arm64 --output-format zip

venv: $(STAMP) ## The Python tools in .venv: moto, cargo-lambda, cfn-lint, pytest (local/requirements.txt)
$(STAMP): local/requirements.txt
	@echo "Installing Python tools (moto, cargo-lambda with zig, cfn-lint, pytest) into $(VENV) (about 30 s)…"
	python3 -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --upgrade pip
	$(PYTHON) -m pip install --quiet -r local/requirements.txt
	rm -f $(VENV)/.installed-* && touch $@

$(LINT_STAMP): local/requirements-lint.txt
	@echo "Installing checkov into $(LINT_VENV) (about 20 s)…"
	python3 -m venv $(LINT_VENV)
	$(LINT_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(LINT_VENV)/bin/python -m pip install --quiet -r local/requirements-lint.txt
	rm -f $(LINT_VENV)/.installed-* && touch $@

# --- the cargo-lambda workflow, one command per terminal (README: "Run it locally with cargo-lambda")
# Everything on 127.0.0.1; the ports can be moved (the same values for all three targets).
ENDPOINT_PORT ?= 5000
RECEIVER_PORT ?= 9100
WATCH_PORT ?= 9000
ENDPOINT_URL := http://127.0.0.1:$(ENDPOINT_PORT)

local-endpoint: venv ## Terminal 1: the local Cognito endpoint on :5000 and the response receiver on :9100
	trap 'kill 0' EXIT; $(PYTHON) local/cognito_endpoint.py --port $(ENDPOINT_PORT) & $(PYTHON) local/receiver.py --port $(RECEIVER_PORT)

# Cargo.toml's [package.metadata.lambda.env] adds the region and dummy credentials.
watch: venv ## Terminal 2: cargo lambda watch, serving the function on :9000 against that endpoint
	cargo lambda watch --invoke-address 127.0.0.1 --invoke-port $(WATCH_PORT) \
	  --env-var AWS_ENDPOINT_URL=$(ENDPOINT_URL)

# The pool id the last Create (or replacement) answered is kept in POOL_ID_FILE.
EVENT ?= events/create.json
POOL_ID_FILE ?= .local/pool-id
invoke: venv ## Terminal 3: send EVENT (default events/create.json); Update/Delete use the remembered pool id, or POOL_ID=…
	@$(PYTHON) local/invoke.py $(EVENT) $(if $(POOL_ID),--pool-id $(POOL_ID)) --state $(POOL_ID_FILE) \
	  --watch http://127.0.0.1:$(WATCH_PORT) --endpoint $(ENDPOINT_URL) --receiver http://127.0.0.1:$(RECEIVER_PORT)

# --- not part of `make test` ----------------------------------------------------------------

# Against a crhelper + boto3 provider in the same run (run `make build` first for the arm64 sizes).
BENCH_STAMP := $(VENV)/.bench-$(shell sha1sum bench/requirements.txt | cut -c1-12)
$(BENCH_STAMP): $(STAMP) bench/requirements.txt
	$(PYTHON) -m pip install --quiet -r bench/requirements.txt
	rm -f $(VENV)/.bench-* && touch $@
bench: venv $(BENCH_STAMP) ## Cold start, latency, CPU, memory, size, API calls, scale (account size, a burst) vs crhelper; writes BENCHMARKS.md and bench/charts
	CARGO_TARGET_DIR=target/bench cargo build --release --locked --bin identity-pool-provider
	$(PYTHON) bench/run_bench.py --binary target/bench/release/identity-pool-provider --size $(BENCH_ARGS)

FUZZ_SECONDS ?= 60
fuzz: ## Fuzz request parsing, FUZZ_SECONDS (60) per target; cargo-fuzz goes into fuzz/.tools
	fuzz/run.sh $(FUZZ_SECONDS)

clean: ## Remove every build and install: target, .venv, .venv-lint, node_modules, fuzz/.tools, .local
	cargo clean
	rm -rf $(VENV) $(LINT_VENV) $(CDK_DIR)/node_modules $(CDK_DIR)/cdk.out fuzz/.tools fuzz/target .local
