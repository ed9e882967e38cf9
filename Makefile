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
	@bash scripts/test.sh

bench: deps
	$(GO) test -run '^$$' -bench . -benchmem ./...
