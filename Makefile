# The two commands a newcomer needs: `make demo` and `make test`.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
export PATH := $(HOME)/.cargo/bin:$(PATH)
export CHROMEDRIVER ?= /usr/bin/chromedriver
export WASM_BINDGEN_TEST_WEBDRIVER_JSON ?= $(CURDIR)/webdriver.json
export WASM_BINDGEN_TEST_TIMEOUT ?= 120

PKG := www/pkg
# The gzip budget of everything the browser loads for the widget (bytes): 113,463, the 111,696
# below plus 1,767 for the loader and element.js choosing between the full and the badge-only
# build (docs/size.md, "The badge-only build"). The 111,696 was measured on
# 2026-12-03 with the element as a pure model (widget::model, +3,064 B), the pure courier and
# loaders (−231 B), the shadow DOM as data (view::tree, +933 B) and the last rules moved out of
# src/web (+63 + 15 B), less 120 B when too deep a value stopped being an error and 137 B for
# one parse per status check (docs/size.md). It rose from 64,000 by what the truthful-display,
# keeping-the-promise and every-browser issues measured their features at, then by 28,938 bytes
# for the one wire module on serde-wasm-bindgen (77,355 measured before it, 106,293 after; of
# that, serde-wasm-bindgen's own reader is 13.1 KB), and by about 1.9 KB for the widget's
# decisions moved into src/widget (issue 20 allowed 1 KB: see docs/size.md). Lower it as size
# work lands (the badge build, the performance issue), and raise it only by a measured cost
# written down in docs/size.md.
SIZE_BUDGET ?= 113463
# The badge-only build's gzip budget (the loader, its glue, element.js and its wasm): what a
# collection page loads. The issue's goal is 25,000 B; this is the measured figure until the
# work that reaches it lands (docs/size.md, "The badge-only build"). Lower it as that work lands.
BADGE_BUDGET ?= 81166

.PHONY: demo test tools build check fmt clippy fuzz-check reproducible build-plain test-native test-browser test-e2e size size-report bench clean test-npm

# The demo's mailbox: MailDev catches every email the endpoint sends; read them at
# http://127.0.0.1:1080. It stops with the server.
DEMO_SMTP_PORT ?= 1025
DEMO_MAIL_PORT ?= 1080

demo: build ## Builds the widget and serves the demo storefront with the reference endpoint.
	cargo build --release --features server --bin backorder-server
	target/tools/node_modules/.bin/maildev --smtp $(DEMO_SMTP_PORT) --web $(DEMO_MAIL_PORT) \
	  --ip 127.0.0.1 --silent & maildev=$$!; trap "kill $$maildev 2>/dev/null" EXIT; \
	  echo "demo: the shopper's emails arrive at http://127.0.0.1:$(DEMO_MAIL_PORT)"; \
	  token=$$(LC_ALL=C tr -dc 'A-Za-z0-9' </dev/urandom | head -c 40); \
	  echo "demo: the merchant's page is http://127.0.0.1:8080/admin; log in with the admin token $$token"; \
	  target/release/backorder-server --smtp-url smtp://127.0.0.1:$(DEMO_SMTP_PORT) \
	    --mail-from "Demo Shop <shop@demo.invalid>" --admin-token "$$token"

test: tools check test-native build test-npm size reproducible build-plain test-browser test-e2e ## Installs what is missing, then runs every check.
	@echo "make test: every check passed"

tools:
	@.ci/tools.sh

# The shipped widget rebuilds the standard library with panics as plain traps: no panic messages,
# no formatting machinery behind them, and no source locations kept for them (about 10 KB gzipped).
# `-Z build-std` is unstable, so this one command lets the stable compiler accept it
# (docs/size.md, "How the widget is built small"); everything else is plain stable. Without
# reference types, wasm-bindgen keeps JavaScript values in a JavaScript array instead of a table
# managed by WebAssembly code, which ships about 1 KB less. The standard library's
# `optimize_for_size` feature picks its smaller implementations where it has two (about 0.3 KB).
SHIP_RUSTFLAGS := -Zunstable-options -Cpanic=immediate-abort -Zlocation-detail=none \
  -Ctarget-feature=-reference-types

SHIP_STD := -Z build-std=std,panic_abort -Z build-std-features=optimize_for_size

# The full widget (the npm package), then the badge-only one a collection page loads instead:
# the same crate without the `form` feature, in www/pkg/badge/ (not part of the npm package).
BADGE := $(PKG)/badge
build: tools ## The widget: www/pkg, and the badge-only build in www/pkg/badge, optimised for size.
	RUSTC_BOOTSTRAP=1 RUSTFLAGS="$(SHIP_RUSTFLAGS)" wasm-pack --quiet build --release --target web \
	  --out-dir $(PKG) --out-name backorder_widget . -- $(SHIP_STD)
	node .ci/shrink.mjs $(PKG) backorder_widget
	RUSTC_BOOTSTRAP=1 RUSTFLAGS="$(SHIP_RUSTFLAGS)" wasm-pack --quiet build --release --target web \
	  --no-pack --out-dir $(BADGE) --out-name backorder_widget_badge . -- --no-default-features $(SHIP_STD)
	node .ci/shrink.mjs $(BADGE) backorder_widget_badge
	node .ci/package.mjs $(PKG) backorder_widget

