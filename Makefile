# identity-pool-provider: `make run` (the lifecycle on local stand-ins) and `make test` (every test).
# Each target installs what it needs: the Python tools go into .venv, never onto the machine.

SHELL := /bin/bash
VENV := .venv
PYTHON := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell sha1sum local/requirements.txt | cut -c1-12)
LINT_VENV := .venv-lint
LINT_STAMP := $(LINT_VENV)/.installed-$(shell sha1sum local/requirements-lint.txt | cut -c1-12)
BINARY := target/debug/identity-pool-provider
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)

.PHONY: run test lint build venv binary unit e2e cdk-test fuzz bench local-endpoint watch invoke clean

## The Python virtualenv with moto, cargo-lambda, cfn-lint and pytest (pinned in local/requirements.txt).
venv: $(STAMP)
$(STAMP): local/requirements.txt
	python3 -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --upgrade pip
	$(PYTHON) -m pip install --quiet -r local/requirements.txt
	rm -f $(VENV)/.installed-* && touch $@

## checkov, apart: its pins conflict with moto's.
$(LINT_STAMP): local/requirements-lint.txt
	python3 -m venv $(LINT_VENV)
	$(LINT_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(LINT_VENV)/bin/python -m pip install --quiet -r local/requirements-lint.txt
	rm -f $(LINT_VENV)/.installed-* && touch $@

## The bootstrap binary the local runs and end-to-end tests execute.
binary:
	cargo build --locked --bin identity-pool-provider

## Create → Update in place → Update with replacement → Delete old → Delete, against local stand-ins.
run: venv binary
	$(PYTHON) local/run_lifecycle.py --binary $(BINARY)

## The cargo-lambda workflow, one command per terminal (see the README):
##   make local-endpoint   the local Cognito endpoint on :5000 and a receiver on :9100 (the events' ResponseURL)
##   make watch            cargo lambda watch, pointed at that endpoint by Cargo.toml's [package.metadata.lambda.env]
##   make invoke EVENT=events/create.json
EVENT ?= events/create.json
local-endpoint: venv
	trap 'kill 0' EXIT; $(PYTHON) local/cognito_endpoint.py --port 5000 & $(PYTHON) local/receiver.py --port 9100

watch: venv
	cargo lambda watch

invoke: venv
	cargo lambda invoke identity-pool-provider --data-file $(EVENT)

## Lint, unit, SDK-seam and property tests, then the end-to-end tests of the built binary.
test: lint unit e2e cdk-test

unit:
	cargo test --locked

e2e: venv binary
	$(PYTHON) -m pytest -q tests/local tests/e2e

## rustfmt, clippy, and the template checked by cfn-lint and checkov (offline).
## The CDK example: npm ci when the lockfile changes, then type-check, offline synth, assertions, cfn-lint.
CDK_DIR := examples/cdk
CDK_STAMP := $(CDK_DIR)/node_modules/.installed-$(shell sha1sum $(CDK_DIR)/package-lock.json | cut -c1-12)
$(CDK_STAMP): $(CDK_DIR)/package-lock.json
	cd $(CDK_DIR) && npm ci --no-audit --no-fund
	touch $@
# tests/e2e/test_cdk_framework.py runs the framework's own code from these node_modules.
e2e: $(CDK_STAMP)
cdk-test: venv $(CDK_STAMP)
	cd $(CDK_DIR) && npm test

lint: venv $(LINT_STAMP)
	cargo fmt --check
	cargo clippy --locked --all-targets -- -D warnings
	$(VENV)/bin/cfn-lint template.yaml
	BC_SKIP_MAPPING=TRUE $(LINT_VENV)/bin/checkov -f template.yaml --framework cloudformation --skip-download --compact --quiet

## The arm64 Lambda zip (cargo-lambda brings zig from PyPI; about 8 minutes cold).
build: venv
	cargo lambda build --release --arm64 --output-format zip

## Cold start, latency, CPU, memory, size and API calls against a crhelper + boto3
## provider, in the same run; writes BENCHMARKS.md. Not part of `make test`
## (run `make build` first for the arm64 sizes).
BENCH_STAMP := $(VENV)/.bench-$(shell sha1sum bench/requirements.txt | cut -c1-12)
$(BENCH_STAMP): $(STAMP) bench/requirements.txt
	$(PYTHON) -m pip install --quiet -r bench/requirements.txt
	rm -f $(VENV)/.bench-* && touch $@
bench: venv $(BENCH_STAMP)
	CARGO_TARGET_DIR=target/bench cargo build --release --locked --bin identity-pool-provider
	$(PYTHON) bench/run_bench.py --binary target/bench/release/identity-pool-provider --size $(BENCH_ARGS)

## Fuzz request parsing for FUZZ_SECONDS per target (cargo-fuzz, installed into fuzz/.tools). Not part of `make test`.
FUZZ_SECONDS ?= 60
fuzz:
	fuzz/run.sh $(FUZZ_SECONDS)

clean:
	cargo clean
	rm -rf $(VENV)
