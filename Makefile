# make demo: the demo city on embedded SQLite. make test: every test, on
# SQLite and PostgreSQL and in headless Chromium; it installs Chromium and
# starts PostgreSQL when they are missing, and fails if any test skipped;
# then it lints the OpenAPI document (scripts/lint-openapi.sh, Redocly's CLI
# from npm): one error or warning fails it. make lint-openapi: that alone.
SHELL := /bin/bash
GO ?= go

.PHONY: build demo test deps vet bench lint-openapi

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
	@bash scripts/test.sh
	@bash scripts/lint-openapi.sh

lint-openapi:
	@bash scripts/lint-openapi.sh

bench: deps
	$(GO) test -run '^$$' -bench . -benchmem ./...

# make fuzz [FUZZTIME=30s]: every fuzzer (func FuzzXxx in a _test.go) run for
# FUZZTIME, one after another; go test runs their seeds already. A crasher is
# written to the package's testdata/fuzz/FuzzXxx: keep it, it becomes a seed.
FUZZTIME ?= 30s
.PHONY: fuzz
fuzz:
	@set -e; for file in $$(git ls-files '*_test.go' | xargs grep -l '^func Fuzz'); do \
		for name in $$(sed -n 's/^func \(Fuzz[A-Za-z0-9_]*\)(.*/\1/p' $$file); do \
			echo "== ./$$(dirname $$file) $$name"; \
			$(GO) test ./$$(dirname $$file) -run '^$$' -fuzz "^$$name$$" -fuzztime $(FUZZTIME) -fuzzminimizetime 10s; \
		done; \
	done