check: fmt clippy fuzz-check

# The fuzz crate (its own workspace, run by hand with cargo-fuzz on nightly) still compiles.
fuzz-check:
	cargo check --locked --manifest-path tests/fuzz/Cargo.toml --target-dir target/fuzz

# Two builds of one commit, from two clones, ship the same .wasm (sha256).
reproducible: build
	.ci/reproducible.sh

# The widget without RUSTC_BOOTSTRAP: plain stable, no rebuilt standard library, in a target
# folder of its own so the shipped build's stays. What the shipped build falls back to if a
# toolchain renames one of its unstable flags (docs/size.md, "How the widget is built small").
build-plain: tools
	CARGO_TARGET_DIR=target/plain wasm-pack --quiet build --release --target web \
	  --out-dir target/plain-pkg --out-name backorder_widget .
	node .ci/shrink.mjs target/plain-pkg backorder_widget
	@echo "build-plain: $$(gzip -9 -c target/plain-pkg/backorder_widget_bg.wasm | wc -c) B of wasm gzipped without RUSTC_BOOTSTRAP," \
	  "$$(gzip -9 -c $(PKG)/backorder_widget_bg.wasm | wc -c) B shipped"

fmt:
	cargo fmt --all -- --check

# Natively, then for wasm32 (the full build, then the badge-only one): the browser layer (src/web, src/api.rs) is only compiled there, so
# only the last run holds it to clippy.toml's bans on core::fmt.
clippy:
	cargo clippy --all-targets --features server -- -D warnings
	cargo clippy --features server --test bench -- -D warnings
	cargo clippy --all-targets --target wasm32-unknown-unknown -- -D warnings
	cargo clippy --lib --target wasm32-unknown-unknown --no-default-features -- -D warnings

test-native: ## Every native test target (e2e and bench are their own steps), then the endpoint's contract suite again on PostgreSQL.
	cargo test --features server
	BACKORDER_TEST_BACKEND=postgres cargo test --features server --test server --test keeping -- \
	  --skip replicas:: --skip process::

test-browser: ## The wasm-bindgen-test suite in headless Chromium, then in headless Firefox.
	wasm-pack test --headless --chrome
	wasm-pack test --headless --firefox

# The npm package as an integrator uses it: `npm pack` of www/pkg, installed into a tiny Vite app
# (tests/npm/app, its own lock: Vite and TypeScript), type-checked against the package's .d.ts
# with tsc, bundled by Vite and run in headless Chromium by tests/npm/run.mjs.
NPM_APP := tests/npm/app
test-npm: build
	rm -rf target/npm && mkdir -p target/npm
	npm pack --silent --pack-destination target/npm ./$(PKG) >/dev/null
	npm ci --prefix $(NPM_APP) --no-audit --no-fund --silent
	npm install --prefix $(NPM_APP) --no-save --no-audit --no-fund --silent $(CURDIR)/target/npm/backorder-widget-*.tgz
	cd $(NPM_APP) && node_modules/.bin/tsc --noEmit && node_modules/.bin/vite build --logLevel warn
	node tests/npm/run.mjs

test-e2e: build
	cargo test --release --features server --test e2e -- --test-threads 1

size: build ## Fails when the widget's gzip total is over budget, or a JS file is over 10 KiB gzipped.
	cargo test --release --features server --test bench -- size --budget $(SIZE_BUDGET) \
	  --badge-budget $(BADGE_BUDGET)

REPORT := target/size-report
size-report: build ## What the WebAssembly spends its bytes on, by module (installs twiggy).
	command -v twiggy >/dev/null || cargo install twiggy --locked
	mkdir -p $(REPORT)
	wasm-bindgen --target web --keep-debug --out-dir $(REPORT) target/wasm32-unknown-unknown/release/backorder_widget.wasm
	node target/tools/node_modules/binaryen/bin/wasm-opt -Oz -g --minify-imports-and-exports-and-modules \
	  $(REPORT)/backorder_widget_bg.wasm -o $(REPORT)/named.wasm >/dev/null
	twiggy top -n 25 $(REPORT)/named.wasm
	twiggy top -n 100000 --format csv $(REPORT)/named.wasm > $(REPORT)/top.csv
	node .ci/size-report.mjs $(REPORT)/top.csv

# BENCH_BASE=REV also builds that commit's widget (.ci/bench-base.sh) and loads it beside this one
# in the same run: its bytes and page loads, with the ratio.
BENCH_BASE ?=
bench: build ## Measures bytes, time to first status, 200 badges, the engine and the endpoint (target/bench.json).
	base=(); if [ -n "$(BENCH_BASE)" ]; then base=(--base "$(BENCH_BASE)" "$$(.ci/bench-base.sh $(BENCH_BASE))"); fi; \
	  cargo test --release --features server --test bench -- all --budget $(SIZE_BUDGET) \
	  --badge-budget $(BADGE_BUDGET) "$${base[@]}"

clean:
	cargo clean
	rm -rf $(PKG)
