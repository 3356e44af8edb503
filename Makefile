# unfbridge: every command a developer or CI needs. `make run` and `make test` work on a fresh
# machine: they install what they need (pinned) under infra/ and say so.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

GO        ?= go
FUNCTIONS := $(notdir $(wildcard functions/*))
VERSION   ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS   := -s -w -X unfbridge/shared/buildinfo.version=$(VERSION)
GOBUILD   := CGO_ENABLED=0 $(GO) build -tags lambda.norpc -trimpath -ldflags '$(LDFLAGS)'

# Pinned tools, installed into infra/ (git-ignored).
TOOLS_DIR   := $(CURDIR)/infra/bin
RIE_VERSION := v0.0.0-20261030222936-bef5c4ba774d
RIE         := $(TOOLS_DIR)/aws-lambda-rie
RIE_STAMP   := $(TOOLS_DIR)/.aws-lambda-rie-$(RIE_VERSION)
DDB_VERSION := 2.9.30
DDB_SHA256  := 3503ffac19f183407909fecdacf4db51ab1fdad1da7b2f177016670b2d80e4b9
DDB_DIR     := $(CURDIR)/infra/dynamodb-local
DDB_STAMP   := $(DDB_DIR)/.amplify-dynamodb-simulator-$(DDB_VERSION)

export RIE_BIN := $(RIE)

.PHONY: help run test build bench invoke lint tools java clean

help:
	@echo "make run      run the bridge locally on 127.0.0.1:8080 (LISTEN_ADDR to change)"
	@echo "make test     lint + all tests (installs DynamoDB Local and the Lambda RIE first)"
	@echo "make build    one linux/arm64 bootstrap per function under bin/"
	@echo "make bench    benchmarks, with figures"
	@echo "make invoke   FN=admin EVENT=events/admin-healthz.json: run a real bootstrap under the Lambda RIE"
	@echo "make lint     gofmt + go vet"

run:
	@echo "==> building and starting the bridge locally (embedded store and objects in .data/)"
	$(GO) build -ldflags '$(LDFLAGS)' -o bin/localrun ./infra/localrun
	exec bin/localrun

test: lint tools
	@echo "==> running every test (DynamoDB Local, in-process S3, Lambda RIE; race detector on)"
	$(GO) test -race -count=1 -timeout 15m ./...

build:
	@for fn in $(FUNCTIONS); do \
		echo "==> building bin/$$fn/bootstrap (linux/arm64)"; \
		GOOS=linux GOARCH=arm64 $(GOBUILD) -o bin/$$fn/bootstrap ./functions/$$fn; \
	done

bench: tools
	@echo "==> running benchmarks (figures below; see README for the last recorded ones)"
	$(GO) test -run '^$$' -bench . -benchtime 1x -timeout 30m ./...

invoke: tools
	@test -n "$(FN)" -a -n "$(EVENT)" || { echo "usage: make invoke FN=admin EVENT=events/admin-healthz.json"; exit 2; }
	$(GO) run ./infra/invoke -fn '$(FN)' -event '$(EVENT)' -ldflags '$(LDFLAGS)'

lint:
	@echo "==> gofmt and go vet"
	@out=$$(gofmt -l $$(git ls-files -co --exclude-standard '*.go')); \
		if [ -n "$$out" ]; then echo "gofmt wants to change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

tools: $(RIE_STAMP) $(DDB_STAMP) java

$(RIE_STAMP):
	@echo "==> installing the Lambda Runtime Interface Emulator $(RIE_VERSION) into infra/bin"
	@mkdir -p $(TOOLS_DIR)
	GOBIN=$(TOOLS_DIR) $(GO) install github.com/aws/aws-lambda-runtime-interface-emulator/cmd/aws-lambda-rie@$(RIE_VERSION)
	@rm -f $(TOOLS_DIR)/.aws-lambda-rie-* && touch $@

$(DDB_STAMP):
	@echo "==> installing DynamoDB Local (npm amplify-dynamodb-simulator@$(DDB_VERSION)) into infra/dynamodb-local"
	@rm -rf $(DDB_DIR) && mkdir -p $(DDB_DIR)
	cd $(DDB_DIR) && npm pack --silent amplify-dynamodb-simulator@$(DDB_VERSION) >/dev/null
	cd $(DDB_DIR) && echo "$(DDB_SHA256)  amplify-dynamodb-simulator-$(DDB_VERSION).tgz" | sha256sum -c --quiet
	cd $(DDB_DIR) && tar xzf amplify-dynamodb-simulator-$(DDB_VERSION).tgz package/emulator && rm amplify-dynamodb-simulator-$(DDB_VERSION).tgz
	@touch $@

java:
	@command -v java >/dev/null || { \
		echo "==> installing a Java runtime for DynamoDB Local (apt-get install default-jre-headless)"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless; }

clean:
	rm -rf bin .data
