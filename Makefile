# IMAP Hub — the two commands a new machine needs are `make run` and `make test`.
SHELL := /bin/bash
GO ?= go
BIN := bin/imaphub
VERSION := $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X main.version=$(VERSION)
# Static (the SQLite driver is pure Go) and without local paths, as in the
# image and the releases, so that they share the package cache.
GOBUILD := CGO_ENABLED=0 $(GO) build -trimpath
RELEASE_PLATFORMS := linux/amd64 linux/arm64 darwin/arm64
# The race detector is on for every test run (CI included). It watches our
# code, the standard library and every Go dependency except SQLite's C
# translated to Go (modernc.org/sqlite/lib, modernc.org/libc): SQLite
# serialises its own work, and instrumenting it made every SQLite test 5-30x
# slower (an 11,000-row import: 15 s against 0.5 s).
RACE_SKIP := -gcflags=modernc.org/sqlite/lib=-race=false -gcflags=modernc.org/libc/...=-race=false
TESTFLAGS ?= -race $(RACE_SKIP) -timeout 20m
BENCHTIME ?= 1s
# Each fuzz target runs this long in make fuzz (make test: 5s each).
FUZZTIME ?= 10s
CHROMIUM ?= /usr/bin/chromium

.PHONY: load lighthouse run build build-ui release image-check image-check-if-podman test test-go test-rest go-test fuzz bench quality reliability vet fmt-check clean web web-deps api-client api-client-check openapi-lint web-test e2e

## run: build the web app and the server, start it on the embedded database with the demo account at http://127.0.0.1:8080
## (plain http on the loopback address, so the session cookie goes without Secure there only)
run: build-ui
	IMAPHUB_ADDR=$${IMAPHUB_ADDR:-127.0.0.1:8080} IMAPHUB_COOKIE_SECURE=$${IMAPHUB_COOKIE_SECURE:-false} ./$(BIN) serve --demo

## build: the one binary
build:
	$(GOBUILD) -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/imaphub

## build-ui: the one binary with the web app embedded (needs Node.js and npm)
build-ui: web
	$(GOBUILD) -tags webui -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/imaphub

## release: stripped, versioned binaries with the web app for linux/amd64, linux/arm64 and darwin/arm64 in dist/, with SHA256SUMS
release: web
	rm -rf dist && mkdir -p dist
	@for p in $(RELEASE_PLATFORMS); do \
	  os=$${p%/*}; arch=$${p#*/}; out=dist/imaphub-$(VERSION)-$$os-$$arch; \
	  echo "$$out"; GOOS=$$os GOARCH=$$arch $(GOBUILD) -tags webui -ldflags "-s -w $(LDFLAGS)" -o $$out ./cmd/imaphub || exit 1; \
	done
	cd dist && sha256sum imaphub-* > SHA256SUMS
	@ls -l dist

## image-check: build the container image's runtime-local target (FROM scratch, no pull) with podman and inspect it; validate compose.yaml with podman-compose
image-check:
	VERSION=$(VERSION) scripts/image-check.sh

image-check-if-podman:
	@if command -v podman >/dev/null; then $(MAKE) --no-print-directory image-check; \
	else echo "NOTE: podman is not installed: the image check is SKIPPED (.ci/run installs it)."; fi

## test: every test (Go, every fuzz target for 5s, the OpenAPI document's lint, the generated API client's freshness, Vitest, browser tests, the container image when podman is installed); store and API tests also run on PostgreSQL when IMAPHUB_TEST_POSTGRES_URL is set
# The Go tests and the rest run side by side: each mostly waits where the
# other computes (the browser tests on pages, the crash tests on River), and
# make prints each part's output whole when it ends.
test:
	@echo "make test: the Go tests, and beside them the OpenAPI lint, API client check, Vitest, browser tests, image check and fuzzing; each part prints when it ends"
	@$(MAKE) --no-print-directory -j2 --output-sync=target test-go test-rest

test-go: go-test

test-rest:
	$(MAKE) --no-print-directory openapi-lint
	$(MAKE) --no-print-directory api-client-check
	$(MAKE) --no-print-directory web-test
	$(MAKE) --no-print-directory e2e
	$(MAKE) --no-print-directory image-check-if-podman
	$(MAKE) --no-print-directory fuzz FUZZTIME=5s

## fuzz: every Go fuzz target (func FuzzXxx) for FUZZTIME each; a failing input lands in the package's testdata/fuzz/FuzzXxx/ — commit it with the fix
fuzz:
	GO=$(GO) FUZZTIME=$(FUZZTIME) scripts/fuzz.sh

go-test: vet fmt-check
	@if [ -z "$$IMAPHUB_TEST_POSTGRES_URL" ]; then \
	  echo "NOTE: IMAPHUB_TEST_POSTGRES_URL is not set: the PostgreSQL half of every store test is SKIPPED (.ci/run sets it)."; fi
	$(GO) test $(TESTFLAGS) -count=1 ./...

