# make demo: the demo city on embedded SQLite. make test: every test, on
# SQLite and PostgreSQL and in headless Chromium; it installs Chromium and
# starts PostgreSQL when they are missing, and fails if any test skipped.
SHELL := /bin/bash
GO ?= go

.PHONY: build demo test deps vet bench

build:
	$(GO) build -o fugong ./cmd/fugong

demo: build
	./fugong demo

deps:
	@bash scripts/test-deps.sh

vet:
	$(GO) vet ./...
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); echo "gofmt needed"; exit 1; }

test: deps vet
	@set -o pipefail; $(GO) test -count=1 -v ./... 2>&1 | tee .test.log | grep -E '^(ok|FAIL|---|panic:|\s+\S+_test\.go:)' ; status=$$?; \
	if grep -q -- '--- SKIP' .test.log; then echo "FAIL: tests skipped (a skipped backend or browser test is a failed requirement):"; grep -- '--- SKIP' .test.log; exit 1; fi; \
	passed=$$(grep -c -- '--- PASS' .test.log); failed=$$(grep -c -- '--- FAIL' .test.log); \
	echo "$$passed passed, $$failed failed"; exit $$status

bench: deps
	$(GO) test -run '^$$' -bench . -benchmem ./...
