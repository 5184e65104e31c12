# IMAP Hub — the two commands a new machine needs are `make run` and `make test`.
SHELL := /bin/bash
GO ?= go
BIN := bin/imaphub
VERSION := $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X main.version=$(VERSION)
# The race detector is on for every test run (CI included).
TESTFLAGS ?= -race
BENCHTIME ?= 1s

.PHONY: run build test bench vet fmt-check clean

## run: build and start the server on the embedded database with the demo account at http://127.0.0.1:8080
run: build
	IMAPHUB_ADDR=$${IMAPHUB_ADDR:-127.0.0.1:8080} ./$(BIN) serve --demo

## build: the one binary
build:
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/imaphub

## test: every test; store and API tests also run on PostgreSQL when IMAPHUB_TEST_POSTGRES_URL is set
test: vet fmt-check
	@if [ -z "$$IMAPHUB_TEST_POSTGRES_URL" ]; then \
	  echo "NOTE: IMAPHUB_TEST_POSTGRES_URL is not set: the PostgreSQL half of every store test is SKIPPED (.ci/run sets it)."; fi
	$(GO) test $(TESTFLAGS) -count=1 ./...

## bench: every benchmark (IMAPHUB_BENCH_SCALE=large for the full where-used data set)
bench: build
	$(GO) test -run '^$$' -bench . -benchmem -benchtime $(BENCHTIME) ./...
	BIN=$(BIN) scripts/bench-startup.sh

vet:
	$(GO) vet ./...

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

clean:
	rm -rf bin