## quality: the copy quality benchmark — German, English and Japanese briefs (internal/domain/generation/testdata/briefs) through the offline writer and a scripted model — written to docs/quality.md; fails on an invalid text or a phrase cut mid-way
quality:
	$(GO) run ./cmd/quality

## reliability: the crash campaigns — 100 × kill -9 of a worker mid-publish against the local Google Ads server, 20 × kill -9 of serve under concurrent writes, on SQLite and (with IMAPHUB_TEST_POSTGRES_URL) PostgreSQL — written to docs/reliability.md; fails when a campaign finds a duplicate, an unfinished job, a failed integrity check or a lost write
RELIABILITY_PUBLISH_ROUNDS ?= 100
RELIABILITY_SERVE_ROUNDS ?= 20
# Publishing rounds run side by side; each mostly waits for River to rescue its job.
RELIABILITY_PARALLEL ?= 8
reliability:
	@if [ -z "$$IMAPHUB_TEST_POSTGRES_URL" ]; then \
	  echo "NOTE: IMAPHUB_TEST_POSTGRES_URL is not set: the PostgreSQL campaigns are SKIPPED."; fi
	@out=$$(mktemp -d); start=$$(date +%s); status=0; \
	IMAPHUB_CRASH_ROUNDS=$(RELIABILITY_PUBLISH_ROUNDS) IMAPHUB_SERVE_CRASH_ROUNDS=$(RELIABILITY_SERVE_ROUNDS) IMAPHUB_RELIABILITY_OUT=$$out \
	  $(GO) test -count=1 -timeout 3h -parallel $(RELIABILITY_PARALLEL) \
	  -run '^(TestWorkerKilledMidPublishCreatesNothingTwice|TestAuditEntriesCommitWithTheirChangesAcrossKill)$$' ./cmd/imaphub || status=$$?; \
	$(GO) run ./cmd/reliability -in $$out -out docs/reliability.md -wall $$(( $$(date +%s) - start ))s || status=$$((status ? status : $$?)); \
	rm -rf $$out; exit $$status

## bench: every benchmark, written to docs/performance.md (IMAPHUB_BENCH_SCALE=large for the full data sets: where-used, 10,000,000 report rows, 1,000,000-row import; IMAPHUB_TEST_POSTGRES_URL adds PostgreSQL); fails when a read endpoint is below HTTPBENCH_MIN_RATIO of a bare server
# Each benchmark writes a Markdown fragment into BENCH_DIR; scripts/bench-doc.sh
# puts them under a header naming the machine. docs/performance.md is written
# even when a benchmark fails, and the failure is the target's status.
BENCH_DIR ?= bin/bench
HTTPBENCH_DURATION ?= 5s
HTTPBENCH_MIN_RATIO ?= 0.5
bench: build
	@command -v wrk >/dev/null || echo "NOTE: wrk is not installed (apt-get install wrk): cmd/httpbench falls back to its Go load generator, which takes CPU from the servers and lowers every ratio."
	@rm -rf $(BENCH_DIR) && mkdir -p $(BENCH_DIR); status=0; \
	{ $(GO) test -run '^$$' -bench . -benchmem -benchtime $(BENCHTIME) ./... && \
	  IMAPHUB_BENCH_SCALE=large $(GO) test -count=1 -v -run '^TestWhereUsedHotAssetIn100000Places$$' ./internal/domain/assets/ && \
	  BIN=$(BIN) scripts/bench-startup.sh && \
	  $(GO) run ./cmd/sseload -bin $(BIN) -streams 5000; } 2>&1 | tee $(BENCH_DIR)/go.log; \
	[ $${PIPESTATUS[0]} -eq 0 ] || status=1; \
	{ echo "## Go benchmarks, start-up and event streams"; echo; \
	  echo "\`go test -bench . -benchmem -benchtime $(BENCHTIME) ./...\`, \`scripts/bench-startup.sh\`, \`cmd/sseload -streams 5000\` (load average at the end: $$(cut -d' ' -f1-3 /proc/loadavg))."; echo; \
	  echo '```'; grep -v '^\(PASS\|ok \|?\)' $(BENCH_DIR)/go.log; echo '```'; } > $(BENCH_DIR)/10-go.md; \
	$(GO) run ./cmd/httpbench -bin $(BIN) -duration $(HTTPBENCH_DURATION) -min-ratio $(HTTPBENCH_MIN_RATIO) -out $(BENCH_DIR)/20-http.md || status=1; \
	$(MAKE) --no-print-directory load BENCH_DIR=$(BENCH_DIR) || status=1; \
	GO=$(GO) scripts/bench-doc.sh $(BENCH_DIR) > docs/performance.md; \
	echo "wrote docs/performance.md"; exit $$status

## load: LOAD_USERS simulated users (browse, search, edit with If-Match, generate with the scripted model and follow the event stream) for LOAD_DURATION against the binary on SQLite (one serve), and with IMAPHUB_TEST_POSTGRES_URL on PostgreSQL (two serve and one worker); writes $(BENCH_DIR)/30-load-*.md (part of make bench's docs/performance.md); fails on an error, a read p99 above 100 ms or a lost write
LOAD_USERS ?= 200
LOAD_DURATION ?= 10m
load: build
	@mkdir -p $(BENCH_DIR); status=0; \
	$(GO) run ./cmd/loadtest -bin $(BIN) -engine sqlite -users $(LOAD_USERS) -duration $(LOAD_DURATION) -out $(BENCH_DIR)/30-load-sqlite.md || status=1; \
	if [ -n "$$IMAPHUB_TEST_POSTGRES_URL" ]; then \
	  $(GO) run ./cmd/loadtest -bin $(BIN) -engine postgres -serve 2 -worker -users $(LOAD_USERS) -duration $(LOAD_DURATION) -out $(BENCH_DIR)/31-load-postgres.md || status=1; \
	else echo "NOTE: IMAPHUB_TEST_POSTGRES_URL is not set: the PostgreSQL load run is SKIPPED."; rm -f $(BENCH_DIR)/31-load-postgres.md; fi; \
	exit $$status

vet:
	$(GO) vet ./...

# npm ci again only when the lock file changed since the last install.
web/node_modules/.package-lock.json: web/package-lock.json
	cd web && npm ci --no-audit --no-fund

web-deps: web/node_modules/.package-lock.json

## web: the web app's production build in web/dist
web: web-deps
	cd web && npm run build

# The OpenAPI document of the server as built from this tree (no network: the
# binary starts on a temporary directory and a loopback port).
bin/openapi.json: build
	BIN=$(BIN) web/scripts/openapi.sh > $@.tmp && mv $@.tmp $@

## api-client: regenerate web/src/lib/api/schema.d.ts from the server's OpenAPI document
api-client: web-deps bin/openapi.json
	cd web && npx openapi-typescript ../bin/openapi.json -o src/lib/api/schema.d.ts

## api-client-check: fail when the generated API client is older than the server's OpenAPI document
api-client-check: web-deps bin/openapi.json
	cd web && npx openapi-typescript ../bin/openapi.json -o ../bin/schema.check.d.ts >/dev/null
	@if ! diff -q web/src/lib/api/schema.d.ts bin/schema.check.d.ts >/dev/null; then \
	  echo "web/src/lib/api/schema.d.ts is stale: run 'make api-client' and commit it"; \
	  diff -u web/src/lib/api/schema.d.ts bin/schema.check.d.ts | head -40; exit 1; fi

scripts/openapi-lint/node_modules/.package-lock.json: scripts/openapi-lint/package-lock.json
	cd scripts/openapi-lint && npm ci --no-audit --no-fund

## openapi-lint: Redocly's recommended rules over the server's OpenAPI document (redocly.yaml lists what is turned off, and why)
openapi-lint: bin/openapi.json scripts/openapi-lint/node_modules/.package-lock.json
	cd scripts/openapi-lint && npx redocly lint ../../bin/openapi.json --config ../../redocly.yaml

## web-test: type check (strict) and Vitest (machine, stores, components)
web-test: web-deps
	cd web && npm run check && npx vitest run

## lighthouse: Lighthouse (accessibility, performance) on sign-in, campaigns, wizard review and asset library, desktop and mobile, written to docs/lighthouse.md
lighthouse: build-ui $(CHROMIUM) scripts/lighthouse/node_modules/.package-lock.json
	$(GOBUILD) -o bin/scripted-llm ./internal/platform/ai/aitest/cmd/scripted-llm
	$(GOBUILD) -o bin/fake-googleads ./internal/platform/googleads/googleadstest/cmd/fake-googleads
	cd web && BIN=../$(BIN) SCRIPTED_LLM=../bin/scripted-llm FAKE_GOOGLEADS=../bin/fake-googleads node e2e/lighthouse.mjs

scripts/lighthouse/node_modules/.package-lock.json: scripts/lighthouse/package-lock.json
	cd scripts/lighthouse && npm ci --no-audit --no-fund

## e2e: browser tests (playwright-core, Debian's Chromium) against the real binary, the scripted LLM and the fake Google Ads server
e2e: build-ui $(CHROMIUM)
	$(GOBUILD) -o bin/scripted-llm ./internal/platform/ai/aitest/cmd/scripted-llm
	$(GOBUILD) -o bin/fake-googleads ./internal/platform/googleads/googleadstest/cmd/fake-googleads
	cd web && E2E_OUT=$${E2E_OUT:-$(CURDIR)/bin/e2e} BIN=../$(BIN) SCRIPTED_LLM=../bin/scripted-llm FAKE_GOOGLEADS=../bin/fake-googleads node e2e/run.mjs

# Debian's Chromium drives the browser tests; installed on first use when we
# may (root), as on CI.
$(CHROMIUM):
	@if [ "$$(id -u)" = 0 ]; then apt-get update -q && apt-get install -y -q chromium; \
	else echo "The browser tests need Debian's Chromium: sudo apt-get install chromium"; exit 1; fi

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

clean:
	rm -rf bin web/dist dist
